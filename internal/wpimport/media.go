package wpimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/store"
)

// MediaSource brings an attachment's file in: from a copy of
// wp-content/uploads (Dir), or fetched from the old site (Fetch).
type MediaSource interface {
	// Open returns the file at the attachment's URL, at most
	// media.MaxUploadBytes of it.
	Open(ctx context.Context, fileURL string) ([]byte, error)
}

// Dir reads attachments' files from a copy of WordPress's uploads folder
// (wp-content/uploads, or wp-content holding it): the part of a file's URL
// after /wp-content/uploads/ is its path there.
type Dir string

// Open reads the file the URL names in the folder, never outside it.
func (d Dir) Open(_ context.Context, fileURL string) ([]byte, error) {
	u, err := url.Parse(fileURL)
	if err != nil {
		return nil, fmt.Errorf("wpimport: file URL %q: %w", fileURL, err)
	}
	_, rel, ok := strings.Cut(u.Path, "/wp-content/uploads/")
	if !ok {
		return nil, fmt.Errorf("wpimport: %s is not under /wp-content/uploads/", u.Path)
	}
	rel = path.Clean(rel)
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return nil, fmt.Errorf("wpimport: %s leaves the uploads folder", u.Path)
	}
	var lastErr error
	for _, base := range []string{string(d), filepath.Join(string(d), "uploads")} {
		b, err := readCapped(filepath.Join(base, filepath.FromSlash(rel)))
		if err == nil {
			return b, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func readCapped(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("not in the --media folder (%s)", filepath.Base(name))
		}
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, media.MaxUploadBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > media.MaxUploadBytes {
		return nil, fmt.Errorf("larger than %d MB", media.MaxUploadBytes>>20)
	}
	return b, nil
}

// Fetch downloads attachments' files through the safe outbound client.
type Fetch struct{ Client *safehttp.Client }

// NewFetch returns a Fetch whose client takes files as large as an upload
// may be; allowPrivate lets it reach a WordPress on an intranet.
func NewFetch(allowPrivate bool) Fetch {
	return Fetch{Client: safehttp.New(safehttp.Options{AllowPrivate: allowPrivate, MaxBody: media.MaxUploadBytes,
		Timeout: 60_000_000_000})}
}

// Open fetches the file at fileURL.
func (f Fetch) Open(ctx context.Context, fileURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fileURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("the old site answered %s", resp.Status)
	}
	return f.Client.ReadBody(resp)
}

// gatherMedia brings in, before the import's transaction begins (a fetch
// can take long, and the database is not held meanwhile), the files of
// the attachments that have none yet, into a temporary folder. It returns
// the folder and why each file that could not come did not.
func gatherMedia(ctx context.Context, o Options, sv *survey, site string) (string, map[int64]string, error) {
	failed := map[int64]string{}
	if o.Media == nil || len(sv.attachments) == 0 {
		return "", failed, nil
	}
	have, err := o.Store.WPIDs(ctx, site, store.WPAttachment)
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "quire-import-media-")
	if err != nil {
		return "", nil, fmt.Errorf("wpimport: %w", err)
	}
	n := 0
	for id, a := range sv.attachments {
		if m, ok := have[id]; ok && m.NewID != 0 {
			continue
		}
		if !isImage(a.URL) {
			failed[id] = "not an image (Quire keeps images only)"
			continue
		}
		if err := ctx.Err(); err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		b, err := o.Media.Open(ctx, a.URL)
		if err != nil {
			failed[id] = err.Error()
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, strconv.FormatInt(id, 10)), b, 0o600); err != nil {
			os.RemoveAll(dir)
			return "", nil, fmt.Errorf("wpimport: %w", err)
		}
		n++
		if o.Progress != nil {
			o.Progress(Progress{Phase: PhaseMedia, Items: n, Total: len(sv.attachments)})
		}
	}
	return dir, failed, nil
}

// fetchMedia stores an attachment's gathered file as an image, with its
// resized copies.
func (im *importer) fetchMedia(ctx context.Context, a *attachment) (*blog.Media, error) {
	if why, ok := im.mediaFailed[a.ID]; ok {
		return nil, errors.New(why)
	}
	if im.mediaDir == "" {
		return nil, nil
	}
	data, err := os.ReadFile(filepath.Join(im.mediaDir, strconv.FormatInt(a.ID, 10)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	name := path.Base(a.URL)
	if u, err := url.Parse(a.URL); err == nil {
		name = path.Base(u.Path)
	}
	m, files, err := media.Process(name, data)
	if err != nil {
		if fe, ok := blog.AsValidation(err); ok {
			return nil, errors.New(fe[media.Field])
		}
		return nil, err
	}
	m.Alt = a.Alt
	m.AuthorID = im.authors[a.Creator]
	m.Widths = nil
	if t := im.date(a.DateGMT, a.Date); !t.IsZero() {
		m.CreatedAt = t
	}
	if err := im.tx.CreateMedia(ctx, m, files); err != nil {
		return nil, err
	}
	return m, nil
}

// storeMedia stores the gathered files as images before the first item,
// so every post, wherever its attachments are in the file, points at them.
func (im *importer) storeMedia(ctx context.Context) error {
	if im.o.Media == nil {
		return nil
	}
	ids := make([]int64, 0, len(im.sv.attachments))
	for id := range im.sv.attachments {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, ok := im.media[id]; ok {
			continue
		}
		a := im.sv.attachments[id]
		md, err := im.fetchMedia(ctx, a)
		if err != nil {
			im.sum.note("attachment %d %q: its file did not come in: %v", id, a.Title, err)
			continue
		}
		if md != nil {
			im.media[id] = md
		}
	}
	return nil
}

// sizedName matches the resized copies WordPress names after the file:
// photo-300x200.jpg beside photo.jpg.
var sizedName = regexp.MustCompile(`^-(\d{1,5})x\d{1,5}`)

// rewriteURLs points the old addresses of files that came in (and of
// WordPress's resized copies of them) at their Quire addresses.
func (im *importer) rewriteURLs(html string) string {
	if len(im.media) == 0 || !strings.Contains(html, "/wp-content/") {
		return html
	}
	for old, md := range im.media {
		a, ok := im.sv.attachments[old]
		if !ok || a.URL == "" {
			continue
		}
		ext := path.Ext(a.URL)
		stem := strings.TrimSuffix(a.URL, ext)
		if !strings.Contains(html, stem) {
			continue
		}
		var b strings.Builder
		rest := html
		for {
			i := strings.Index(rest, stem)
			if i < 0 {
				b.WriteString(rest)
				break
			}
			b.WriteString(rest[:i])
			after := rest[i+len(stem):]
			width := 0
			if g := sizedName.FindStringSubmatch(after); g != nil && strings.HasPrefix(after[len(g[0]):], ext) {
				width, _ = strconv.Atoi(g[1])
				after = after[len(g[0]):]
			}
			if ext != "" && strings.HasPrefix(after, ext) {
				b.WriteString(im.settings.MediaPath(md, width))
				rest = after[len(ext):]
				continue
			}
			b.WriteString(stem)
			rest = rest[i+len(stem):]
		}
		html = b.String()
	}
	return html
}
