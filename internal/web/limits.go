package web

// MaxCommentBody bounds the reader's comment form (POST
// /wp-comments-post.php): the server's body limit lets it be this large,
// so that a comment just over its own limit is told so beside its field.
const MaxCommentBody = maxCommentForm

// CommentTooLong is what a comment form too large to read is answered.
const CommentTooLong = "Your comment is too long: keep it under 64 KiB. Go back to shorten it; your browser has kept what you typed."
