package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// discussionFlags are the discussion settings the form shows as boxes.
var discussionFlags = []string{site.KeyCommentModeration, site.KeyCommentPreviouslyOK, site.KeyShowGravatar,
	site.KeyCommentsNotify, site.KeyModerationNotify, site.KeyPingbackFlag, site.KeyDefaultPingStatus,
	site.KeySelfPings, site.KeyMentionsSeparate, site.KeyRemotePhotos}

// discussionTexts are the discussion settings typed as text or numbers.
var discussionTexts = []string{
	site.KeyCommentMaxLinks, site.KeyModerationKeys, site.KeyDisallowedKeys, site.KeyCloseCommentsDays,
	site.KeyThreadDepth, site.KeyCommentsPerPage, site.KeyCommentIPDays, site.KeyAkismetKey, site.KeyAkismetURL,
}

// discussionSave checks and stores the discussion settings, showing the
// form again with every problem beside its field and the values as typed.
func (h *Handler) discussionSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
	typed := map[string]string{}
	for _, k := range discussionFlags {
		typed[k] = boolValue(r.PostFormValue(k))
	}
	typed[keyThreaded] = boolValue(r.PostFormValue(keyThreaded))
	for _, k := range discussionTexts {
		typed[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	for _, k := range []string{site.KeyModerationKeys, site.KeyDisallowedKeys} {
		typed[k] = wordLines(typed[k])
	}
	save := map[string]string{}
	for k, v := range typed {
		if k != keyThreaded {
			save[k] = v
		}
	}
	if save[site.KeyCloseCommentsDays] == "" {
		save[site.KeyCloseCommentsDays] = "0" // empty: never close
	}
	if typed[keyThreaded] == "0" {
		save[site.KeyThreadDepth] = "1"
	}
	if save[site.KeyAkismetURL] != "" {
		if norm, err := site.NormalizeBaseURL(save[site.KeyAkismetURL]); err == nil {
			save[site.KeyAkismetURL] = norm
		}
	}
	if err := site.Validate(save); err != nil {
		fe, ok := blog.AsValidation(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		h.showDiscussion(w, r, http.StatusUnprocessableEntity, typed, fe)
		return
	}
	if err := h.Store.SaveSettings(r.Context(), save); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Discussion settings saved.")
	http.Redirect(w, r, site.PathFor(r, "/admin/settings/discussion"), http.StatusSeeOther)
}

// boolValue maps a ticked box to "1" and anything else to "0".
func boolValue(s string) string {
	if s == "1" {
		return "1"
	}
	return "0"
}

// wordLines cleans a word list typed one a line: trimmed, blanks dropped.
func wordLines(s string) string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if w := strings.TrimSpace(line); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, "\n")
}
