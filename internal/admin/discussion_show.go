package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// discussionData is what the discussion settings form shows.
type discussionData struct {
	V      map[string]string // values as typed or stored, by site.Key*
	Depths []string          // the thread depths offered
}

// discussionShow shows the discussion settings in force.
func (h *Handler) discussionShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showDiscussion(w, r, http.StatusOK, discussionValues(set.Discussion), nil)
}

// discussionValues turns discussion settings in force into form values.
func discussionValues(d site.Discussion) map[string]string {
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	depth, threaded := d.ThreadDepth, "1"
	if depth <= 1 {
		depth, threaded = site.DefaultDiscussion().ThreadDepth, "0"
	}
	closeDays := ""
	if d.CloseAfterDays > 0 {
		closeDays = strconv.Itoa(d.CloseAfterDays)
	}
	return map[string]string{
		site.KeyCommentModeration: flag(d.ManualApproval), site.KeyCommentPreviouslyOK: flag(d.PreviouslyApproved),
		site.KeyCommentMaxLinks: strconv.Itoa(d.MaxLinks), site.KeyModerationKeys: strings.Join(d.ModerationKeys, "\n"),
		site.KeyDisallowedKeys: strings.Join(d.DisallowedKeys, "\n"), site.KeyCloseCommentsDays: closeDays,
		keyThreaded: threaded, site.KeyThreadDepth: strconv.Itoa(depth),
		site.KeyCommentsPerPage: strconv.Itoa(d.CommentsPerPage), site.KeyShowGravatar: flag(d.ShowGravatar),
		site.KeyCommentIPDays: strconv.Itoa(d.IPRetentionDays), site.KeyAkismetKey: d.AkismetKey,
		site.KeyAkismetURL: d.AkismetURL, site.KeyCommentsNotify: flag(d.NotifyComments),
		site.KeyModerationNotify: flag(d.NotifyModeration), site.KeyPingbackFlag: flag(d.SendPings),
		site.KeyDefaultPingStatus: flag(d.PingsOpen), site.KeySelfPings: flag(d.SelfPings),
		site.KeyMentionsSeparate: flag(d.MentionsSeparate), site.KeyRemotePhotos: flag(d.RemotePhotos),
	}
}

// keyThreaded is the form's "Enable threaded comments" box. It is not a
// setting of its own: unticked, the thread depth saved is 1.
const keyThreaded = "thread_comments"

// showDiscussion renders the discussion settings form with values v.
func (h *Handler) showDiscussion(w http.ResponseWriter, r *http.Request, status int, v map[string]string, fe blog.FieldErrors) {
	d := discussionData{V: v}
	for n := 2; n <= 10; n++ {
		d.Depths = append(d.Depths, strconv.Itoa(n))
	}
	h.render(w, r, status, "discussion", &view{Title: "Discussion settings", Section: "settings", Errors: fe, D: d})
}
