package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/demo"
)

func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, "Usage: quire user add --email E --name N [--role owner|editor|author]")
			return nil
		}
		return config.Usagef("say what to do with users: quire user add --email E --name N [--role owner|editor|author]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's email `address` (required)")
	name := fs.String("name", "", "the user's display `name` (required)")
	role := fs.String("role", "author", "`role`: owner, editor or author")
	if err := parseFlags(fs, args[1:], getenv, stdout, "Usage: quire user add --email E --name N [--role owner|editor|author]\n\n"+
		"Adds a user. The password is asked for without echo on a terminal, or read from the first line of standard input."); err != nil {
		return err
	}
	u := &blog.User{Email: blog.NormalizeEmail(*email), Name: strings.TrimSpace(*name), Role: blog.Role(*role)}
	switch {
	case u.Email == "":
		return config.Usagef("--email is required")
	case u.Name == "":
		return config.Usagef("--name is required")
	case !blog.ValidRole(u.Role):
		return config.Usagef("--role %q: use owner, editor or author", *role)
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := blog.ValidateNewUser(u, password); err != nil {
		fe, _ := blog.AsValidation(err)
		for _, k := range []string{"email", "name", "role", "password"} {
			if msg, ok := fe[k]; ok {
				return config.Usagef("%s: %s", k, msg)
			}
		}
		return config.Usagef("%v", err)
	}
	db.log = stderr
	st, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	// The same bounded hasher as the server's, so the hashing costs what a
	// login does and no more.
	if u.PasswordHash, err = auth.NewHasher(0, 0).Hash(ctx, password); err != nil {
		return err
	}
	if err := demo.AddUser(ctx, st, u); err != nil {
		if fe, ok := blog.AsValidation(err); ok {
			return config.Usagef("%s", fe["email"])
		}
		return err
	}
	fmt.Fprintf(stdout, "added %s <%s> as %s\n", u.Name, u.Email, u.Role)
	return nil
}

// readPassword asks for a password without echo on a terminal, or reads the
// first line of stdin otherwise.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Again: ")
		b2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(b) != string(b2) {
			return "", config.Usagef("the two passwords differ")
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", config.Usagef("no password given on standard input")
	}
	return line, nil
}
