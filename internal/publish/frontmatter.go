package publish

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
)

// FileError is a problem with one Markdown file, at a line when known.
type FileError struct {
	Path string
	Line int // 1-based; 0 when the problem is with the file as a whole
	Msg  string
}

// Error reads "posts/x.md:3: message", as compilers write it.
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// doc is one parsed Markdown file: the post it describes and what must be
// resolved against the database before it is written.
type doc struct {
	path string
	post blog.Post
	slug string // identity: the slug key, the Jekyll name, or the title

	date          time.Time // zero when the file gives none
	wantPublished bool      // published, or scheduled when the date is ahead

	parent     string // slug of the parent page
	parentLine int
	image      string // path of the featured image file
	imageLine  int
	pings      *bool // the "pings" key: whether the post takes linkbacks; nil when not given
	email      *bool // the "email" key: "Also send this post by email"; nil when not given
	emailLine  int
	lines      map[string]int // front matter key → line in the file
	bodyLine   int
}

// knownKeys are the front matter keys Quire reads. Others are reported and
// ignored.
var knownKeys = map[string]bool{
	"title": true, "slug": true, "date": true, "tags": true, "categories": true, "category": true,
	"status": true, "excerpt": true, "description": true, "summary": true, "draft": true,
	"published": true, "type": true, "parent": true, "password": true, "image": true, "pings": true,
	"email": true,
}

