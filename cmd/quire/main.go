// Command quire runs a Quire site and manages it from the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/quirehq/quire/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err and maps it to Quire's exit status: 0 done, 2 a usage
// or configuration error, 1 anything else.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case config.IsUsage(err):
		fmt.Fprintln(stderr, "quire:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "quire:", err)
		return 1
	}
}

const usage = `Quire runs a blog, its reader discussion and its newsletter.

Usage:
  quire serve [flags]          run the site (SQLite in ./quire-data by default)
  quire migrate [flags]        apply pending database migrations
  quire user add [flags]       add a user who can log in to /admin/
  quire post publish PATH...   publish Markdown files with front matter
  quire comments list|approve|unapprove|spam|trash|delete   moderate comments
  quire subscribers list|add|import|export|remove   the newsletter's subscribers
  quire newsletter list|send   the newsletter's issues; send one from a Markdown file
  quire copy-db --from A --to B   copy a whole site between SQLite and PostgreSQL
  quire backup FILE            write a consistent copy of a running SQLite site
  quire import wordpress FILE  import a WordPress export (WXR), all or nothing
  quire export wordpress       write the site as a WordPress export (WXR 1.2) to stdout

Run "quire COMMAND --help" for a command's flags. Every flag --x-y can also
be set with the environment variable QUIRE_X_Y; a flag wins over it.
`

// run is Quire's whole program: main only supplies the outside world.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return config.Usagef("say which command to run, for example: quire serve (see quire --help)")
	}
	var err error
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve":
		err = cmdServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		err = cmdUser(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "post":
		err = cmdPost(ctx, args[1:], getenv, stdout, stderr)
	case "comments":
		err = cmdComments(ctx, args[1:], getenv, stdout, stderr)
	case "subscribers":
		err = cmdSubscribers(ctx, args[1:], getenv, stdout, stderr)
	case "newsletter":
		err = cmdNewsletter(ctx, args[1:], getenv, stdout, stderr)
	case "copy-db":
		err = cmdCopyDB(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		err = cmdImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		err = cmdExport(ctx, args[1:], getenv, stdout, stderr)
	default:
		return config.Usagef("unknown command %q; the commands are serve, migrate, user, post, comments, subscribers, newsletter, copy-db, backup, import and export (see quire --help)", args[0])
	}
	return inCommand(commandName(args), err)
}

// subcommands are the second words that name a command of their own.
var subcommands = map[string][]string{
	"user":        {"add"},
	"post":        {"publish"},
	"comments":    {"list", "approve", "unapprove", "spam", "trash", "delete"},
	"subscribers": {"list", "add", "import", "export", "remove"},
	"newsletter":  {"list", "send"},
	"import":      {"wordpress"},
	"export":      {"wordpress"},
}

// commandName is the command args run, as errors name it: "serve",
// "post publish".
func commandName(args []string) string {
	if len(args) > 1 && slices.Contains(subcommands[args[0]], args[1]) {
		return args[0] + " " + args[1]
	}
	return args[0]
}

// inCommand puts the name of the command that failed before err's message,
// so that every error Quire prints reads "quire: COMMAND: what went wrong"
// (or "quire: COMMAND …" when the message names the command already). A
// usage error stays one.
func inCommand(name string, err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	if strings.HasPrefix(msg, name+":") || strings.HasPrefix(msg, name+" ") {
		return err
	}
	if config.IsUsage(err) {
		return &config.UsageError{Msg: name + ": " + msg}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// parseFlags parses a subcommand's flags, printing its help to stdout.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string, stdout io.Writer, synopsis string) error {
	err := config.Parse(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		config.Usage(stdout, fs, synopsis)
	}
	return err
}
