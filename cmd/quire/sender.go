package main

import (
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// issueSender returns the sending engine for a command that starts
// sending a newsletter issue (quire newsletter send, quire post publish
// with email: true). It writes its deliveries and jobs in the command's
// transaction through ins; the serving process works them and builds each
// message with its own base URL. Nil while no engine is wired in: a send
// is then refused, and a post's email waits for "Send now" in the admin.
func issueSender(st *store.Store, s *site.Site, ins *jobs.Inserter) newsletter.Sender {
	return nil
}
