package web

// MaxCommentBody bounds the reader's comment form (POST
// /wp-comments-post.php): the server's body limit lets it be this large,
// so that a comment just over its own limit is told so beside its field.
const MaxCommentBody = maxCommentForm
