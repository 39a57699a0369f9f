package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if err := parseFlags(fs, args, getenv, stdout, "Usage: quire migrate [flags]\n\nApplies pending database migrations."); err != nil {
		return err
	}
	db.log = stderr
	st, err := db.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "database is up to date:", st.Path)
	return nil
}
