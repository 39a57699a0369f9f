package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// privacyExportDoc is the JSON a person gets when they ask what the site
// holds about them.
type privacyExportDoc struct {
	Email          string                   `json:"email"`
	Site           string                   `json:"site"`
	ExportedAt     string                   `json:"exported_at"`
	Comments       []privacyExportComment   `json:"comments"`
	Subscriptions  []privacyExportFollowUp  `json:"comment_subscriptions"`
	FollowUpRecord *privacyExportRecord     `json:"comment_subscriber"`
	Newsletter     *privacyExportNewsletter `json:"newsletter_subscriber"`
}

// privacyExportNewsletter is the address's place on the newsletter's list
// with its history.
type privacyExportNewsletter struct {
	Name          string               `json:"name"`
	Status        string               `json:"status"`
	Source        string               `json:"source"`
	ConsentAt     string               `json:"consent_at,omitempty"`
	ConsentSource string               `json:"consent_source,omitempty"`
	CreatedAt     string               `json:"created_at"`
	History       []privacyExportEvent `json:"history"`
}

type privacyExportEvent struct {
	At     string `json:"at"`
	Kind   string `json:"kind"`
	Detail string `json:"detail,omitempty"`
}

type privacyExportComment struct {
	ID          int64  `json:"id"`
	PostID      int64  `json:"post_id"`
	PostTitle   string `json:"post_title"`
	PostURL     string `json:"post_url,omitempty"`
	ParentID    int64  `json:"parent_id"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	AuthorName  string `json:"author_name"`
	AuthorEmail string `json:"author_email"`
	AuthorURL   string `json:"author_url"`
	AuthorIP    string `json:"author_ip"`
	UserAgent   string `json:"user_agent"`
	Date        string `json:"date"`
	Content     string `json:"content"`
	// A linkback holds no email, so none is found by one; should a
	// moderator have given one an address, its source goes with it.
	SourceURL   string `json:"source_url,omitempty"`
	AuthorPhoto string `json:"author_photo,omitempty"`
}

type privacyExportFollowUp struct {
	PostID      int64  `json:"post_id"`
	PostTitle   string `json:"post_title"`
	Confirmed   bool   `json:"confirmed"`
	ConfirmedAt string `json:"confirmed_at,omitempty"`
	CreatedAt   string `json:"created_at"`
}

type privacyExportRecord struct {
	ConfirmedAt       string `json:"confirmed_at,omitempty"`
	UnsubscribedAllAt string `json:"unsubscribed_all_at,omitempty"`
}

// rfc3339 formats t in UTC, "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// privacyExport sends everything held for an email address as a JSON
// download.
func (h *Handler) privacyExport(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	email, fe := privacyEmail(r)
	if len(fe) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "privacy", &view{Title: "Privacy", Section: "privacy", Errors: fe,
			D: &privacyData{Email: r.PostFormValue("email")}})
		return
	}
	d, err := h.privacyRecords(ctx, email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.now()
	doc := privacyExportDoc{Email: email, Site: set.BaseURL, ExportedAt: rfc3339(now),
		Comments: []privacyExportComment{}, Subscriptions: []privacyExportFollowUp{}}
	for _, c := range d.Comments {
		ec := privacyExportComment{ID: c.ID, PostID: c.PostID, PostTitle: c.PostTitle, ParentID: c.ParentID,
			Type: string(c.Type), SourceURL: c.SourceURL, AuthorPhoto: c.AuthorPhoto, Status: string(c.Status), AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL,
			AuthorIP: c.AuthorIP, UserAgent: c.UserAgent, Date: rfc3339(c.CreatedAt), Content: c.Content}
		if p, err := h.Store.Post(ctx, c.PostID); err == nil && p.IsPublic(now) {
			ec.PostURL = set.Abs(set.PostPath(p))
		}
		doc.Comments = append(doc.Comments, ec)
	}
	for _, s := range d.Subs {
		doc.Subscriptions = append(doc.Subscriptions, privacyExportFollowUp{PostID: s.PostID, PostTitle: s.PostTitle,
			Confirmed: !s.ConfirmedAt.IsZero(), ConfirmedAt: rfc3339(s.ConfirmedAt), CreatedAt: rfc3339(s.CreatedAt)})
	}
	if s := d.Subscriber; s != nil {
		doc.FollowUpRecord = &privacyExportRecord{ConfirmedAt: rfc3339(s.ConfirmedAt), UnsubscribedAllAt: rfc3339(s.UnsubscribedAllAt)}
	}
	if s := d.Newsletter; s != nil {
		nl := &privacyExportNewsletter{Name: s.Name, Status: string(s.Status), Source: s.Source, ConsentAt: rfc3339(s.ConsentAt),
			ConsentSource: s.ConsentSource, CreatedAt: rfc3339(s.CreatedAt), History: []privacyExportEvent{}}
		events, err := h.Store.SubscriberEvents(ctx, s.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, ev := range events {
			nl.History = append(nl.History, privacyExportEvent{At: rfc3339(ev.At), Kind: string(ev.Kind), Detail: ev.Detail})
		}
		doc.Newsletter = nl
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := "personal-data-" + strings.NewReplacer("@", "-at-", ".", "-").Replace(email) + ".json"
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeFilename(name)+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(append(body, '\n'))
}

// safeFilename keeps only characters that need no quoting in a header.
func safeFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}
