package admin

import "github.com/quirehq/quire/internal/blog"

// Body sizes the admin's larger forms need. The server's body limit lets
// requests to these forms be this large; every other admin form gets its
// small default.
const (
	// MaxUploadBody bounds a media upload: the largest image and the rest
	// of the form.
	MaxUploadBody = maxUploadRequest
	// MaxPostBody bounds the post and page editor's form.
	MaxPostBody = maxPostForm
	// MaxCommentBody bounds the forms that edit or reply to a comment.
	MaxCommentBody = maxCommentForm
	// MaxIssueBody bounds the newsletter issue editor's form: the
	// longest issue and room for the rest.
	MaxIssueBody = 4*blog.MaxIssueBody + 64<<10
	// MaxSubscribersCSV bounds a subscribers CSV import (about 100,000
	// addresses).
	MaxSubscribersCSV = 8 << 20
)
