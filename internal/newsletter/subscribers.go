package newsletter

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// Add puts an address on the list by hand (the admin, quire subscribers
// add). confirmed means the person consented elsewhere: they are active at
// once and get no mail. Otherwise they are pending and get the
// confirmation mail. An address on the list already is a
// *blog.ValidationError on "email" naming its status; nothing changes.
func (s *Service) Add(ctx context.Context, email, name string, confirmed bool, source string) (*blog.Subscriber, error) {
	if err := blog.ValidateSubscriber(email, name); err != nil {
		return nil, err
	}
	now := s.now()
	sub := &blog.Subscriber{Email: email, Name: name, Source: source, CreatedAt: now}
	detail := "added by hand, to confirm by email"
	if confirmed {
		sub.Status, sub.ConsentAt = blog.SubscriberActive, now
		sub.ConsentSource = "added by hand as having consented (" + signupDetail(source, "") + ")"
		detail = "added by hand as having consented"
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		created, err := tx.AddSubscriber(ctx, sub, blog.SubscriberEvent{Kind: blog.EventAdded, Detail: detail + " " + signupDetail(source, "")})
		if err != nil {
			return fmt.Errorf("newsletter: add: %w", err)
		}
		if !created {
			return (blog.FieldErrors{"email": "This address is on the list already (" + string(sub.Status) + ")."}).Err()
		}
		if confirmed {
			return nil
		}
		return s.confirmJob(ctx, tx, sub, now)
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// SetStatus sets subscriber id's status by the admin's hand, recorded in
// its history. Setting someone active this way records no new consent:
// the admin is vouching for the one on file.
func (s *Service) SetStatus(ctx context.Context, id int64, status blog.SubscriberStatus) (*blog.Subscriber, error) {
	if !blog.ValidSubscriberStatus(status) {
		return nil, (blog.FieldErrors{"status": "Choose one of the statuses offered."}).Err()
	}
	sub, _, err := s.Store.ChangeSubscriber(ctx, id, store.SubscriberChange{Status: status,
		Event: blog.SubscriberEvent{Kind: blog.EventStatus, Detail: "set to " + string(status) + " by the admin"}, Now: s.now()})
	return sub, wrap(err)
}

// RemoveByEmail erases the subscriber with the address, with its history
// and deliveries (quire subscribers remove). blog.ErrNotFound when the
// address is not on the list.
func (s *Service) RemoveByEmail(ctx context.Context, email string) error {
	sub, err := s.Store.SubscriberByEmail(ctx, email)
	if err != nil {
		return wrap(err)
	}
	return wrap(s.Store.DeleteSubscriber(ctx, sub.ID))
}

// ImportError is one bad row of a CSV import.
type ImportError struct {
	Line int
	Msg  string
}

// ImportErrors are every bad row of a CSV import: when there is any,
// nothing was imported.
type ImportErrors []ImportError

func (e ImportErrors) Error() string {
	parts := make([]string, 0, len(e))
	for _, x := range e {
		parts = append(parts, "line "+strconv.Itoa(x.Line)+": "+x.Msg)
	}
	return "newsletter: import: nothing was imported: " + strings.Join(parts, "; ")
}

// ImportResult says what an import did.
type ImportResult struct {
	Added     int // new subscribers
	Confirm   int // of which pending, sent a confirmation mail
	Unchanged int // addresses on the list already, left as they are
}

// MaxImportErrors bounds how many bad rows an import reports.
const MaxImportErrors = 50

// importRow is one good row of an import.
type importRow struct {
	line          int
	email, name   string
	status        blog.SubscriberStatus
	consent       time.Time
	consentSource string
}

// Import reads a CSV of subscribers and adds them, all or nothing. The
// header row names the columns: email (required), name, status, and
// consent_date, in any order (others are ignored). status "active" means
// the person consented (on consent_date, else now) and is sent nothing;
// empty or "pending" sends a confirmation mail; "unsubscribed", "bounced"
// and "complained" are kept as they are. An address on the list already
// is left as it is. Any bad row (with its line number and why, as
// ImportErrors) imports nothing.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	rows, err := s.readImport(r)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		res = ImportResult{}
		for _, row := range rows {
			sub := &blog.Subscriber{Email: row.email, Name: row.name, Status: row.status, Source: blog.SourceImport,
				ConsentAt: row.consent, ConsentSource: row.consentSource, CreatedAt: now}
			created, err := tx.AddSubscriber(ctx, sub, blog.SubscriberEvent{Kind: blog.EventImported,
				Detail: "line " + strconv.Itoa(row.line) + " of an import, as " + string(row.status)})
			if err != nil {
				return fmt.Errorf("newsletter: import line %d: %w", row.line, err)
			}
			if !created {
				res.Unchanged++
				continue
			}
			res.Added++
			if row.status == blog.SubscriberPending {
				res.Confirm++
				if err := s.confirmJob(ctx, tx, sub, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// readImport reads and checks every row of an import before anything is
// written.
func (s *Service) readImport(r io.Reader) ([]importRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, ImportErrors{{Line: 1, Msg: "the file is empty; it needs a header row with an email column"}}
	}
	if err != nil {
		return nil, ImportErrors{{Line: 1, Msg: csvProblem(err)}}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	if _, ok := col["email"]; !ok {
		return nil, ImportErrors{{Line: 1, Msg: "the header row has no email column (it needs email, and may have name, status and consent_date)"}}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var rows []importRow
	var bad ImportErrors
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			bad = append(bad, ImportError{Line: line, Msg: csvProblem(err)})
			if pe == nil || len(bad) >= MaxImportErrors {
				break
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := importRow{line: line, email: blog.NormalizeEmail(get(rec, "email")), name: get(rec, "name")}
		var problems []string
		if err := blog.ValidateSubscriber(row.email, row.name); err != nil {
			fe, _ := blog.AsValidation(err)
			for _, k := range []string{"email", "name"} {
				if m, ok := fe[k]; ok {
					problems = append(problems, k+": "+m)
				}
			}
		}
		if first, dup := seen[row.email]; dup && row.email != "" {
			problems = append(problems, "the address "+row.email+" is on line "+strconv.Itoa(first)+" already")
		} else {
			seen[row.email] = line
		}
		switch st := strings.ToLower(get(rec, "status")); st {
		case "", string(blog.SubscriberPending):
			row.status = blog.SubscriberPending
		case string(blog.SubscriberActive), string(blog.SubscriberUnsubscribed), string(blog.SubscriberBounced), string(blog.SubscriberComplained):
			row.status = blog.SubscriberStatus(st)
		default:
			problems = append(problems, "status "+strconv.Quote(st)+" is not one of active, pending, unsubscribed, bounced, complained")
		}
		if d := get(rec, "consent_date"); d != "" {
			t, ok := parseDate(d)
			switch {
			case !ok:
				problems = append(problems, "consent_date "+strconv.Quote(d)+" is not a date like 2024-01-31")
			case t.After(s.now()):
				problems = append(problems, "consent_date "+d+" is in the future")
			default:
				row.consent, row.consentSource = t, "imported with consent_date "+d
			}
		}
		if row.status != blog.SubscriberPending && row.consent.IsZero() && row.status == blog.SubscriberActive {
			row.consentSource = "imported as active (consented before the import)"
		}
		if row.status == blog.SubscriberPending {
			row.consent, row.consentSource = time.Time{}, ""
		}
		if len(problems) > 0 {
			bad = append(bad, ImportError{Line: line, Msg: strings.Join(problems, "; ")})
			if len(bad) >= MaxImportErrors {
				break
			}
			continue
		}
		rows = append(rows, row)
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return rows, nil
}

// parseDate reads a consent date: a day (2024-01-31), or a time in RFC
// 3339.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "the CSV cannot be read here: " + pe.Err.Error()
	}
	return "the file cannot be read: " + err.Error()
}

// ExportHeader is the header row of an export: an import's columns first,
// so an export can be imported elsewhere as it is.
var ExportHeader = []string{"email", "name", "status", "consent_date", "consent_source", "source", "created_at"}

// Export writes the subscribers f selects as CSV (ExportHeader), oldest
// first, reading the list a page at a time.
func (s *Service) Export(ctx context.Context, w io.Writer, f blog.SubscriberFilter) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader); err != nil {
		return fmt.Errorf("newsletter: export: %w", err)
	}
	err := s.Store.EachSubscriber(ctx, f, func(sub *blog.Subscriber) error {
		consent := ""
		if !sub.ConsentAt.IsZero() {
			consent = sub.ConsentAt.UTC().Format(time.RFC3339)
		}
		return cw.Write([]string{sub.Email, csvSafe(sub.Name), string(sub.Status), consent, csvSafe(sub.ConsentSource), sub.Source,
			sub.CreatedAt.UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return fmt.Errorf("newsletter: export: %w", err)
	}
	cw.Flush()
	return wrap(cw.Error())
}

// csvSafe keeps a spreadsheet from reading a typed value as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
