// Command mailbench measures the newsletter's delivery engine as make
// bench runs it: it fills a database with N active subscribers, starts
// the real quire binary (serve, with --smtp-url) against an SMTP sink in
// this process, starts one issue to all of them as "send now" does, and
// reports messages a second at the sink and the serving process's peak
// RSS (VmHWM from /proc). Everything stays on loopback.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

func main() {
	bin := flag.String("bin", "bin/quire", "the quire binary")
	dbURL := flag.String("database-url", "", "PostgreSQL database (empty: SQLite in --data)")
	data := flag.String("data", "", "SQLite data directory (with no --database-url)")
	n := flag.Int("subscribers", 100000, "active subscribers to send to")
	label := flag.String("label", "", "engine label for the output line")
	flag.Parse()
	if err := run(*bin, *dbURL, *data, *n, *label); err != nil {
		log.Fatal("mailbench: ", err)
	}
}

// sink counts messages.
type sink struct {
	mu          sync.Mutex
	n           int
	first, last time.Time
	ids         map[string]bool
	dups        int
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sess{s: s}, nil }

type sess struct{ s *sink }

func (*sess) Mail(string, *smtp.MailOptions) error { return nil }
func (*sess) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (*sess) Reset()                               {}
func (*sess) Logout() error                        { return nil }

func (x *sess) Data(r io.Reader) error {
	id := ""
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if strings.HasPrefix(strings.ToLower(line), "message-id:") {
			id = strings.TrimSpace(line[len("message-id:"):])
		}
		if err != nil || line == "\r\n" || line == "\n" {
			break
		}
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return err
	}
	now := time.Now()
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.n == 0 {
		x.s.first = now
	}
	x.s.n++
	x.s.last = now
	if x.s.ids[id] {
		x.s.dups++
	}
	x.s.ids[id] = true
	return nil
}

func (s *sink) read() (int, time.Time, time.Time, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, s.first, s.last, s.dups
}

func run(bin, dbURL, data string, n int, label string) error {
	ctx := context.Background()
	dbArgs := []string{"--database-url", dbURL}
	target := dbURL
	if dbURL == "" {
		if data == "" {
			return fmt.Errorf("give --data or --database-url")
		}
		dbArgs = []string{"--data", data}
		target = filepath.Join(data, "quire.db")
	}
	if out, err := exec.Command(bin, append([]string{"migrate"}, dbArgs...)...).CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %v\n%s", err, out)
	}
	st, err := store.Open(ctx, target)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SaveSettings(ctx, map[string]string{site.KeyTitle: "Sales Coach", site.KeyNewsletterRate: "0"}); err != nil {
		return err
	}
	t0 := time.Now()
	if err := addSubscribers(ctx, st, n); err != nil {
		return err
	}
	fill := time.Since(t0)

	sk := &sink{ids: map[string]bool{}}
	srv := smtp.NewServer(sk)
	srv.Domain, srv.ReadTimeout, srv.WriteTimeout = "localhost", time.Minute, time.Minute
	srv.MaxRecipients = 10
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(l)
	defer srv.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--log-level", "warn",
		"--smtp-url", "smtp://" + l.Addr().String() + "?tls=none", "--mail-from", "tips@example.com"}, dbArgs...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	if err := waitUp("http://" + addr + "/healthz"); err != nil {
		return err
	}

	// "Send now", as the admin does it: the issue, its deliveries, batches
	// and jobs in one transaction.
	q, err := jobs.New(jobs.Config{Store: st})
	if err != nil {
		return err
	}
	defer q.Stop(ctx)
	s := site.New(st, site.Overrides{})
	news := &newsletter.Service{Store: st, Site: s, Jobs: q}
	news.Sender = &deliver.Engine{Store: st, Site: s, Newsletter: news, Jobs: q}
	t1 := time.Now()
	is, err := news.SendNew(ctx, newsletter.IssueInput{Subject: "This week's tip", Preheader: "One idea",
		Body: "## Ask what business you are in\n\nYour customers do not buy drills; they buy holes. " +
			strings.Repeat("Write for the reader who has the problem you solve. ", 30) + "\n\n[Read more](/2011/01/what-business/)\n"})
	if err != nil {
		return err
	}
	enqueue := time.Since(t1)

	deadline := time.Now().Add(30 * time.Minute)
	for {
		got, _, _, _ := sk.read()
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d messages after 30 minutes", got, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	got, first, last, dups := sk.read()
	rss, err := peakRSS(cmd.Process.Pid)
	if err != nil {
		return err
	}
	// The issue's status follows its last batch.
	for i := 0; i < 100; i++ {
		cur, err := st.Issue(ctx, is.ID)
		if err == nil && cur.Status == blog.IssueSent {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	span := last.Sub(first).Seconds()
	fmt.Printf("%-10s %9d subscribers: %7.0f msg/s (first to last message %.1f s; from send-now %.1f s), peak RSS %5.1f MB, "+
		"send-now transaction %.2f s, %d duplicate Message-IDs (setup: %.1f s)\n",
		label, got, float64(got)/span, span, last.Sub(t1).Seconds(), float64(rss)/1024, enqueue.Seconds(), dups, fill.Seconds())
	return nil
}

// addSubscribers inserts n active subscribers, 500 a statement.
func addSubscribers(ctx context.Context, st *store.Store, n int) error {
	now := time.Now().Unix()
	for i := 0; i < n; i += 500 {
		var b strings.Builder
		var args []any
		b.WriteString("INSERT INTO newsletter_subscribers (email, name, status, source, consent_at, created_at, updated_at, status_at) VALUES ")
		for k := i; k < min(i+500, n); k++ {
			if k > i {
				b.WriteString(", ")
			}
			p := len(args)
			fmt.Fprintf(&b, "(%s, '', 'active', 'import', %s, %s, %s, %s)", ph(st, p+1), ph(st, p+2), ph(st, p+3), ph(st, p+4), ph(st, p+5))
			args = append(args, fmt.Sprintf("reader%06d@example.org", k), now, now, now, now)
		}
		if _, err := st.DB().ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("add subscribers: %w", err)
		}
	}
	return nil
}

func ph(st *store.Store, i int) string {
	if st.Engine() == "postgres" {
		return "$" + strconv.Itoa(i)
	}
	return "?"
}

func waitUp(url string) error {
	for range 600 {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come up", url)
}

// peakRSS reads the process's peak resident set (VmHWM), in KiB.
func peakRSS(pid int) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("no VmHWM for %d", pid)
}
