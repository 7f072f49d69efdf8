package main

import (
	"context"
	"fmt"
	"math/rand"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"

	"safelib/internal/mail"
	"safelib/internal/mail/mailtest"
	"safelib/internal/store"
)

func TestMailTestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	ts := mailtest.Start(t, mailtest.Options{Fault: func(_ int, to []string) error {
		if to[0] == "gone@example.org" {
			return mailtest.Perm
		}
		return nil
	}})
	out, err := exec.Command(bin, "mail", "test", "ann@example.org", "--smtp-url", "smtp://"+ts.Addr,
		"--mail-from", "Library <lib@example.org>").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "accepted the message to ann@example.org") {
		t.Fatalf("mail test: %v\n%s", err, out)
	}
	ms := ts.Messages()
	if len(ms) != 1 || ms[0].To[0] != "ann@example.org" || ms[0].From != "lib@example.org" ||
		!strings.Contains(mailtest.Part(ms[0], "text/plain"), "email works") || !strings.Contains(mailtest.Part(ms[0], "text/html"), "email works") {
		t.Fatalf("received %+v", ms)
	}
	out, err = exec.Command(bin, "mail", "test", "gone@example.org", "--smtp-url", "smtp://"+ts.Addr).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "No such user here") {
		t.Fatalf("refused: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "mail", "test", "ann@example.org").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--smtp-url") {
		t.Fatalf("without a server: %v\n%s", err, out)
	}
}

// TestKillServeWhileSending kills serve with SIGKILL while its sender
// drains the outbox, several times, then lets it finish. Every queued
// message arrives, and a message arrives twice only when the restart logged
// it as the one that was with the server when the process died.
func TestKillServeWhileSending(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(data, "safelib.db"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	ids := map[string]bool{}
	for i := range n {
		m := &catalog.OutMail{Kind: "test", To: fmt.Sprintf("m%02d@example.org", i), Subject: "Hello",
			Text: "hi", MessageID: mail.NewMessageID("lib@example.org")}
		ids["<"+m.MessageID+">"] = true
		if err := st.QueueMail(context.Background(), time.Now(), m); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	ts := mailtest.Start(t, mailtest.Options{Delay: 15 * time.Millisecond})
	args := []string{"--smtp-url", "smtp://" + ts.Addr, "--mail-rate", "0"}
	rng := rand.New(rand.NewSource(11))
	var logs strings.Builder
	for i := 0; i < 6 && len(ts.Messages()) < n; i++ {
		r := startServe(t, bin, data, args...)
		time.Sleep(time.Duration(50+rng.Intn(250)) * time.Millisecond)
		r.kill()
		logs.WriteString(r.out.String())
	}
	r := startServe(t, bin, data, args...)
	// Every message, counted once: a logged repeat makes the count reach
	// n before the last message arrives.
	got := ts.WaitUntil(t, func(ms []mailtest.Message) bool {
		arrived := map[string]bool{}
		for _, m := range ms {
			arrived[m.Header.Get("Message-Id")] = true
		}
		return len(arrived) >= n
	}, 60*time.Second)
	r.kill()
	logs.WriteString(r.out.String())
	seen := map[string]int{}
	for _, m := range got {
		seen[m.Header.Get("Message-Id")]++
	}
	for id := range ids {
		if seen[id] == 0 {
			t.Errorf("%s never arrived", id)
		}
	}
	repeats := 0
	for id, c := range seen {
		if !ids[id] {
			t.Errorf("unknown message %s", id)
		}
		if c > 1 {
			repeats++
			if strings.Count(logs.String(), strings.Trim(id, "<>")) < c-1 {
				t.Errorf("%s arrived %d times; the logs don't explain it", id, c)
			}
		}
	}
	t.Logf("%d messages, %d kills, %d repeats (each logged)", len(got), 6, repeats)
}

func TestServeWithoutSMTPSaysSo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	r := startServe(t, bin, t.TempDir())
	r.kill()
	if !strings.Contains(r.out.String(), "no --smtp-url: email is not sent") {
		t.Fatalf("serve's log:\n%s", r.out)
	}
}

// TestUserAddInvite: `user add --invite` queues the invitation in the
// data directory; serve sends it once started with --smtp-url.
func TestUserAddInvite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	out, err := exec.Command(bin, "user", "add", "cat@example.org", "--role", "member", "--expires", "2030-04-30",
		"--invite", "--data", data, "--base-url", "https://library.example.org", "--log-level", "warn").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "invitation to cat@example.org queued") {
		t.Fatalf("user add --invite: %v\n%s", err, out)
	}
	ts := mailtest.Start(t, mailtest.Options{})
	r := startServe(t, bin, data, "--smtp-url", "smtp://"+ts.Addr)
	ms := ts.Wait(t, 1, 30*time.Second)
	r.kill()
	text := mailtest.Part(ms[0], "text/plain")
	if ms[0].To[0] != "cat@example.org" || !strings.Contains(text, "https://library.example.org/reset?token=") {
		t.Fatalf("invitation: %v\n%s", ms[0].To, text)
	}
}
