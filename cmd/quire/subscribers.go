package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

const subscribersSynopsis = `Usage:
  quire subscribers list [--status S] [--json]
  quire subscribers add EMAIL [--name N] [--confirmed]
  quire subscribers import FILE.csv
  quire subscribers export [--status S]
  quire subscribers remove EMAIL...

The newsletter's list (the weekly tip), separate from comment follow-ups.
Statuses: pending (not confirmed yet), active (receives issues),
unsubscribed, bounced, complained.
add without --confirmed sends the address a confirmation mail (the running
site sends it) and nothing else until they confirm; --confirmed records
that they consented elsewhere: active at once, sent nothing.
import reads a CSV with a header row: email (required), name, status
(active means consented: sent nothing; empty or pending: sent a
confirmation; unsubscribed, bounced and complained are kept), consent_date.
All or nothing: a bad row is reported by line number and nothing is
imported. export writes CSV with the same columns first to stdout.
remove erases each address from the list with its history.`

func cmdSubscribers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return config.Usagef("say what to do with subscribers: quire subscribers list|add|import|export|remove")
	}
	switch sub := args[0]; sub {
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, subscribersSynopsis)
		return nil
	case "list":
		return subscribersList(ctx, args[1:], getenv, stdout, stderr)
	case "add":
		return subscribersAdd(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return subscribersImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return subscribersExport(ctx, args[1:], getenv, stdout, stderr)
	case "remove":
		return subscribersRemove(ctx, args[1:], getenv, stdout, stderr)
	default:
		return config.Usagef("unknown subscribers command %q; use list, add, import, export or remove", sub)
	}
}

// newsletterService opens the site's newsletter for a command: mail jobs
// (confirmations, tests) are written for the serving process to send with
// its own base URL, and issues started through issueSender.
func newsletterService(st *store.Store, getenv func(string) string) (*newsletter.Service, error) {
	ins, err := jobs.NewInserter(st)
	if err != nil {
		return nil, err
	}
	s := site.New(st, site.Overrides{BaseURL: getenv("QUIRE_BASE_URL")})
	return &newsletter.Service{Store: st, Site: s, Jobs: ins, Sender: issueSender(st, s, ins)}, nil
}

// statusFlag reads --status: empty, or one of the statuses.
func statusFlag(s string) (blog.SubscriberStatus, error) {
	st := blog.SubscriberStatus(strings.ToLower(strings.TrimSpace(s)))
	if st != "" && !blog.ValidSubscriberStatus(st) {
		return "", config.Usagef("--status %q: use pending, active, unsubscribed, bounced or complained", s)
	}
	return st, nil
}

