package blog

// IsReaction reports whether c is a like or a repost received by
// Webmention: a reaction shown as a name in a row, not as a comment, and
// not counted among the thoughts on a post.
func (c *Comment) IsReaction() bool {
	return c.Type == TypeWebmention && (c.MentionKind == MentionLike || c.MentionKind == MentionRepost)
}

// Label is the comment's type as the admin names it: "Comment",
// "Pingback", "Trackback" or "Webmention".
func (t CommentType) Label() string {
	switch t {
	case TypePingback:
		return "Pingback"
	case TypeTrackback:
		return "Trackback"
	case TypeWebmention:
		return "Webmention"
	}
	return "Comment"
}
