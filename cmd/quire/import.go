package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/wpimport"
	"github.com/quirehq/quire/internal/wxr"
)

// authorMap is the repeatable --map-author old=email flag.
type authorMap map[string]string

func (m authorMap) String() string { return "" }

func (m authorMap) Set(v string) error {
	login, email, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(login) == "" || strings.TrimSpace(email) == "" {
		return fmt.Errorf("want LOGIN=EMAIL, got %q", v)
	}
	m[strings.TrimSpace(login)] = strings.TrimSpace(email)
	return nil
}

func cmdImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "Usage: quire import wordpress FILE [flags]\n\n" +
		"Imports a WordPress export (Tools → Export, WXR 1.0–1.2, optionally gzipped) in one\n" +
		"transaction: authors, categories, tags, posts, pages, comments, pingbacks, trackbacks\n" +
		"and attachments, keeping their old addresses working (301 to the new ones).\n" +
		"Running it again with the same file adds nothing twice and updates what changed.\n" +
		"On a new site it also sets the title, tagline, language, time zone and permalinks."
	if len(args) == 0 || args[0] != "wordpress" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, synopsis)
			return nil
		}
		return config.Usagef("say what to import: quire import wordpress FILE")
	}
	fs := flag.NewFlagSet("import wordpress", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	authors := authorMap{}
	fs.Var(authors, "map-author", "`LOGIN=EMAIL`: the WordPress author LOGIN's posts go to the existing user EMAIL (repeatable)")
	dryRun := fs.Bool("dry-run", false, "read and check everything, print the summary, write nothing")
	mediaDir := fs.String("media", "", "`directory` holding a copy of wp-content/uploads, to bring the attachments' files in")
	fetch := fs.Bool("fetch-media", false, "download the attachments' files from the old site")
	allowPrivate := fs.Bool("allow-private-fetch", false, "let --fetch-media reach private and loopback addresses (a WordPress on an intranet)")
	if err := parseFlags(fs, args[1:], getenv, stdout, synopsis); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return config.Usagef("name one export file: quire import wordpress FILE")
	}
	if *mediaDir != "" && *fetch {
		return config.Usagef("choose --media or --fetch-media, not both")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return config.Usagef("cannot read the export: %v", errors.Unwrap(err))
	}
	defer f.Close()
	media, err := mediaSource(*mediaDir, *fetch, *allowPrivate)
	if err != nil {
		return err
	}
	db.log = stderr
	// A new site is set up by the import itself: migrations first.
	st, err := db.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	queue, err := jobs.NewInserter(st)
	if err != nil {
		return err
	}
	bar := newProgress(stderr)
	sum, err := wpimport.Import(ctx, wpimport.Options{
		Store: st, MapAuthors: authors, DryRun: *dryRun, Jobs: queue, Progress: bar.update, Media: media,
	}, f)
	bar.done()
	if err != nil {
		var we *wxr.Error
		var me *wpimport.MapError
		switch {
		case errors.As(err, &we):
			return fmt.Errorf("%s is refused, nothing was imported: %w", path, err)
		case errors.As(err, &me):
			return config.Usagef("%v", err)
		}
		return fmt.Errorf("nothing was imported: %w", err)
	}
	return sum.Write(stdout)
}

// progress shows an import's progress on stderr: a bar redrawn in place on
// a terminal, a line now and then otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	last     string
	lastPct  int
	drawn    bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, lastPct: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.terminal = true
	}
	return p
}

func (p *progress) update(pr wpimport.Progress) {
	if pr.Total == 0 {
		if p.terminal {
			fmt.Fprintf(p.w, "\rreading the export: %d items", pr.Items)
			p.drawn = true
		}
		return
	}
	pct := pr.Items * 100 / pr.Total
	if pr.Phase == p.last && pct == p.lastPct {
		return
	}
	if p.terminal {
		const width = 30
		fill := pct * width / 100
		fmt.Fprintf(p.w, "\r%-9s [%s%s] %3d%% %d/%d items", pr.Phase, strings.Repeat("#", fill),
			strings.Repeat(".", width-fill), pct, pr.Items, pr.Total)
		p.drawn = true
	} else if pr.Phase != p.last || pct/10 != p.lastPct/10 {
		fmt.Fprintf(p.w, "%s: %d of %d items (%d%%)\n", pr.Phase, pr.Items, pr.Total, pct)
	}
	p.last, p.lastPct = pr.Phase, pct
}

func (p *progress) done() {
	if p.terminal && p.drawn {
		fmt.Fprintln(p.w)
	}
}

// mediaSource is where attachments' files come from, if anywhere.
func mediaSource(dir string, fetch, allowPrivate bool) (wpimport.MediaSource, error) {
	switch {
	case dir != "":
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, config.Usagef("--media %s is not a directory", dir)
		}
		return wpimport.Dir(dir), nil
	case fetch:
		return wpimport.NewFetch(allowPrivate), nil
	}
	if allowPrivate {
		return nil, config.Usagef("--allow-private-fetch goes with --fetch-media")
	}
	return nil, nil
}
