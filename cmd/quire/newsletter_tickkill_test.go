package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/mail/mailtest"
	"github.com/quirehq/quire/internal/site"
)

// TestNewsletterSurvivesKillDuringTick kills a real quire serve process
// (SIGKILL) at a moment its periodic newsletter tick is running, in the
// middle of an issue, and starts it again: the dead tick's job stays
// "running" in River's table, yet the new process's ticks go on, take back
// the killed process's batches once their leases run out, and every
// subscriber ends with exactly one message. (A tick unique by state alone
// was blocked by the dead one for River's rescue hour: the issue stuck
// with the killed batches unsent.)
func TestNewsletterSurvivesKillDuringTick(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": dir}
	st := crashSite(t, env, filepath.Join(dir, "quire.db"))
	// 100 a second: the issue takes 20 seconds, two ticks at least.
	if err := st.SaveSettings(context.Background(), map[string]string{site.KeyNewsletterRate: "100"}); err != nil {
		t.Fatal(err)
	}
	sink := mailtest.Start(t)
	args := []string{"--data", dir, "--smtp-url", sink.URL(), "--mail-from", "tips@example.com"}
	first := startInstances(t, 1, args...)[0]
	is := sendIssue(t, st)
	waitFor(t, "the issue to be under way", func() bool { return sink.Count() >= crashSubscribers/10 })
	// Kill the process while its tick runs.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := st.DB().QueryRowContext(context.Background(),
			"SELECT count(*) FROM river_job WHERE kind = 'newsletter_tick' AND state = 'running'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) || sink.Count() >= crashSubscribers*9/10 {
			t.Fatalf("no tick was seen running while the issue went out (%d sent)", sink.Count())
		}
		time.Sleep(time.Millisecond)
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	before := sink.Count()
	restarted := time.Now()
	startInstances(t, 1, args...)
	waitSent(t, st, is, 2*time.Minute)
	t.Logf("killed during a tick after %d messages; the whole issue was sent %.1f s after the restart",
		before, time.Since(restarted).Seconds())
	checkOnePerSubscriber(t, st, sink, is, 4)
}
