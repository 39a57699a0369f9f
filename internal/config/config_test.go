package config

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestParsePrecedence(t *testing.T) {
	env := map[string]string{"QUIRE_ADDR": "127.0.0.1:9000", "QUIRE_BASE_URL": "https://env.example", "QUIRE_PORT": "x"}
	getenv := func(k string) string { return env[k] }
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "")
	base := fs.String("base-url", "", "")
	if err := Parse(fs, []string{"--base-url", "https://flag.example"}, getenv); err != nil {
		t.Fatal(err)
	}
	if *addr != "127.0.0.1:9000" || *base != "https://flag.example" {
		t.Errorf("addr=%q base=%q", *addr, *base)
	}
}

func TestParseErrors(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Int("n", 1, "")
	if err := Parse(fs, []string{"--nope"}, func(string) string { return "" }); !IsUsage(err) {
		t.Errorf("unknown flag: %v", err)
	}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Int("n", 1, "")
	if err := Parse(fs, nil, func(k string) string { return map[string]string{"QUIRE_N": "many"}[k] }); !IsUsage(err) {
		t.Errorf("bad env: %v", err)
	}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := Parse(fs, []string{"--help"}, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("help: %v", err)
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("comments", flag.ContinueOnError)
	data := fs.String("data", "", "")
	json := fs.Bool("json", false, "")
	if err := Parse(fs, []string{"approve", "12", "--data", "d", "13", "--json", "--", "--14"}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if *data != "d" || !*json || strings.Join(fs.Args(), " ") != "approve 12 13 --14" {
		t.Errorf("data=%q json=%v args=%q", *data, *json, fs.Args())
	}
}
