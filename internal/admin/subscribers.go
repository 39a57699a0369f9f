package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/store"
)

// subscribersPerPage is how many subscribers the list shows.
const subscribersPerPage = 50

// subscriberURL is the admin page of subscriber id.
func subscriberURL(id int64) string { return "/admin/subscribers/" + strconv.FormatInt(id, 10) }

// subscriberAddForm is the "Add a subscriber" form as typed.
type subscriberAddForm struct {
	Email, Name string
	Confirmed   bool
}

// subscribersData is what the subscribers page shows.
type subscribersData struct {
	Query     string
	Status    string
	Tabs      []issueTab
	Rows      []blog.Subscriber
	Total     int
	Pager     pager
	ExportURL string
	Add       subscriberAddForm
	// ImportErrors are the bad rows of an import just refused.
	ImportErrors newsletter.ImportErrors
}

// subscriberFilter reads the list's search and status from the query.
func subscriberFilter(q url.Values) blog.SubscriberFilter {
	f := blog.SubscriberFilter{Search: strings.TrimSpace(q.Get("q"))}
	if len([]rune(f.Search)) > 200 {
		f.Search = string([]rune(f.Search)[:200])
	}
	if st := blog.SubscriberStatus(q.Get("status")); blog.ValidSubscriberStatus(st) {
		f.Status = st
	}
	return f
}

// subscribersQuery is the list's address for filter f, without a page.
func subscribersQuery(path string, f blog.SubscriberFilter) string {
	v := url.Values{}
	if f.Search != "" {
		v.Set("q", f.Search)
	}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// showSubscribers renders the subscribers page for the request's filter
// and page, with d's form values and errors.
func (h *Handler) showSubscribers(w http.ResponseWriter, r *http.Request, status int, d subscribersData, fe blog.FieldErrors) {
	ctx := r.Context()
	f := subscriberFilter(r.URL.Query())
	d.Query, d.Status = f.Search, string(f.Status)
	if err := h.fillSubscribers(ctx, &d, f, pageNum(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "subscribers", &view{Title: "Subscribers", Section: "subscribers", Errors: fe, D: d})
}

// fillSubscribers loads the tabs, the page of rows and the pager.
func (h *Handler) fillSubscribers(ctx context.Context, d *subscribersData, f blog.SubscriberFilter, page int) error {
	counts, err := h.Store.SubscriberCounts(ctx)
	if err != nil {
		return err
	}
	all := 0
	for _, n := range counts {
		all += n
	}
	tab := f
	tab.Status = ""
	d.Tabs = []issueTab{{Label: "All", Count: all, URL: subscribersQuery("/admin/subscribers/", tab), Current: f.Status == ""}}
	for _, st := range blog.SubscriberStatuses {
		tab.Status = st
		label := strings.ToUpper(string(st[:1])) + string(st[1:])
		d.Tabs = append(d.Tabs, issueTab{Label: label, Count: counts[st], URL: subscribersQuery("/admin/subscribers/", tab),
			Current: f.Status == st})
	}
	f.Limit, f.Offset = subscribersPerPage, (page-1)*subscribersPerPage
	if d.Rows, d.Total, err = h.Store.Subscribers(ctx, f); err != nil {
		return err
	}
	d.Pager = newPager(page, d.Total, subscribersPerPage, subscribersQuery("/admin/subscribers/", f))
	d.ExportURL = subscribersQuery("/admin/subscribers/export", f)
	return nil
}

// eraseEmail erases, in tx, everything held for email: the newsletter's
// subscriber (with its history and deliveries), the comments ("anonymize"
// keeps their text, "delete" deletes them) and the comment follow-ups. It
// is the privacy tools' erase, shared by the subscriber's page.
func eraseEmail(ctx context.Context, tx *store.Store, email, mode string) (comments, followUps int, subscriber bool, err error) {
	if mode == "delete" {
		comments, err = tx.DeleteCommentsByEmail(ctx, email)
	} else {
		comments, err = tx.AnonymizeCommentsByEmail(ctx, email)
	}
	if err != nil {
		return 0, 0, false, err
	}
	if followUps, err = tx.ErasePrivacySubscriptions(ctx, email); err != nil {
		return 0, 0, false, err
	}
	sub, err := tx.SubscriberByEmail(ctx, email)
	switch {
	case err == nil:
		if err := tx.DeleteSubscriber(ctx, sub.ID); err != nil {
			return 0, 0, false, err
		}
		subscriber = true
	case !errors.Is(err, blog.ErrNotFound):
		return 0, 0, false, err
	}
	return comments, followUps, subscriber, nil
}
