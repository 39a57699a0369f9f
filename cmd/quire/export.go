package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/wpimport"
)

func cmdExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "Usage: quire export wordpress [flags] > site.xml\n\n" +
		"Writes the whole site to standard output as a WordPress export (WXR 1.2), which\n" +
		"WordPress's Tools → Import → WordPress reads: authors, categories, tags, posts, pages,\n" +
		"comments with their threads, pingbacks, trackbacks and images. Markdown posts are\n" +
		"written as HTML, with their Markdown kept for a return to Quire."
	if len(args) == 0 || args[0] != "wordpress" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, synopsis)
			return nil
		}
		return config.Usagef("say what to export: quire export wordpress > site.xml")
	}
	fs := flag.NewFlagSet("export wordpress", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if err := parseFlags(fs, args[1:], getenv, stdout, synopsis); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return config.Usagef("the export goes to standard output: quire export wordpress > site.xml")
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	set, _, err := site.New(st, site.Overrides{BaseURL: getenv("QUIRE_BASE_URL")}).Current(ctx)
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	if err := wpimport.Export(ctx, st, set, out, time.Now()); err != nil {
		return err
	}
	return out.Flush()
}
