// Package wpimport moves a site in from WordPress and back out: Import
// reads a WXR export (internal/wxr) into the store, Export writes the site
// as WXR 1.2.
//
// An import is one transaction: everything arrives or nothing does. It
// reads the file twice: first to the end, so a file WordPress would refuse
// is refused before anything is written and the attachments are known to
// every post; then to write. What it makes of each WordPress author, term,
// post, comment and attachment is kept by WordPress ID (the wp_ids table),
// so running it again with the same file adds nothing twice and updates
// what changed, and old addresses (/?p=ID, /wp-content/uploads/…) find
// what they became.
//
// A post keeps its content as WordPress stored it (format "wordpress") and
// is rendered as WordPress displayed it (internal/wpformat: paragraphs,
// curly quotes, shortcodes, blocks) into its HTML when it is saved; an
// export writes the stored content back unchanged. A Markdown post that
// Quire exported comes back as Markdown, from its _quire_markdown meta.
package wpimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/wxr"
)

// Scheduler queues the publishing of a scheduled post, in the import's
// transaction (jobs.Inserter).
type Scheduler interface {
	SchedulePublish(ctx context.Context, tx *store.Store, postID int64, at time.Time) error
}

// Options are an import's inputs besides the file.
type Options struct {
	Store *store.Store
	// MapAuthors maps WordPress logins to the email addresses of existing
	// users, who then own those authors' posts (--map-author old=email).
	MapAuthors map[string]string
	// DryRun reads and checks everything, and writes nothing.
	DryRun bool
	// Jobs queues scheduled posts' publishing; nil leaves them to the
	// serving process's sweep.
	Jobs Scheduler
	// Progress, when set, is told how the import is going.
	Progress func(Progress)
	// Media, when set, brings attachments' files in.
	Media MediaSource
}

// Phases of an import, as Progress reports them.
const (
	PhaseRead   = "reading"
	PhaseMedia  = "media"
	PhaseImport = "importing"
)

// Progress is how far an import has got: Items of Total items (Total is 0
// while the file is first read).
type Progress struct {
	Phase        string
	Items, Total int
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("wpimport: dry run")

// Import reads the WXR file src into o.Store, all or nothing, and returns
// what it did. src is read twice (it is rewound to its start). A file that
// is not WXR, or that WordPress would refuse, is refused with a
// *wxr.Error naming its line, and nothing is written.
func Import(ctx context.Context, o Options, src io.ReadSeeker) (*Summary, error) {
	if o.Store == nil {
		return nil, errors.New("wpimport: no store")
	}
	users, err := mappedUsers(ctx, o.Store, o.MapAuthors)
	if err != nil {
		return nil, err
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("wpimport: %w", err)
	}
	sv, err := surveyFile(ctx, src, o.Progress)
	if err != nil {
		return nil, err
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("wpimport: rewind: %w", err)
	}
	site := siteKey(sv.channel)
	mediaDir, failed, err := gatherMedia(ctx, o, sv, site)
	if err != nil {
		return nil, err
	}
	if mediaDir != "" {
		defer os.RemoveAll(mediaDir)
	}
	sum := newSummary()
	sum.Title, sum.Version, sum.Source, sum.DryRun = sv.channel.Title, sv.channel.Version, sv.channel.BaseBlogURL, o.DryRun
	err = o.Store.InTx(ctx, func(tx *store.Store) error {
		im := &importer{o: o, tx: tx, sv: sv, sum: sum, mapped: users, site: site, mediaDir: mediaDir, mediaFailed: failed}
		if err := im.run(ctx, src); err != nil {
			return err
		}
		if o.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return sum, nil
}

// mappedUsers finds the users --map-author names, refusing an address no
// user has, before anything is read.
func mappedUsers(ctx context.Context, st *store.Store, m map[string]string) (map[string]*blog.User, error) {
	out := map[string]*blog.User{}
	var missing []string
	for login, email := range m {
		u, err := st.UserByEmail(ctx, blog.NormalizeEmail(email))
		if errors.Is(err, blog.ErrNotFound) {
			missing = append(missing, fmt.Sprintf("%s=%s", login, email))
			continue
		}
		if err != nil {
			return nil, err
		}
		out[login] = u
	}
	if len(missing) > 0 {
		return nil, &MapError{Missing: missing}
	}
	return out, nil
}

// MapError is a --map-author naming an address no user has.
type MapError struct{ Missing []string }

func (e *MapError) Error() string {
	return fmt.Sprintf("wpimport: --map-author names no user with that email: %v (add the user first with quire user add)", e.Missing)
}

// siteKey names the WordPress site an export came from, for wp_ids: its
// home address.
func siteKey(ch wxr.Channel) string {
	if k := strings.TrimRight(ch.BaseBlogURL, "/"); k != "" {
		return k
	}
	return strings.TrimRight(ch.Link, "/")
}
