package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// Routes registers the admin on mux. Every admin response is marked
// no-store: admin pages are personal and must never be cached.
func (h *Handler) Routes(mux *http.ServeMux) {
	handle := func(pattern string, fn http.HandlerFunc) {
		mux.Handle(pattern, noStore(fn))
	}
	owner, editor, author := blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor

	// WordPress addresses people and bots still use.
	handle("/wp-admin/", h.wpRedirect)
	handle("/wp-login.php", h.wpRedirect)
	handle("GET /admin", h.wpRedirect)

	handle("GET /admin/admin.css", h.css)
	handle("/admin/", h.notFound)
	handle("/wp-admin", h.wpRedirect)

	// Open to everyone: first-run setup, login, lost password.
	handle("GET /admin/setup/{token}", h.setupShow)
	handle("POST /admin/setup/{token}", h.setupCreate)
	handle("GET /admin/login", h.loginShow)
	handle("POST /admin/login", h.loginCreate)
	handle("POST /admin/logout", h.logout)
	handle("GET /admin/lost-password", h.lostShow)
	handle("POST /admin/lost-password", h.lostCreate)
	handle("GET /admin/reset/{token}", h.resetShow)
	handle("POST /admin/reset/{token}", h.resetCreate)
	handle("POST /admin/reset/{token}/login", h.resetLogin)

	handle("GET /admin/{$}", h.needs(author, h.dashboard))

	// Posts and pages share the editor; an ID names either.
	handle("GET /admin/posts/{$}", h.needs(author, h.postsList))
	handle("GET /admin/pages/{$}", h.needs(editor, h.postsList))
	handle("GET /admin/posts/new", h.needs(author, h.postNew))
	handle("GET /admin/pages/new", h.needs(editor, h.postNew))
	handle("POST /admin/posts/new", h.needs(author, h.postSave))
	handle("POST /admin/pages/new", h.needs(editor, h.postSave))
	handle("GET /admin/posts/{id}", h.needs(author, h.postEdit))
	handle("POST /admin/posts/{id}", h.needs(author, h.postSave))
	handle("POST /admin/posts/{id}/unpublish", h.needs(author, h.postUnpublish))
	handle("POST /admin/posts/{id}/trash", h.needs(author, h.postTrash))
	handle("POST /admin/posts/{id}/restore", h.needs(author, h.postRestore))
	handle("POST /admin/posts/{id}/delete", h.needs(author, h.postDelete))

	handle("GET /admin/import/{$}", h.needs(owner, h.importShow))
	handle("POST /admin/import/{$}", h.needs(owner, h.importRun))

	handle("GET /admin/media/{$}", h.needs(author, h.mediaList))
	handle("POST /admin/media/{$}", h.needs(author, h.mediaUpload))
	handle("POST /admin/media/{id}", h.needs(author, h.mediaAlt))
	handle("POST /admin/media/{id}/delete", h.needs(author, h.mediaDelete))

	// Comment moderation: authors moderate the comments on their own posts.
	handle("GET /admin/comments/{$}", h.needs(author, h.commentsList))
	handle("POST /admin/comments/{$}", h.needs(author, h.commentsBulk))
	handle("GET /admin/comments/{id}", h.needs(author, h.commentEdit))
	handle("POST /admin/comments/{id}", h.needs(author, h.commentUpdate))
	handle("POST /admin/comments/{id}/reply", h.needs(author, h.commentReply))
	handle("POST /admin/comments/{id}/{action}", h.needs(author, h.commentAct))

	handle("GET /admin/categories/{$}", h.needs(editor, h.termsList))
	handle("GET /admin/tags/{$}", h.needs(editor, h.termsList))
	handle("POST /admin/categories/{$}", h.needs(editor, h.termCreate))
	handle("POST /admin/tags/{$}", h.needs(editor, h.termCreate))
	handle("GET /admin/terms/{id}", h.needs(editor, h.termEdit))
	handle("POST /admin/terms/{id}", h.needs(editor, h.termUpdate))
	handle("POST /admin/terms/{id}/delete", h.needs(editor, h.termDelete))

	handle("GET /admin/users/{$}", h.needs(owner, h.usersList))
	handle("POST /admin/users/{$}", h.needs(owner, h.userCreate))
	handle("POST /admin/users/{id}/role", h.needs(owner, h.userRole))
	handle("GET /admin/profile", h.needs(author, h.profileShow))
	handle("POST /admin/profile", h.needs(author, h.profileSave))
	handle("POST /admin/profile/sessions", h.needs(author, h.sessionsEnd))

	handle("GET /admin/settings", h.needs(owner, h.settingsShow))
	handle("POST /admin/settings", h.needs(owner, h.settingsSave))
	handle("GET /admin/settings/discussion", h.needs(owner, h.discussionShow))
	handle("POST /admin/settings/discussion", h.needs(owner, h.discussionSave))

	// Privacy: find, export and erase what is held for an email address.
	handle("GET /admin/privacy", h.needs(owner, h.privacyShow))
	handle("POST /admin/privacy", h.needs(owner, h.privacyFind))
	handle("POST /admin/privacy/export", h.needs(owner, h.privacyExport))
	handle("POST /admin/privacy/erase", h.needs(owner, h.privacyErase))

	// The newsletter: editors write, queue, schedule and send issues; the
	// owner manages subscribers (personal data) and the settings.
	handle("GET /admin/newsletter/{$}", h.needs(editor, h.issuesList))
	handle("GET /admin/newsletter/settings", h.needs(owner, h.newsletterSettingsShow))
	handle("POST /admin/newsletter/settings", h.needs(owner, h.newsletterSettingsSave))
	handle("GET /admin/newsletter/new", h.needs(editor, h.issueNew))
	handle("POST /admin/newsletter/new", h.needs(editor, h.issueSave))
	handle("GET /admin/newsletter/{id}", h.needs(editor, h.issueEdit))
	handle("POST /admin/newsletter/{id}", h.needs(editor, h.issueSave))
	handle("GET /admin/newsletter/{id}/preview", h.needs(editor, h.issuePreview))
	handle("GET /admin/newsletter/{id}/mail.html", h.needs(editor, h.issueMailHTML))
	handle("GET /admin/newsletter/{id}/send", h.needs(editor, h.issueSendConfirm))
	handle("POST /admin/newsletter/{id}/send", h.needs(editor, h.issueSend))
	handle("POST /admin/newsletter/{id}/queue", h.needs(editor, h.issueQueue))
	handle("POST /admin/newsletter/{id}/move", h.needs(editor, h.issueMove))
	handle("POST /admin/newsletter/{id}/delete", h.needs(editor, h.issueDelete))

	handle("GET /admin/subscribers/{$}", h.needs(owner, h.subscribersList))
	handle("POST /admin/subscribers/{$}", h.needs(owner, h.subscriberAdd))
	handle("POST /admin/subscribers/import", h.needs(owner, h.subscribersImport))
	handle("GET /admin/subscribers/export", h.needs(owner, h.subscribersExport))
	handle("GET /admin/subscribers/{id}", h.needs(owner, h.subscriberShow))
	handle("POST /admin/subscribers/{id}/status", h.needs(owner, h.subscriberStatus))
	handle("POST /admin/subscribers/{id}/erase", h.needs(owner, h.subscriberErase))

	handle("GET /admin/outbox/{$}", h.needs(owner, h.outboxList))
	handle("GET /admin/outbox/{id}", h.needs(owner, h.outboxShow))
	handle("GET /admin/outbox/{id}/html", h.needs(owner, h.outboxHTML))
	handle("POST /admin/outbox/test", h.needs(owner, h.mailTest))
}

// noStore marks a response as personal: never stored by any cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
