package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

const commentsSynopsis = `Usage:
  quire comments list [--status pending|approved|spam|trash|all] [--post SLUG] [--type TYPE] [--json]
  quire comments approve|unapprove|spam|trash|delete ID...

list shows pending and approved comments by default, newest first, of every
type: --type comment, pingback, trackback or webmention shows one, --type
pings the three kinds of linkback. The JSON output holds authors' email and
IP addresses: it is for moderators.
unapprove sends a comment back to pending; delete removes it for good (its
replies move up a level). A running server shows changes on its next request.`

// commentVerbs maps each moderation command to the status it sets ("" for
// delete) and the word printed for each comment done.
var commentVerbs = map[string]struct {
	to   blog.CommentStatus
	done string
}{
	"approve":   {blog.CommentApproved, "approved"},
	"unapprove": {blog.CommentPending, "unapproved"},
	"spam":      {blog.CommentSpam, "spammed"},
	"trash":     {blog.CommentTrash, "trashed"},
	"delete":    {"", "deleted"},
}

func cmdComments(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return config.Usagef("say what to do with comments: quire comments list, or approve|unapprove|spam|trash|delete ID...")
	}
	switch sub := args[0]; sub {
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, commentsSynopsis)
		return nil
	case "list":
		return commentsList(ctx, args[1:], getenv, stdout, stderr)
	default:
		if _, ok := commentVerbs[sub]; ok {
			return commentsModerate(ctx, sub, args[1:], getenv, stdout, stderr)
		}
		return config.Usagef("unknown comments command %q; use list, approve, unapprove, spam, trash or delete", sub)
	}
}

// commentJSON is one comment as `quire comments list --json` prints it.
type commentJSON struct {
	ID          int64  `json:"id"`
	PostID      int64  `json:"post_id"`
	PostSlug    string `json:"post_slug"`
	ParentID    int64  `json:"parent_id"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	AuthorName  string `json:"author_name"`
	AuthorEmail string `json:"author_email"`
	AuthorURL   string `json:"author_url"`
	AuthorIP    string `json:"author_ip"`
	Date        string `json:"date"`
	Content     string `json:"content"`
	// Linkbacks only.
	SourceURL   string `json:"source_url,omitempty"`
	SourceTitle string `json:"source_title,omitempty"`
	MentionKind string `json:"mention_kind,omitempty"`
}

func commentsList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("comments list", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	status := fs.String("status", "", "`status` to list: pending, approved, spam, trash or all (default pending and approved)")
	postSlug := fs.String("post", "", "only comments on the post with this `slug`")
	typ := fs.String("type", "", "only comments of this `type`: comment, pingback, trackback, webmention, or pings (the three linkbacks)")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if err := parseFlags(fs, args, getenv, stdout, commentsSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return config.Usagef("comments list takes no arguments, got %q", fs.Arg(0))
	}
	f := store.CommentFilter{}
	switch t := blog.CommentType(strings.ToLower(strings.TrimSpace(*typ))); {
	case t == "":
	case t == "pings":
		f.Types = []blog.CommentType{blog.TypePingback, blog.TypeTrackback, blog.TypeWebmention}
	case blog.ValidCommentType(t):
		f.Type = t
	default:
		return config.Usagef("--type %q: use comment, pingback, trackback, webmention or pings", *typ)
	}
	switch st := blog.CommentStatus(strings.TrimSpace(*status)); {
	case st == "":
		f.Statuses = []blog.CommentStatus{blog.CommentPending, blog.CommentApproved}
	case st == "all":
	case blog.ValidCommentStatus(st):
		f.Statuses = []blog.CommentStatus{st}
	default:
		return config.Usagef("--status %q: use pending, approved, spam, trash or all", *status)
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if *postSlug != "" {
		p, err := st.PostBySlug(ctx, strings.TrimSpace(*postSlug))
		if errors.Is(err, blog.ErrNotFound) {
			return config.Usagef("--post: no post has the slug %q", *postSlug)
		}
		if err != nil {
			return err
		}
		f.PostID = p.ID
	}
	var all []blog.Comment
	const batch = 500
	for f.Offset = 0; ; f.Offset += batch {
		f.Limit = batch
		list, total, err := st.ListComments(ctx, f)
		if err != nil {
			return err
		}
		all = append(all, list...)
		if len(list) < batch || len(all) >= total {
			break
		}
	}
	if *asJSON {
		out := make([]commentJSON, 0, len(all))
		for _, c := range all {
			out = append(out, commentJSON{ID: c.ID, PostID: c.PostID, PostSlug: c.PostSlug, ParentID: c.ParentID,
				Type: string(c.Type), Status: string(c.Status), AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
				AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP, Date: c.CreatedAt.UTC().Format(time.RFC3339), Content: c.Content,
				SourceURL: c.SourceURL, SourceTitle: c.SourceTitle, MentionKind: string(c.MentionKind)})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tTYPE\tPOST\tAUTHOR\tDATE")
	for _, c := range all {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Status, c.Type, c.PostSlug, oneLine(c.AuthorName, 40),
			c.CreatedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

// oneLine keeps a table cell on one line and at most max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func commentsModerate(ctx context.Context, verb string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("comments "+verb, flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if err := parseFlags(fs, args, getenv, stdout, commentsSynopsis); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return config.Usagef("name at least one comment ID: quire comments %s ID...", verb)
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return config.Usagef("%q is not a comment ID (a positive number, as quire comments list shows)", a)
		}
		ids = append(ids, id)
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	v := commentVerbs[verb]
	// Approving from the command line tells follow-up subscribers, as the
	// admin does: the approval and the mail jobs are one write, and the
	// serving process builds the mail, with the site's real address.
	var notifier *notify.Notifier
	if v.to == blog.CommentApproved {
		ins, err := jobs.NewInserter(st)
		if err != nil {
			return err
		}
		notifier = &notify.Notifier{Store: st, Site: site.New(st, site.Overrides{}), Jobs: ins}
	}
	failed := 0
	for _, id := range ids {
		var n int
		err := st.InTx(ctx, func(tx *store.Store) error {
			var before *blog.Comment
			if notifier != nil {
				before, _ = tx.Comment(ctx, id)
			}
			var err error
			if v.to == "" {
				n, err = tx.DeleteComments(ctx, id)
			} else {
				n, err = tx.SetCommentStatus(ctx, v.to, id)
			}
			if err != nil || n == 0 || notifier == nil || before == nil || before.Status == blog.CommentApproved {
				return err
			}
			return notifier.CommentApproved(ctx, tx, before)
		})
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(stdout, "%d: %v\n", id, err)
		case n == 0:
			failed++
			fmt.Fprintf(stdout, "%d: not found\n", id)
		default:
			fmt.Fprintf(stdout, "%s %d\n", v.done, id)
		}
	}
	if failed > 0 {
		return fmt.Errorf("comments %s: %d of %d failed", verb, failed, len(ids))
	}
	return nil
}
