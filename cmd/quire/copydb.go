package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/store"
)

func cmdCopyDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "Usage: quire copy-db --from SOURCE --to TARGET [--replace]\n\n" +
		"Copies a whole site between databases (a SQLite file path or a postgres:// URL), compares\n" +
		"per-table row counts and checksums, and re-enqueues jobs that had not run. Stop the site first."
	fs := flag.NewFlagSet("copy-db", flag.ContinueOnError)
	from := fs.String("from", "", "the `database` to copy from (required)")
	to := fs.String("to", "", "the `database` to copy to (required)")
	replace := fs.Bool("replace", false, "empty a target that already has content, in the same transaction as the copy")
	if err := parseFlags(fs, args, getenv, stdout, synopsis); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return config.Usagef("copy-db needs both --from and --to")
	}
	if *from == *to {
		return config.Usagef("--from and --to name the same database")
	}
	src, err := (&dbFlags{databaseURL: *from, log: stderr}).open(ctx, false)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	dst, err := (&dbFlags{databaseURL: *to, log: stderr}).open(ctx, true)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	defer dst.Close()

	rep, err := src.CopyTo(ctx, dst, *replace)
	if errors.Is(err, store.ErrTargetNotEmpty) {
		return config.Usagef("the target %s already has content; add --replace to overwrite it", store.RedactURL(*to))
	}
	if err != nil {
		return err
	}
	n, err := jobs.Reenqueue(ctx, src, dst, *replace)
	if err != nil {
		return fmt.Errorf("copy-db: re-enqueue jobs: %w", err)
	}
	fmt.Fprintf(stdout, "%-16s %10s %10s  %-16s %-16s\n", "table", "source", "target", "source sum", "target sum")
	bad := 0
	for _, t := range rep.Tables {
		mark := ""
		if !t.OK() {
			mark = "  DIFFERENT"
			bad++
		}
		fmt.Fprintf(stdout, "%-16s %10d %10d  %-16s %-16s%s\n", t.Table, t.SourceRows, t.TargetRows, t.SourceChecksum, t.TargetChecksum, mark)
	}
	fmt.Fprintf(stdout, "jobs re-enqueued: %d\ncopied in %s\n", n, rep.Duration.Round(1e6))
	if bad > 0 {
		return fmt.Errorf("copy-db: %d tables differ after the copy", bad)
	}
	return nil
}
