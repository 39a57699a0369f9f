package blog

import "testing"

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"What Business Are You In?":  "what-business-are-you-in",
		"Café Conversations":         "cafe-conversations",
		"Straße & Œuvre — Ærø":       "strasse-oeuvre-aero",
		"Привет, мир":                "привет-мир",
		"日本語のタイトル":                   "日本語のタイトル",
		"What's a “third vision”?":   "whats-a-third-vision",
		"  --Hello--  World--  ":     "hello-world",
		"<script>alert(1)</script>":  "script-alert-1-script",
		"Ελληνικά Γράμματα":          "ελληνικά-γράμματα",
		"Crème brûlée, naïve façade": "creme-brulee-naive-facade",
		"100% Growth in 2011":        "100-growth-in-2011",
		"":                           "",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugCandidatesAvoidReservedAndNumbers(t *testing.T) {
	if c := SlugCandidates("feed", 2); c[0] != "feed-2" {
		t.Errorf("reserved: %v", c)
	}
	if c := SlugCandidates("2011", 1); c[0] != "2011-2" {
		t.Errorf("a number would look like a year archive: %v", c)
	}
	if c := SlugCandidates("plain", 2); c[0] != "plain" || c[1] != "plain-2" {
		t.Errorf("plain: %v", c)
	}
}

func TestParseDatePath(t *testing.T) {
	cases := []struct {
		segs []string
		ok   bool
		want PostRef
	}{
		{[]string{"2011"}, true, PostRef{Year: 2011}},
		{[]string{"2011", "01"}, true, PostRef{Year: 2011, Month: 1}},
		{[]string{"2011", "01", "05", "slug"}, true, PostRef{Year: 2011, Month: 1, Day: 5, Slug: "slug"}},
		{[]string{"2011", "01", "slug"}, true, PostRef{Year: 2011, Month: 1, Slug: "slug"}},
		{[]string{"2011", "13"}, false, PostRef{}},
		{[]string{"about"}, false, PostRef{}},
		{[]string{"2011", "01", "05", "a", "b"}, false, PostRef{}},
	}
	for _, c := range cases {
		got, ok := ParseDatePath(c.segs)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%v: got %+v %v", c.segs, got, ok)
		}
	}
}
