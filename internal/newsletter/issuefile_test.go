package newsletter_test

import (
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/newsletter"
)

func TestParseIssueFile(t *testing.T) {
	for _, c := range []struct {
		name, file              string
		subject, preheader, err string
		body                    string
		warnings                int
	}{
		{name: "subject", file: "---\nsubject: This week\npreheader: One line\n---\n\nAsk **one** question.\n",
			subject: "This week", preheader: "One line", body: "Ask **one** question."},
		{name: "title instead", file: "---\ntitle: From the title\nauthor: me\n---\nText", subject: "From the title", body: "Text", warnings: 1},
		{name: "no front matter", file: "Just text", err: "line 1: no front matter"},
		{name: "not closed", file: "---\nsubject: x\n", err: "not closed"},
		{name: "no subject", file: "---\npreheader: p\n---\nText", err: "no subject"},
		{name: "bad yaml", file: "---\nsubject: [x\n---\nText", err: "not valid YAML"},
		{name: "list", file: "---\nsubject:\n  - a\n---\nText", err: "line 2: subject must be one line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, warn, err := newsletter.ParseIssueFile([]byte(c.file))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || in.Subject != c.subject || in.Preheader != c.preheader || in.Body != c.body || len(warn) != c.warnings {
				t.Errorf("got %+v, %v, %v", in, warn, err)
			}
		})
	}
}
