package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/store"
)

const newsletterSynopsis = `Usage:
  quire newsletter list [--json]
  quire newsletter send FILE.md|ID [--test EMAIL]

list shows every issue, newest first, with its deliveries counted.
send FILE.md writes an issue from a Markdown file with YAML front matter
(subject, else title; preheader) and starts sending it at once to every
active subscriber, without asking: it may run from cron, with no terminal.
send ID starts sending an issue written in the admin. The running site
sends the mail. --test EMAIL sends one copy marked as a test to EMAIL
instead (a file is kept as a draft issue, to send later by its ID).`

func cmdNewsletter(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return config.Usagef("say what to do with the newsletter: quire newsletter list, or send FILE.md|ID")
	}
	switch sub := args[0]; sub {
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, newsletterSynopsis)
		return nil
	case "list":
		return newsletterList(ctx, args[1:], getenv, stdout, stderr)
	case "send":
		return newsletterSend(ctx, args[1:], getenv, stdout, stderr)
	default:
		return config.Usagef("unknown newsletter command %q; use list or send", sub)
	}
}

// issueJSON is one issue as `quire newsletter list --json` prints it.
type issueJSON struct {
	ID           int64  `json:"id"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Subject      string `json:"subject"`
	PostID       int64  `json:"post_id,omitempty"`
	QueuePos     int    `json:"queue_position,omitempty"`
	ScheduledAt  string `json:"scheduled_at,omitempty"`
	StartedAt    string `json:"started_at,omitempty"`
	SentAt       string `json:"sent_at,omitempty"`
	Recipients   int    `json:"recipients"`
	Queued       int    `json:"queued"`
	Sent         int    `json:"sent"`
	Failed       int    `json:"failed"`
	Bounced      int    `json:"bounced"`
	Unsubscribed int    `json:"unsubscribed_after"`
}

// stamp formats t in UTC, "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func newsletterList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("newsletter list", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if err := parseFlags(fs, args, getenv, stdout, newsletterSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return config.Usagef("newsletter list takes no arguments, got %q", fs.Arg(0))
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	list, _, err := st.Issues(ctx, store.IssueFilter{})
	if err != nil {
		return err
	}
	out := make([]issueJSON, 0, len(list))
	for _, is := range list {
		j := issueJSON{ID: is.ID, Kind: string(is.Kind), Status: string(is.Status), Subject: is.Subject, PostID: is.PostID,
			QueuePos: is.QueuePos, ScheduledAt: stamp(is.ScheduledAt), StartedAt: stamp(is.StartedAt), SentAt: stamp(is.SentAt)}
		if is.Status == blog.IssueSending || is.Status == blog.IssueSent {
			c, err := st.DeliveryCounts(ctx, is.ID)
			if err != nil {
				return err
			}
			j.Recipients, j.Queued, j.Sent, j.Failed, j.Bounced, j.Unsubscribed = c.Recipients, c.Queued+c.Sending, c.Sent,
				c.Failed, c.Bounced, c.Unsubscribed
		}
		out = append(out, j)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tKIND\tSUBJECT\tWHEN\tRECIPIENTS\tSENT\tFAILED\tBOUNCED\tUNSUBSCRIBED")
	for _, j := range out {
		when := j.SentAt
		switch {
		case when == "" && j.StartedAt != "":
			when = j.StartedAt
		case when == "" && j.ScheduledAt != "":
			when = j.ScheduledAt
		case when == "" && j.QueuePos > 0:
			when = "queue #" + strconv.Itoa(j.QueuePos)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", j.ID, j.Status, j.Kind, oneLine(j.Subject, 50), when,
			j.Recipients, j.Sent, j.Failed, j.Bounced, j.Unsubscribed)
	}
	return tw.Flush()
}

func newsletterSend(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("newsletter send", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	test := fs.String("test", "", "send one copy marked as a test to this `email` address instead")
	if err := parseFlags(fs, args, getenv, stdout, newsletterSynopsis); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return config.Usagef("name one Markdown file or issue ID: quire newsletter send FILE.md|ID [--test EMAIL]")
	}
	to := blog.NormalizeEmail(*test)
	if *test != "" && !blog.ValidEmail(to) {
		return config.Usagef("--test %q is not an email address", *test)
	}
	arg := fs.Arg(0)
	id, err := strconv.ParseInt(arg, 10, 64)
	isID := err == nil && id > 0
	var in newsletter.IssueInput
	if !isID {
		// Read and check the file before opening the database.
		info, err := os.Stat(arg)
		if err != nil {
			return fmt.Errorf("%s: %s", arg, readProblem(err))
		}
		if info.Size() > newsletter.MaxIssueFile {
			return fmt.Errorf("%s: the file is larger than %d KB", arg, newsletter.MaxIssueFile>>10)
		}
		data, err := os.ReadFile(arg)
		if err != nil {
			return fmt.Errorf("%s: %s", arg, readProblem(err))
		}
		var warnings []string
		in, warnings, err = newsletter.ParseIssueFile(data)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "warning: %s: %s\n", arg, w)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", arg, err)
		}
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := newsletterService(st, getenv)
	if err != nil {
		return err
	}
	if isID {
		if _, err := st.Issue(ctx, id); err != nil {
			return issueErr(arg, err)
		}
	} else {
		if to != "" {
			is, err := n.SaveIssue(ctx, 0, in)
			if err != nil {
				return issueErr(arg, err)
			}
			id = is.ID
		} else {
			is, err := n.SendNew(ctx, in)
			if err != nil {
				return issueErr(arg, err)
			}
			id = is.ID
		}
	}
	if to != "" {
		if err := n.SendTest(ctx, id, 0, to); err != nil {
			return issueErr(arg, err)
		}
		fmt.Fprintf(stdout, "issue %d: a test is on its way to %s (sent by the running site)", id, to)
		if !isID {
			fmt.Fprintf(stdout, "; the issue is kept as a draft: quire newsletter send %d sends it", id)
		}
		fmt.Fprintln(stdout)
		return nil
	}
	if isID {
		if err := n.SendNow(ctx, id); err != nil {
			return issueErr(arg, err)
		}
	}
	c, err := st.DeliveryCounts(ctx, id)
	if err != nil {
		return err
	}
	who := "active subscribers"
	if c.Recipients == 1 {
		who = "active subscriber"
	}
	fmt.Fprintf(stdout, "issue %d: sending to %d %s (the running site sends the mail)\n", id, c.Recipients, who)
	return nil
}

// issueErr words what refused an issue for the command line.
func issueErr(arg string, err error) error {
	if fe, ok := blog.AsValidation(err); ok {
		return fmt.Errorf("%s: %s", arg, joinFields(fe))
	}
	switch {
	case errors.Is(err, blog.ErrNotFound):
		return fmt.Errorf("there is no issue %s (quire newsletter list shows them)", arg)
	case errors.Is(err, blog.ErrConflict):
		return fmt.Errorf("issue %s has gone out already (or is going out): it is never sent twice", arg)
	case errors.Is(err, newsletter.ErrNoSender):
		return errors.New("sending issues is not available in this build: nothing was sent (--test works)")
	case errors.Is(err, newsletter.ErrFollowsPost):
		return fmt.Errorf("issue %s mails a post that is not published yet: it goes out when the post is published", arg)
	}
	return err
}
