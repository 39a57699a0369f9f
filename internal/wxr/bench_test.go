package wxr

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// generate writes an export of posts posts and comments comments (spread
// unevenly, threaded, with pingbacks and spam) to w, through the Writer.
func generate(w io.Writer, posts, comments int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	wr := NewWriter(w)
	if err := wr.WriteChannel(&Channel{Title: "The Weekly Tip", Link: "https://example.com/blog", Description: "Generated",
		Language: "en-US", BaseSiteURL: "https://example.com/blog", BaseBlogURL: "https://example.com/blog"}); err != nil {
		return err
	}
	for i := range 5 {
		if err := wr.WriteAuthor(&Author{ID: int64(i + 1), Login: fmt.Sprintf("author%d", i), Email: fmt.Sprintf("a%d@example.com", i), DisplayName: "Author"}); err != nil {
			return err
		}
	}
	for i := range 40 {
		parent := ""
		if i >= 10 {
			parent = fmt.Sprintf("cat-%d", i%10)
		}
		if err := wr.WriteTerm(&Term{ID: int64(i + 1), Taxonomy: Category, Slug: fmt.Sprintf("cat-%d", i), Parent: parent, Name: fmt.Sprintf("Category %d", i)}); err != nil {
			return err
		}
	}
	for i := range 200 {
		if err := wr.WriteTerm(&Term{ID: int64(100 + i), Taxonomy: PostTag, Slug: fmt.Sprintf("tag-%d", i), Name: fmt.Sprintf("Tag %d", i)}); err != nil {
			return err
		}
	}
	words := strings.Fields("the buyer does not care about your product they care about their problem ask better questions listen twice as much as you talk follow up within a day price is rarely the real objection trust is built in small promises kept — “curly” quotes & ampersands <em>emphasis</em> café 👍")
	sentence := func(n int) string {
		var b strings.Builder
		for j := range n {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		b.WriteString(".")
		return b.String()
	}
	commentID := int64(1000)
	left := comments
	for p := range posts {
		var body strings.Builder
		for range 4 + rng.IntN(6) {
			for range 3 + rng.IntN(4) {
				body.WriteString(sentence(8 + rng.IntN(12)))
				body.WriteByte(' ')
			}
			body.WriteString("\n\n")
		}
		if p%50 == 0 {
			body.WriteString("<pre>if (a[b[0]]>1) {}</pre>")
		}
		it := &Item{
			Title: sentence(6), Link: fmt.Sprintf("https://example.com/blog/2015/%02d/post-%d/", p%12+1, p),
			PubDate: "Mon, 10 Jan 2011 14:00:00 +0000", Creator: fmt.Sprintf("author%d", p%5),
			GUID: fmt.Sprintf("https://example.com/blog/?p=%d", p+1), Content: body.String(), Excerpt: sentence(15),
			ID: int64(p + 1), Date: "2015-01-10 09:00:00", DateGMT: "2015-01-10 14:00:00", Modified: "2015-01-11 09:00:00", ModifiedGMT: "2015-01-11 14:00:00",
			CommentStatus: "open", PingStatus: "open", Name: fmt.Sprintf("post-%d", p), Status: "publish", Type: "post",
			Terms: []ItemTerm{{Category, fmt.Sprintf("cat-%d", p%40), "Category"}, {PostTag, fmt.Sprintf("tag-%d", p%200), "Tag"}, {PostTag, fmt.Sprintf("tag-%d", (p*7)%200), "Tag"}},
			Meta:  []Meta{{"_edit_last", "1"}, {"_thumbnail_id", "0"}, {"_quire_markdown", sentence(20)}},
		}
		// Comments are uneven: most posts have a few, some have many.
		n := comments / posts
		if p%10 == 0 {
			n *= 3
		} else if p%10 < 4 {
			n /= 2
		}
		n = min(n, left)
		if p == posts-1 {
			n = left
		}
		left -= n
		for c := range n {
			commentID++
			cm := Comment{ID: commentID, Author: "Reader " + sentence(2), AuthorEmail: fmt.Sprintf("r%d@example.net", commentID),
				AuthorURL: "https://reader.example.net/?a=1&b=2", AuthorIP: "203.0.113.9", Date: "2015-01-12 09:00:00", DateGMT: "2015-01-12 14:00:00",
				Content: sentence(10+rng.IntN(40)) + "\n\n" + sentence(10), Approved: Approved, Type: TypeComment}
			switch {
			case c > 0 && rng.IntN(3) == 0:
				cm.Parent = commentID - 1 - int64(rng.IntN(c))
			case c%17 == 5:
				cm.Type = TypePingback
			case c%23 == 7:
				cm.Approved = Spam
			}
			it.Comments = append(it.Comments, cm)
		}
		if err := wr.WriteItem(it); err != nil {
			return err
		}
	}
	return wr.Close()
}

var large struct {
	once sync.Once
	path string
	err  error
}

// largeExport is a generated export of 10,000 posts and 100,000 comments,
// written once per test binary.
func largeExport(tb testing.TB) string {
	large.once.Do(func() {
		dir, err := os.MkdirTemp("", "quire-wxr-bench-")
		if err != nil {
			large.err = err
			return
		}
		large.path = filepath.Join(dir, "large.xml")
		large.err = writeExport(large.path, 10000, 100000)
	})
	if large.err != nil {
		tb.Fatal(large.err)
	}
	return large.path
}

func writeExport(path string, posts, comments int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := generate(bw, posts, comments); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if large.path != "" {
		os.RemoveAll(filepath.Dir(large.path))
	}
	os.Exit(code)
}

// peakMemory samples the runtime's memory while it runs: the heap's
// objects (live and not yet swept) and all the memory the runtime holds
// from the system, the process's size as far as Go knows it.
type peakMemory struct {
	heap, total atomic.Uint64
	stop        chan struct{}
	done        chan struct{}
}

func watchMemory() *peakMemory {
	runtime.GC()
	p := &peakMemory{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	go func() {
		defer close(p.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			heap := samples[0].Value.Uint64()
			total := samples[1].Value.Uint64() - samples[2].Value.Uint64()
			if heap > p.heap.Load() {
				p.heap.Store(heap)
			}
			if total > p.total.Load() {
				p.total.Store(total)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMemory) end() (heap, total uint64) {
	close(p.stop)
	<-p.done
	return p.heap.Load(), p.total.Load()
}

func countEntries(path string) (posts, comments int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	rd := NewReader(f)
	for e, err := range rd.All() {
		if err != nil {
			return 0, 0, err
		}
		if it, ok := e.(*Item); ok {
			posts++
			comments += len(it.Comments)
		}
	}
	return posts, comments, nil
}

// BenchmarkReadLargeExport reads a generated export of 10,000 posts and
// 100,000 comments and reports the peak memory while reading it. Run with
// -benchtime=1x: go test -run '^$' -bench ReadLargeExport -benchtime=1x ./internal/wxr
func BenchmarkReadLargeExport(b *testing.B) {
	path := largeExport(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var heap, total uint64
	for b.Loop() {
		mem := watchMemory()
		posts, comments, err := countEntries(path)
		h, t := mem.end()
		heap, total = max(heap, h), max(total, t)
		if err != nil {
			b.Fatal(err)
		}
		if posts != 10000 || comments != 100000 {
			b.Fatalf("read %d posts and %d comments", posts, comments)
		}
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(total)/(1<<20), "peak-runtime-MB")
}

// BenchmarkWriteLargeExport writes the same export to io.Discard.
func BenchmarkWriteLargeExport(b *testing.B) {
	var n countWriter
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if err := generate(&n, 10000, 100000); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(n))
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// TestReadingStreams: reading an export holds one entry, not the file: the
// heap stays far below the size of the file. (The benchmark measures the
// full 10,000-post, 100,000-comment file.)
func TestReadingStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 30 MB file")
	}
	path := filepath.Join(t.TempDir(), "export.xml")
	if err := writeExport(path, 2000, 20000); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// The collector runs at 10 % growth here, so the peak heap is what the
	// reader keeps, not garbage a busy machine's collector had no time to
	// free (with the default 100 %, a loaded CI machine doubled it).
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	mem := watchMemory()
	posts, comments, err := countEntries(path)
	heap, _ := mem.end()
	if err != nil {
		t.Fatal(err)
	}
	if posts != 2000 || comments != 20000 {
		t.Fatalf("read %d posts and %d comments", posts, comments)
	}
	t.Logf("a %.1f MB file read with a peak heap of %.1f MB", float64(st.Size())/(1<<20), float64(heap)/(1<<20))
	if st.Size() < 25<<20 {
		t.Fatalf("the file is only %d bytes: too small to tell streaming from holding it", st.Size())
	}
	if limit := uint64(st.Size() / 2); heap > limit {
		t.Errorf("peak heap %d bytes reading a %d-byte file: is the reader holding the file?", heap, st.Size())
	}
}
