package publish

import (
	"errors"
	"strings"
	"testing"
)

// TestPublishRefusesCostlyBody: a body of nested quotes (256 KiB of ">",
// 15 seconds of rendering before) is refused at its line, with the
// renderer's message, and nothing is written.
func TestPublishRefusesCostlyBody(t *testing.T) {
	e := newEnv(t)
	good := e.write("posts/good.md", article)
	deep := e.write("posts/deep.md", "---\ntitle: Deep\n---\n\n\nIntro.\n\n"+strings.Repeat(">", 256<<10)+"\n")
	_, err := e.publish(good, deep)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != deep {
		t.Fatalf("error = %.300v, want a FileError for %s", err, deep)
	}
	// Front matter on lines 1–3, two blank lines, "Intro.", a blank line.
	if fe.Line != 8 || !strings.Contains(fe.Msg, "Quotes and lists are nested more than 16 deep") {
		t.Errorf("error = %.300v, want line 8 and the nesting message", err)
	}
	if n := len(e.all()); n != 0 {
		t.Errorf("%d posts written despite the error", n)
	}
}