// subscriberJSON is one subscriber as `quire subscribers list --json`
// prints it.
type subscriberJSON struct {
	ID            int64  `json:"id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	Status        string `json:"status"`
	Source        string `json:"source"`
	ConsentAt     string `json:"consent_at,omitempty"`
	ConsentSource string `json:"consent_source,omitempty"`
	CreatedAt     string `json:"created_at"`
}

func subscribersList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribers list", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	status := fs.String("status", "", "only subscribers with this `status`")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if err := parseFlags(fs, args, getenv, stdout, subscribersSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return config.Usagef("subscribers list takes no arguments, got %q", fs.Arg(0))
	}
	st, err := statusFlag(*status)
	if err != nil {
		return err
	}
	db.log = stderr
	s, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer s.Close()
	var all []blog.Subscriber
	err = s.EachSubscriber(ctx, blog.SubscriberFilter{Status: st}, func(sub *blog.Subscriber) error {
		all = append(all, *sub)
		return nil
	})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]subscriberJSON, 0, len(all))
		for _, sub := range all {
			j := subscriberJSON{ID: sub.ID, Email: sub.Email, Name: sub.Name, Status: string(sub.Status), Source: sub.Source,
				ConsentSource: sub.ConsentSource, CreatedAt: sub.CreatedAt.UTC().Format(time.RFC3339)}
			if !sub.ConsentAt.IsZero() {
				j.ConsentAt = sub.ConsentAt.UTC().Format(time.RFC3339)
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tSTATUS\tNAME\tSIGNED UP\tSOURCE")
	for _, sub := range all {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", sub.ID, sub.Email, sub.Status, oneLine(sub.Name, 30),
			sub.CreatedAt.UTC().Format(time.RFC3339), sub.Source)
	}
	return tw.Flush()
}

func subscribersAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribers add", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	name := fs.String("name", "", "the subscriber's first `name`")
	confirmed := fs.Bool("confirmed", false, "they consented elsewhere: active at once, sent no confirmation")
	if err := parseFlags(fs, args, getenv, stdout, subscribersSynopsis); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return config.Usagef("name one email address: quire subscribers add EMAIL [--name N] [--confirmed]")
	}
	email := blog.NormalizeEmail(fs.Arg(0))
	if err := blog.ValidateSubscriber(email, *name); err != nil {
		fe, _ := blog.AsValidation(err)
		return config.Usagef("%s", joinFields(fe))
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
	sub, err := n.Add(ctx, email, strings.TrimSpace(*name), *confirmed, blog.SourceCLI)
	if fe, ok := blog.AsValidation(err); ok {
		return errors.New(joinFields(fe))
	}
	if err != nil {
		return err
	}
	if *confirmed {
		fmt.Fprintf(stdout, "added %s (active)\n", sub.Email)
	} else {
		fmt.Fprintf(stdout, "added %s (pending: the running site sends a confirmation mail; nothing else until they confirm)\n", sub.Email)
	}
	return nil
}

// joinFields words every problem of a validation, "email: …; name: …".
func joinFields(fe blog.FieldErrors) string {
	var parts []string
	for _, k := range []string{"email", "name", "status", "subject", "preheader", "body", "to"} {
		if m, ok := fe[k]; ok {
			parts = append(parts, k+": "+m)
			delete(fe, k)
		}
	}
	for k, m := range fe {
		parts = append(parts, k+": "+m)
	}
	return strings.Join(parts, "; ")
}

func subscribersImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribers import", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if err := parseFlags(fs, args, getenv, stdout, subscribersSynopsis); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return config.Usagef("name one CSV file: quire subscribers import FILE.csv")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %s", path, readProblem(err))
	}
	defer f.Close()
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
	res, err := n.Import(ctx, f)
	var bad newsletter.ImportErrors
	if errors.As(err, &bad) {
		for _, b := range bad {
			fmt.Fprintf(stderr, "%s:%d: %s\n", path, b.Line, b.Msg)
		}
		return fmt.Errorf("%s: nothing was imported: %d bad rows", path, len(bad))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d new subscribers (%d to confirm by email, sent by the running site); %d already on the list left as they were\n",
		res.Added, res.Confirm, res.Unchanged)
	return nil
}

// readProblem words a file system error for the person running the
// command.
func readProblem(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

func subscribersExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribers export", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	status := fs.String("status", "", "only subscribers with this `status`")
	if err := parseFlags(fs, args, getenv, stdout, subscribersSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return config.Usagef("subscribers export takes no arguments (it writes CSV to stdout), got %q", fs.Arg(0))
	}
	sts, err := statusFlag(*status)
	if err != nil {
		return err
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
	return n.Export(ctx, stdout, blog.SubscriberFilter{Status: sts})
}

func subscribersRemove(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("subscribers remove", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if err := parseFlags(fs, args, getenv, stdout, subscribersSynopsis); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return config.Usagef("name at least one email address: quire subscribers remove EMAIL...")
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
	failed := 0
	for _, a := range fs.Args() {
		email := blog.NormalizeEmail(a)
		err := n.RemoveByEmail(ctx, email)
		switch {
		case errors.Is(err, blog.ErrNotFound):
			failed++
			fmt.Fprintf(stdout, "%s: not on the list\n", a)
		case err != nil:
			failed++
			fmt.Fprintf(stdout, "%s: %v\n", a, err)
		default:
			fmt.Fprintf(stdout, "removed %s\n", email)
		}
	}
	if failed > 0 {
		return fmt.Errorf("subscribers remove: %d of %d failed", failed, fs.NArg())
	}
	return nil
}