// jekyllName matches a Jekyll post file name: 2011-01-05-what-business.md.
var jekyllName = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})-(.+)\.(?i:md|markdown)$`)

// yamlLine finds the line number in a YAML syntax error.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// dateLayouts are the date forms accepted, tried in order. Those without a
// zone are read in the site's time zone.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05 -0700", // Jekyll
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

// parseDate reads a front matter date in loc when it names no zone.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseFile reads one Markdown file with YAML front matter. It returns
// every problem found, and warns about keys it ignores.
func parseFile(path string, data []byte, loc *time.Location, warn func(string)) (*doc, []error) {
	d := &doc{path: path, lines: map[string]int{}}
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &FileError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}

	text := string(bytes.TrimPrefix(data, []byte("\ufeff")))
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	first := strings.TrimRight(lines[0], " \t")
	switch {
	case first == "+++":
		fail(1, "TOML front matter (between +++ lines) is not supported: write it as YAML between --- lines")
		return nil, errs
	case first != "---":
		fail(1, "no front matter: start the file with a line \"---\", then YAML such as \"title: My post\", then \"---\"")
		return nil, errs
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t"); l == "---" || l == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		fail(1, "the front matter is not closed: end it with a line \"---\"")
		return nil, errs
	}
	d.bodyLine = end + 2
	body := strings.Join(lines[end+1:], "\n")
	d.post.Body = strings.TrimRight(strings.TrimLeft(body, "\n"), " \t\n")
	d.post.Type = blog.TypePost

	// Lines inside the YAML are counted from the line after the opening ---.
	const offset = 1
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(lines[1:end], "\n")), &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = n+offset, m[2]
			// The YAML library counts its parser's lines (unlike its
			// scanner's) from zero; those messages all begin alike.
			if strings.HasPrefix(msg, "did not find expected") {
				line++
			}
		}
		fail(line, "front matter is not valid YAML: %s", msg)
		return nil, errs
	}
	var mapping *yaml.Node
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		mapping = root.Content[0]
	}
	if mapping != nil && mapping.Kind == yaml.ScalarNode && mapping.Tag == "!!null" {
		mapping = &yaml.Node{Kind: yaml.MappingNode}
	}
	if root.Kind == 0 {
		mapping = &yaml.Node{Kind: yaml.MappingNode} // empty front matter
	}
	if mapping == nil || mapping.Kind != yaml.MappingNode {
		fail(1+offset, "front matter must be keys and values, like \"title: My post\"")
		return nil, errs
	}

	var status, statusKey string
	draft, unpublished := false, false
	excerpts := map[string]string{}
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		k, v := mapping.Content[i], mapping.Content[i+1]
		key := strings.ToLower(k.Value)
		line := k.Line + offset
		if prev, dup := d.lines[key]; dup {
			fail(line, "%q is given twice (first on line %d)", k.Value, prev)
			continue
		}
		d.lines[key] = line
		if !knownKeys[key] {
			if warn != nil {
				warn(fmt.Sprintf("%s:%d: unknown front matter key %q ignored", path, line, k.Value))
			}
			continue
		}
		switch key {
		case "tags", "categories", "category":
			list, ok := stringList(v)
			if !ok {
				fail(line, "%s must be a list, like [sales, coaching], or one name", k.Value)
				continue
			}
			terms := make([]blog.Term, 0, len(list))
			for _, name := range list {
				if !usableTerm(name, key != "tags") {
					fail(line, "%q is not a usable name in %s: use letters or digits", name, k.Value)
					continue
				}
				terms = append(terms, blog.Term{Name: name})
			}
			if key == "tags" {
				d.post.Tags = terms
			} else {
				d.post.Categories = append(d.post.Categories, terms...)
			}
			continue
		case "pings":
			b, ok := boolValue(v)
			if s, _ := scalar(v); !ok {
				switch strings.ToLower(strings.TrimSpace(s)) {
				case "open":
					b, ok = true, true
				case "closed":
					b, ok = false, true
				}
			}
			if !ok {
				fail(line, "pings must be true or false (or open or closed)")
				continue
			}
			d.pings = &b
			continue
		case "email":
			b, ok := boolValue(v)
			if !ok {
				fail(line, "email must be true or false")
				continue
			}
			d.email, d.emailLine = &b, line
			continue
		case "draft", "published":
			b, ok := boolValue(v)
			if !ok {
				fail(line, "%s must be true or false", k.Value)
				continue
			}
			if key == "draft" {
				draft = b
			} else {
				unpublished = !b
			}
			continue
		}
		s, ok := scalar(v)
		if !ok {
			fail(line, "%s must be a single value, not a list or map", k.Value)
			continue
		}
		switch key {
		case "title":
			d.post.Title = strings.TrimSpace(s)
		case "slug":
			d.slug = blog.Slugify(s)
			if d.slug == "" {
				fail(line, "the slug %q has no letters or digits", s)
			}
		case "date":
			t, ok := parseDate(s, loc)
			if !ok {
				fail(line, "cannot read the date %q: write it as 2011-01-05, 2011-01-05 14:30 or 2011-01-05T14:30:00+01:00", s)
				continue
			}
			d.date = t
		case "status":
			status, statusKey = strings.ToLower(strings.TrimSpace(s)), s
		case "excerpt", "description", "summary":
			excerpts[key] = strings.TrimSpace(s)
		case "type":
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "post", "":
				d.post.Type = blog.TypePost
			case "page":
				d.post.Type = blog.TypePage
			default:
				fail(line, "type must be post or page, not %q", s)
			}
		case "parent":
			d.parent = blog.Slugify(s)
			d.parentLine = line
			if d.parent == "" && strings.TrimSpace(s) != "" {
				fail(line, "the parent %q is not a page slug", s)
			}
		case "password":
			d.post.Password = s
		case "image":
			d.image = strings.TrimSpace(s)
			d.imageLine = line
			if strings.Contains(d.image, "://") {
				fail(line, "image must be a file path relative to this file, not a URL")
			}
		}
	}
	for _, k := range []string{"excerpt", "summary", "description"} {
		if e, ok := excerpts[k]; ok {
			d.post.Excerpt = e
			break
		}
	}

	// Identity: the slug key, else a Jekyll file name, else the title.
	if m := jekyllName.FindStringSubmatch(filepath.Base(path)); m != nil {
		if d.slug == "" {
			d.slug = blog.Slugify(m[4])
		}
		if d.date.IsZero() {
			if t, ok := parseDate(m[1]+"-"+m[2]+"-"+m[3], loc); ok {
				d.date = t
			} else {
				fail(0, "the date in the file name is not a real date")
			}
		}
	}
	if d.post.Title == "" {
		fail(1, "the front matter has no title: add a line such as \"title: My post\"")
	}
	if d.slug == "" {
		d.slug = blog.Slugify(d.post.Title)
	}
	if d.slug != "" {
		// The slug the store would give: reserved words and numbers get a suffix.
		d.slug = blog.SlugCandidates(d.slug, 1)[0]
	}
	d.post.Slug = d.slug

	st, wantPublished, ok := readStatus(status)
	if !ok {
		fail(d.lines["status"], "status must be publish, draft, scheduled or private, not %q", statusKey)
	}
	if draft || unpublished {
		st, wantPublished = blog.StatusDraft, false
	}
	if status == "future" || status == "scheduled" {
		if d.date.IsZero() {
			fail(d.lines["status"], "a scheduled post needs a date")
		}
	}
	d.post.Status, d.wantPublished = st, wantPublished
	if d.email != nil && *d.email && d.post.Type == blog.TypePage {
		fail(d.emailLine, "only posts are sent by email, not pages: remove \"email: true\" or the \"type: page\"")
	}
	if d.parent != "" && d.post.Type != blog.TypePage {
		fail(d.parentLine, "only pages have a parent: add \"type: page\"")
	}
	if d.parent != "" && d.parent == d.slug {
		fail(d.parentLine, "a page cannot be its own parent")
	}

	// The checks the store makes, reported here with lines.
	check := d.post
	check.PublishedAt = d.date
	if err := check.Validate(); err != nil {
		fe, _ := blog.AsValidation(err)
		for field, msg := range fe {
			switch field {
			case "title", "slug", "status", "type", "parent":
				if field == "title" && d.post.Title == "" || field == "slug" && d.slug == "" ||
					field == "status" && !ok || field == "parent" {
					continue // already reported
				}
				fail(d.lines[field], "%s", msg)
			case "body":
				fail(d.bodyLine, "%s", msg)
			case "published_at":
				// Reported above for scheduled posts.
			default:
				fail(0, "%s", msg)
			}
		}
	}
	// A body whose rendering would take long is refused here, at its line.
	if le, ok := markup.AsLimit(markup.Check(d.post.Body)); ok {
		skipped := len(body) - len(strings.TrimLeft(body, "\n")) // blank lines trimmed above
		fail(d.bodyLine+skipped+le.Line-1, "%s", le.Msg)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return d, nil
}

// readStatus maps a front matter status to the stored one, and whether it
// asks for publication (which a future date turns into scheduling).
func readStatus(s string) (blog.Status, bool, bool) {
	switch s {
	case "", "publish", "published", "future", "scheduled":
		return blog.StatusPublished, true, true
	case "draft":
		return blog.StatusDraft, false, true
	case "private":
		return blog.StatusPrivate, false, true
	}
	return blog.StatusDraft, false, false
}

// scalar returns the text of a single YAML value ("" for null).
func scalar(v *yaml.Node) (string, bool) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode {
		return "", false
	}
	if v.Tag == "!!null" {
		return "", true
	}
	return v.Value, true
}

// stringList reads a list of names, or one string of names separated by
// commas.
func stringList(v *yaml.Node) ([]string, bool) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	var raw []string
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag != "!!null" {
			raw = strings.Split(v.Value, ",")
		}
	case yaml.SequenceNode:
		for _, item := range v.Content {
			s, ok := scalar(item)
			if !ok {
				return nil, false
			}
			raw = append(raw, s)
		}
	default:
		return nil, false
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		out = append(out, s)
	}
	return out, true
}

// usableTerm reports whether name makes a slug; for categories each part of
// a "Parent/Child" path must.
func usableTerm(name string, category bool) bool {
	parts := []string{name}
	if category {
		parts = strings.Split(name, "/")
	}
	for _, p := range parts {
		if blog.Slugify(strings.TrimSpace(p)) == "" {
			return false
		}
	}
	return true
}

// boolValue reads a YAML boolean, accepting the spellings people use.
func boolValue(v *yaml.Node) (bool, bool) {
	s, ok := scalar(v)
	if !ok {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0", "":
		return false, true
	}
	return false, false
}
