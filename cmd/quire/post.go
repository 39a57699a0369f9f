package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/publish"
	"github.com/quirehq/quire/internal/site"
)

func cmdPost(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "Usage: quire post publish [--author EMAIL] PATH...\n\n" +
		"Publishes Markdown files with YAML front matter (a folder is read recursively, all or nothing).\n" +
		"Publishing a file again updates its post.\n\n" +
		"Front matter keys: title, slug, date, tags, categories, status, excerpt, draft, published,\n" +
		"type (post or page), parent, password, image, pings (false: refuse pingbacks, trackbacks\n" +
		"and webmentions; without it a new post takes the site's default), and email (true: also send\n" +
		"the post to the newsletter's active subscribers, once, as soon as it is published)."
	if len(args) == 0 || args[0] != "publish" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, synopsis)
			return nil
		}
		return config.Usagef("say what to do with posts: quire post publish PATH...")
	}
	fs := flag.NewFlagSet("post publish", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	author := fs.String("author", "", "email `address` of the author of new posts (default: the site's owner)")
	if err := parseFlags(fs, args[1:], getenv, stdout, synopsis); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return config.Usagef("name at least one Markdown file or folder to publish")
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	authorID, err := pickAuthor(ctx, st, *author)
	if err != nil {
		return err
	}
	s := site.New(st, site.Overrides{BaseURL: getenv("QUIRE_BASE_URL")})
	set, _, err := s.Current(ctx)
	if err != nil {
		return err
	}
	// Publishing jobs are written with their posts; the serving process
	// works them.
	queue, err := jobs.NewInserter(st)
	if err != nil {
		return err
	}
	// So are the jobs that tell the sites the posts link to; the serving
	// process sends them, with its own base URL.
	links := &send.Sender{Store: st, Site: s, Jobs: queue}
	// And "email: true": the post's newsletter issue, started when the
	// post is public.
	mail := &newsletter.Service{Store: st, Site: s, Jobs: queue, Sender: issueSender(st, s, queue)}
	results, err := publish.Files(ctx, publish.Options{
		Store: st, Settings: set, Jobs: queue, Links: links, Mail: mail, AuthorID: authorID,
		Warn: func(msg string) { fmt.Fprintln(stderr, "warning:", msg) },
	}, fs.Args())
	if err != nil {
		return err // a file that cannot be published is a failure (exit 1), its message names the file
	}
	for _, r := range results {
		line := fmt.Sprintf("%-9s %s  %s", r.Action, r.Path, r.URL)
		switch r.Email {
		case "sending":
			line += "  (going out by email)"
		case "waits":
			line += "  (email waits until it is published)"
		case "held":
			line += "  (email held: this command cannot send mail; use Send now in the admin's Newsletter)"
		case "already":
			line += "  (emailed before: not again)"
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// pickAuthor returns the user named by email, else the first owner, else
// no author (0).
func pickAuthor(ctx context.Context, st interface {
	UserByEmail(context.Context, string) (*blog.User, error)
	Users(context.Context) ([]blog.User, error)
}, email string) (int64, error) {
	if email != "" {
		u, err := st.UserByEmail(ctx, email)
		if errors.Is(err, blog.ErrNotFound) {
			return 0, config.Usagef("--author: no user has the email address %s", email)
		}
		if err != nil {
			return 0, err
		}
		return u.ID, nil
	}
	users, err := st.Users(ctx)
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if u.Role == blog.RoleOwner {
			return u.ID, nil
		}
	}
	if len(users) > 0 {
		return users[0].ID, nil
	}
	return 0, nil
}
