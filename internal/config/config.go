// Package config reads command-line flags with their environment
// variables: flag --x-y ⇔ QUIRE_X_Y, and a flag given on the command line
// wins over the environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// UsageError is a mistake in how Quire was invoked or configured. Commands
// exit with status 2 on it, printing its one sentence.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// IsUsage reports whether err is a UsageError.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// EnvName returns the environment variable of a flag: data-dir → QUIRE_DATA_DIR.
func EnvName(flagName string) string {
	return "QUIRE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs, then fills every flag not given on the command
// line from its environment variable. It returns flag.ErrHelp for -h/--help
// and a UsageError for anything wrong, naming the flag or variable.
//
// Flags may come before, between or after the other arguments
// ("quire comments approve 12 --data d" works), until a "--".
func Parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	fs.SetOutput(io.Discard)
	head, tail := args, []string(nil)
	for i, a := range args {
		if a == "--" {
			head, tail = args[:i], args[i+1:]
			break
		}
	}
	var positional []string
	for {
		if err := fs.Parse(head); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return Usagef("%s (see quire %s --help)", flagError(fs, err), fs.Name())
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		head = fs.Args()[1:]
	}
	// Leave the non-flag arguments where fs.Args finds them.
	if err := fs.Parse(append([]string{"--"}, append(positional, tail...)...)); err != nil {
		return Usagef("%s", flagError(fs, err))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var firstErr error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || firstErr != nil {
			return
		}
		env := EnvName(f.Name)
		if v := getenv(env); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				firstErr = Usagef("%s=%q is not valid: %s", env, v, valueHint(f, err.Error()))
			}
		}
	})
	return firstErr
}

// flagErrors match the flag package's messages, which name flags with one
// dash (-bogus) whatever was typed; Quire's flags are written --bogus.
var (
	flagUnknown  = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagNoValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	flagBadValue = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-+([^:]*): (.*)$`)
)

// flagError rewrites an error of fs's parsing in Quire's words.
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagUnknown.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + " " + m[1] + ": " + valueHint(fs.Lookup(m[2]), m[3])
	}
	return msg
}

// valueHint says what f takes, or returns fallback (the parse error) for
// flags of other kinds.
func valueHint(f *flag.Flag, fallback string) string {
	if f == nil {
		return fallback
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return fallback
	}
	switch g.Get().(type) {
	case bool:
		return "use true or false"
	case int, int64, uint, uint64:
		return "use a whole number"
	case float64:
		return "use a number"
	case time.Duration:
		return "use a duration such as 30s, 5m or 1h"
	}
	return fallback
}

// Usage writes a flag set's defaults, each with its environment variable.
func Usage(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintln(w, synopsis)
	fmt.Fprintln(w)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			def = " (default " + f.DefValue + ")"
			if g, ok := f.Value.(flag.Getter); ok {
				if _, isString := g.Get().(string); isString {
					def = fmt.Sprintf(" (default %q)", f.DefValue) // quoted, as text may hold spaces
				}
			}
		}
		fmt.Fprintf(w, "        %s%s [$%s]\n", usage, def, EnvName(f.Name))
	})
}
