// Command staticserve is the bare Go baseline of make bench: it reads a
// directory into memory when it starts and serves each file's bytes from
// there with net/http, nothing else (no compression, no validators), as
// the fastest a plain Go handler can answer on this machine. make bench
// runs it beside Quire and nginx, serving the same bytes.
package main

import (
	"flag"
	"io/fs"
	"log"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	dir := flag.String("dir", ".", "directory to serve (read once, at start)")
	flag.Parse()
	type file struct {
		data          []byte
		ctype, length []string
	}
	files := map[string]file{}
	err := filepath.WalkDir(*dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(*dir, p)
		urlPath := "/" + filepath.ToSlash(rel)
		ct := mime.TypeByExtension(path.Ext(urlPath))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		f := file{data: b, ctype: []string{ct}, length: []string{strconv.Itoa(len(b))}}
		files[urlPath] = f
		if strings.HasSuffix(urlPath, "/index.html") {
			files[strings.TrimSuffix(urlPath, "index.html")] = f
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h["Content-Type"], h["Content-Length"] = f.ctype, f.length
		_, _ = w.Write(f.data)
	})))
}
