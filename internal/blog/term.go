package blog

// Taxonomy is the kind of a term.
type Taxonomy string

// Taxonomies.
const (
	Category Taxonomy = "category"
	Tag      Taxonomy = "tag"
)

// Term is a category or a tag.
type Term struct {
	ID          int64
	Taxonomy    Taxonomy
	Name        string
	Slug        string
	ParentID    int64 // categories only
	Description string
	Count       int // published posts, filled on some reads

	Path string // categories: "parent/child" slugs from the root, filled on reads
}
