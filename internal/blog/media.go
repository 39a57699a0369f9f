package blog

import "time"

// Media is an uploaded image. Its bytes live in the database so every
// instance of a site can serve it.
type Media struct {
	ID        int64
	Filename  string
	MIME      string
	Width     int
	Height    int
	Size      int64
	Alt       string
	AuthorID  int64
	CreatedAt time.Time
	Widths    []int // widths of the resized copies, ascending
}

// MediaWidths are the widths images are resized to when wider.
var MediaWidths = []int{480, 960, 1600}
