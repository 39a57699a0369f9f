// Command benchlarge measures a running Quire site page by page, for
// scripts/bench_large.sh (make bench): each page rendered afresh (a query
// parameter the page ignores makes every request a cache miss), right
// after a new comment (the sidebar rebuilds its recent comments) and
// after any other change (the whole sidebar is rebuilt), and from the
// page cache (wrk), beside the same kind of page on a small site; then the
// server's resident memory.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/demo"
	"github.com/quirehq/quire/internal/store"
)

func main() {
	large := flag.String("large", "", "base URL of the large site")
	small := flag.String("small", "", "base URL of the small site (cached figures to compare with)")
	db := flag.String("db", "", "the large site's database (SQLite file or postgres:// URL), to make content changes")
	pid := flag.Int("pid", 0, "the large site's server process, for its memory")
	engine := flag.String("engine", "sqlite", "label of the rows")
	email := flag.String("email", "", "an owner's email, for the admin pages")
	password := flag.String("password", "", "the owner's password")
	dur := flag.String("duration", "3s", "wrk's duration per cached page")
	conns := flag.Int("connections", 16, "wrk's connections")
	n := flag.Int("n", 15, "requests per page afresh")
	header := flag.Bool("header", false, "print the table's header first")
	flag.Parse()
	if err := run(*large, *small, *db, *pid, *engine, *email, *password, *dur, *conns, *n, *header); err != nil {
		fmt.Fprintln(os.Stderr, "benchlarge:", err)
		os.Exit(1)
	}
}

type page struct {
	name, path, smallPath string
	admin                 bool
}

