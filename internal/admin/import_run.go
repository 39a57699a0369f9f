package admin

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/wpimport"
	"github.com/quirehq/quire/internal/wxr"
)

// MaxImportBody bounds an uploaded WordPress export: exports of large
// sites reach hundreds of megabytes. It is a named exception to the body
// limits (internal/server bodyLimits); the file is streamed to disk as it
// arrives, never held in memory.
const MaxImportBody = 2 << 30

// importRun imports an uploaded WordPress export. The file is written to a
// temporary file as it arrives; the import then runs while the page is
// being sent, its progress lines flushed as they come and its summary at
// the end, the same the command prints.
func (h *Handler) importRun(w http.ResponseWriter, r *http.Request, u *blog.User) {
	rc := http.NewResponseController(w)
	// A large export takes longer to send and to import than the server
	// gives other requests.
	_ = rc.SetReadDeadline(time.Now().Add(30 * time.Minute))
	_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBody+1<<20)
	f, dryRun, err := receiveExport(r)
	if f != nil {
		defer os.Remove(f.Name())
		defer f.Close()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.importMessage(w, r, u, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("That file is larger than %d MB. Import it on the server with quire import wordpress FILE.", MaxImportBody>>20))
		return
	case err != nil:
		h.logError(r, err)
		h.importMessage(w, r, u, http.StatusBadRequest, "The file did not arrive whole. Please try again.")
		return
	case f == nil:
		h.importMessage(w, r, u, http.StatusUnprocessableEntity, "Choose the export file to import.")
		return
	}

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, importHead, site.RequestPrefix(r))
	_ = rc.Flush()
	last := ""
	progress := func(p wpimport.Progress) {
		line := p.Phase + ": " + fmt.Sprint(p.Items) + " items"
		if p.Total > 0 {
			pct := p.Items * 100 / p.Total
			line = fmt.Sprintf("%s: %d%% (%d of %d items)", p.Phase, pct/10*10, p.Items, p.Total)
			if pct/10*10 != pct && p.Items != p.Total {
				return
			}
		}
		if line == last {
			return
		}
		last = line
		io.WriteString(w, "<li>"+html.EscapeString(line)+"</li>\n")
		_ = rc.Flush()
	}
	sum, err := wpimport.Import(r.Context(), wpimport.Options{Store: h.Store, DryRun: dryRun, Jobs: h.Jobs,
		Progress: progress}, f)
	io.WriteString(w, "</ol>\n")
	if err != nil {
		var we *wxr.Error
		msg := "The import failed, and nothing was imported. The error was logged."
		if errors.As(err, &we) {
			msg = "This file is refused, and nothing was imported: " + we.Error() + "."
		} else {
			h.logError(r, err)
		}
		io.WriteString(w, `<p class="flash error" role="alert">`+html.EscapeString(msg)+"</p>\n")
	} else {
		var b strings.Builder
		_ = sum.Write(&b)
		io.WriteString(w, `<h2>Summary</h2>`+"\n<pre class=\"summary\">"+html.EscapeString(b.String())+"</pre>\n")
	}
	fmt.Fprintf(w, importFoot, site.RequestPrefix(r))
}

// importHead and importFoot frame the import's progress page, written as
// it runs: formats whose one argument is the site's path prefix (escaped,
// "" at the root).
const importHead = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Importing – Quire</title><link rel="stylesheet" href="%[1]s/admin/admin.css"></head>
<body><main id="main">
<h1>Import from WordPress</h1>
<h2>Progress</h2>
<ol class="progress" aria-live="polite">
`

const importFoot = `<p><a href="%[1]s/admin/">Back to the dashboard</a> · <a href="%[1]s/admin/import/">Import another file</a></p>
</main></body></html>
`

// importMessage shows the import form again with a problem.
func (h *Handler) importMessage(w http.ResponseWriter, r *http.Request, u *blog.User, status int, msg string) {
	h.render(w, r, status, "import", &view{Title: "Import", Section: "import", User: u, Flash: msg, FlashErr: true,
		D: struct{ MaxMB int64 }{MaxImportBody >> 20}})
}

// receiveExport reads the upload form part by part, writing the "file"
// part to a temporary file as it arrives (nil when none was chosen), and
// reports whether "dry_run" was ticked. The file is rewound for reading.
func receiveExport(r *http.Request) (*os.File, bool, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, false, err
	}
	var f *os.File
	dry := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f, false, err
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" || f != nil {
				break
			}
			if f, err = os.CreateTemp("", "quire-import-*.xml"); err != nil {
				return nil, false, err
			}
			if _, err := io.Copy(f, io.LimitReader(part, MaxImportBody+1)); err != nil {
				return f, false, err
			}
		case "dry_run":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			dry = string(b) == "1"
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return f, false, err
		}
	}
	if f != nil {
		if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
			return f, dry, nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return f, false, err
		}
	}
	return f, dry, nil
}
