// Command staticserve serves a directory over HTTP on loopback. make bench
// runs it beside Quire, serving the same bytes, as the baseline for "served
// pages at least half the static rate".
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	dir := flag.String("dir", ".", "directory to serve")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, http.FileServer(http.Dir(*dir))))
}
