package main

import (
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// issueSender returns the sending engine for a command that starts
// sending a newsletter issue (quire newsletter send, quire post publish
// with email: true). It writes its deliveries, batches and their jobs in
// the command's transaction through ins; the serving process works them
// and builds each message with its own base URL and mail domain: this
// engine only enqueues, so it needs no mail sender nor composer.
func issueSender(st *store.Store, s *site.Site, ins *jobs.Inserter) newsletter.Sender {
	return &deliver.Engine{Store: st, Site: s, Jobs: ins}
}