func run(large, small, db string, pid int, engine, email, password, dur string, conns, n int, header bool) error {
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	rssIdle := rss(pid)

	home, err := body(nil, large+"/")
	if err != nil {
		return err
	}
	smallHome, err := body(nil, small+"/")
	if err != nil {
		return err
	}
	tagRe := regexp.MustCompile(`href="(/tag/[^"/]+/)"`)
	monthRe := regexp.MustCompile(`href="(/\d{4}/\d{2}/)"`)
	pick := func(re *regexp.Regexp, html string, middle bool) string {
		m := re.FindAllStringSubmatch(html, -1)
		if len(m) == 0 {
			return ""
		}
		if middle {
			return m[len(m)/2][1]
		}
		return m[0][1]
	}
	sitemap, err := body(nil, large+"/sitemap.xml")
	if err != nil {
		return err
	}
	smallSitemap, err := body(nil, small+"/sitemap.xml")
	if err != nil {
		return err
	}
	locRe := regexp.MustCompile(`<loc>https?://[^/]+(/sitemap[^<]*\.xml)</loc>`)
	pages := []page{
		{name: "home", path: "/", smallPath: "/"},
		{name: "page 500 of the home listing", path: "/page/500/", smallPath: "/page/20/"},
		{name: "tag archive", path: pick(tagRe, home, false), smallPath: pick(tagRe, smallHome, false)},
		{name: "month archive", path: pick(monthRe, home, true), smallPath: pick(monthRe, smallHome, true)},
		{name: "search, common word", path: "/?s=" + demo.CommonWord, smallPath: "/?s=" + demo.CommonWord},
		{name: "search, rare word", path: "/?s=" + demo.RareWord, smallPath: "/?s=" + demo.RareWord},
		{name: "sitemap index", path: "/sitemap.xml", smallPath: "/sitemap.xml"},
		{name: "sitemap file", path: pick(locRe, sitemap, false), smallPath: pick(locRe, smallSitemap, false)},
		{name: "feed RSS", path: "/feed/", smallPath: "/feed/"},
		{name: "feed Atom", path: "/feed/atom/", smallPath: "/feed/atom/"},
		{name: "feed JSON", path: "/feed/json/", smallPath: "/feed/json/"},
		{name: "comments feed", path: "/comments/feed/", smallPath: "/comments/feed/"},
		{name: "admin posts", path: "/admin/posts/", smallPath: "", admin: true},
		{name: "admin comments", path: "/admin/comments/", smallPath: "", admin: true},
	}
	recent, _, err := st.ListPosts(ctx, blog.PostFilter{Limit: 1})
	if err != nil || len(recent) == 0 {
		return fmt.Errorf("no post to comment on: %v", err)
	}
	target := recent[0].ID
	var jar http.CookieJar
	if email != "" {
		jar, err = login(large, email, password)
		if err != nil {
			return err
		}
	}
	if header {
		fmt.Printf("| engine | page | afresh median | afresh max | after a comment | after a post change | cached req/s | cached p99 | small site req/s | ratio |\n")
		fmt.Printf("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	}
	for _, p := range pages {
		if p.path == "" {
			fmt.Printf("| %s | %s | not found on the page | | | | | | | |\n", engine, p.name)
			continue
		}
		var cj http.CookieJar
		if p.admin {
			if jar == nil {
				continue
			}
			cj = jar
		}
		// Afresh: a parameter no handler reads makes each request a miss.
		var fresh []time.Duration
		for i := range n {
			u := large + p.path
			if !p.admin {
				u += sep(p.path) + "bench=" + strconv.Itoa(i) + strconv.FormatInt(time.Now().UnixNano(), 36)
			}
			d, err := timed(cj, u)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			fresh = append(fresh, d)
		}
		// After a change: a new comment (the version moves; the sidebar
		// rebuilds its recent comments) or any other change (the whole
		// sidebar is built again).
		var commented, changed []time.Duration
		for i := range 10 {
			if i%2 == 0 {
				c := &blog.Comment{PostID: target, Status: blog.CommentApproved, AuthorName: "Bench",
					Content: "A comment.", ContentHTML: "<p>A comment.</p>"}
				err = st.CreateComment(ctx, c)
			} else {
				err = st.BumpContentVersion(ctx)
			}
			if err != nil {
				return err
			}
			time.Sleep(20 * time.Millisecond) // the 50 ms promise: let the server notice
			d, err := timed(cj, large+p.path)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			if i%2 == 0 {
				commented = append(commented, d)
			} else {
				changed = append(changed, d)
			}
		}
		cachedRPS, cachedP99, smallRPS := "–", "–", "–"
		ratio := ""
		if !p.admin {
			if _, err := timed(nil, large+p.path); err != nil { // cache it
				return err
			}
			r, p99, err := wrk(large+p.path, dur, conns, "")
			if err != nil {
				return err
			}
			cachedRPS, cachedP99 = fmt.Sprintf("%.0f", r), p99
			if small != "" && p.smallPath != "" {
				_, _ = timed(nil, small+p.smallPath)
				sr, _, err := wrk(small+p.smallPath, dur, conns, "")
				if err != nil {
					return err
				}
				smallRPS, ratio = fmt.Sprintf("%.0f", sr), fmt.Sprintf("%.2f", r/sr)
			}
		}
		slices.Sort(fresh)
		slices.Sort(commented)
		slices.Sort(changed)
		fmt.Printf("| %s | %s `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", engine, p.name, p.path,
			ms(fresh[len(fresh)/2]), ms(fresh[len(fresh)-1]), ms(commented[len(commented)/2]), ms(changed[len(changed)/2]),
			cachedRPS, cachedP99, smallRPS, ratio)
	}
	if pid != 0 {
		fmt.Printf("\n%s server memory (VmRSS): %s idle before the run, %s after it\n", engine, rssIdle, rss(pid))
	}
	return nil
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func body(jar http.CookieJar, u string) (string, error) {
	c := &http.Client{Jar: jar}
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(b), err
}

// timed returns how long GET u took, its body read whole.
func timed(jar http.CookieJar, u string) (time.Duration, error) {
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return d, err
}

func login(base, email, password string) (http.CookieJar, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/admin/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login: %s", resp.Status)
	}
	return jar, nil
}

// wrk measures u and returns requests a second and the 99th percentile.
func wrk(u, dur string, conns int, cookie string) (float64, string, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + dur, "--latency", u}
	if cookie != "" {
		args = append(args, "-H", "Cookie: "+cookie)
	}
	out, err := exec.Command("wrk", args...).CombinedOutput()
	if err != nil {
		return 0, "", fmt.Errorf("wrk: %v\n%s", err, out)
	}
	var rps float64
	var p99 string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "Requests/sec:" {
			rps, _ = strconv.ParseFloat(f[1], 64)
		}
		if len(f) >= 2 && f[0] == "99%" {
			p99 = f[1]
		}
		if len(f) >= 2 && f[0] == "Non-2xx" {
			return 0, "", fmt.Errorf("wrk %s: %s", u, line)
		}
	}
	return rps, p99, nil
}

// rss reads a process's resident memory from /proc.
func rss(pid int) string {
	if pid == 0 {
		return "?"
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if kb, err := strconv.Atoi(f[1]); err == nil {
				return fmt.Sprintf("%.1f MB", float64(kb)/1024)
			}
		}
	}
	return "?"
}
