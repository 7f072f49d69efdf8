package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/mail/mailtest"
	"safelib/internal/store"
)

// TestDigestsOverSMTP runs serve against a real SMTP server in the test:
// digest-daily sends one email per member combining their alerts, with
// both parts, RFC 8058 headers and signed links; a lapsed member's email
// holds no word of a members-only summary or text; a kill -9 and restart
// send nothing twice; the one-click POST from the email ends the alert
// without sign-in, and a GET of it ends nothing.
func TestDigestsOverSMTP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	ctx := context.Background()

	// Accounts and alerts first, then the items they will hear about.
	st, err := store.Open(ctx, filepath.Join(data, "safelib.db"))
	if err != nil {
		t.Fatal(err)
	}
	p := auth.TestParams
	au := auth.New(st, auth.Options{Params: &p})
	if _, err := au.AddOrganisation(ctx, auth.System, "Northshire LSCP", "2099-03-31"); err != nil {
		t.Fatal(err)
	}
	readers := []auth.NewUser{
		{Email: "member@example.org", Role: catalog.RoleMember, Expires: "2099-01-01"},
		{Email: "lapsed@example.org", Role: catalog.RoleMember, Expires: "2020-01-01"},
		{Email: "org@example.org", Role: catalog.RoleMember, Org: "Northshire LSCP"},
		{Email: "staff@example.org", Role: catalog.RoleStaff},
	}
	for _, nu := range readers {
		u, err := au.AddUser(ctx, auth.System, nu)
		if err != nil {
			t.Fatal(err)
		}
		for _, search := range []string{"q=neglect", "type=briefing"} {
			if err := st.CreateAlert(ctx, &catalog.Alert{UserID: u.ID, Search: search, Cadence: catalog.Daily}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := au.AddUser(ctx, auth.System, auth.NewUser{Email: "admin@example.org", Role: catalog.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	admin, _, err := au.CreateToken(ctx, auth.System, "admin@example.org", "test")
	if err != nil {
		t.Fatal(err)
	}
	member, _, err := au.CreateToken(ctx, auth.System, "member@example.org", "test")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	items := filepath.Join(t.TempDir(), "items.jsonl")
	if err := os.WriteFile(items, []byte(
		`{"id":"pub-neglect","title":"Neglect in adolescence","publisher":"Ofsted","type":"report","published":"2024-03-12","summary":"Public summary about neglect.","body":"Neglect of teenagers in three areas."}
{"id":"members-neglect","title":"Neglect funding briefing","publisher":"The association","type":"briefing","published":"2024-05","summary":"Zanzibarian summary on neglect.","body":"The quuxification of neglect work.","access":"members"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "import", items, "--data", data, "--log-level", "warn").CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}

	ts := mailtest.Start(t, mailtest.Options{})
	addr := freeAddr(t)
	args := []string{"--smtp-url", "smtp://" + ts.Addr, "--mail-from", "Library <lib@example.org>", "--base-url", "http://" + addr}
	srv := startServeAt(t, bin, data, addr, args...)
	defer func() { srv.kill() }()
	runJob := func(name string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/jobs/"+name, nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %d %s", name, resp.StatusCode, b)
		}
		return strings.TrimSpace(string(b))
	}
	if got := runJob("digest-daily"); got != `{"job":"digest-daily","members":4,"emails":4,"items":8,"skipped":0}` {
		t.Fatalf("digest-daily answered %s", got)
	}
	ts.Wait(t, 4, 30*time.Second)
	// kill -9 right after, then a restart and the same job again: nothing new.
	srv.kill()
	srv = startServeAt(t, bin, data, addr, args...)
	if got := runJob("digest-daily"); got != `{"job":"digest-daily","members":4,"emails":0,"items":0,"skipped":4}` {
		t.Fatalf("after a restart digest-daily answered %s", got)
	}
	var outbox struct {
		Sent, Remaining int
	}
	json.Unmarshal([]byte(runJob("mail-outbox")), &outbox)
	if outbox.Remaining != 0 {
		t.Fatalf("outbox after restart: %+v", outbox)
	}
	// A message with the server when serve was killed goes again (the
	// one logged window): count each Message-Id once.
	byTo := map[string][]mailtest.Message{}
	seen := map[string]bool{}
	for _, m := range ts.Messages() {
		if id := m.Header.Get("Message-Id"); !seen[id] {
			seen[id] = true
			byTo[m.To[0]] = append(byTo[m.To[0]], m)
		}
	}
	var memberUnsub string
	for _, nu := range readers {
		got := byTo[nu.Email]
		if len(got) != 1 {
			t.Fatalf("%s got %d digests", nu.Email, len(got))
		}
		m := got[0]
		text, html := mailtest.Part(m, "text/plain"), mailtest.Part(m, "text/html")
		unsub := m.Header.Get("List-Unsubscribe")
		if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
			!strings.HasPrefix(unsub, "<http://"+addr+"/mail/unsubscribe?token=") || !strings.HasSuffix(unsub, ">") || m.From != "lib@example.org" {
			t.Fatalf("%s: headers %v", nu.Email, m.Header)
		}
		for _, part := range []string{text, html} {
			for _, want := range []string{"Neglect in adolescence", "Neglect funding briefing", "http://" + addr + "/resources/pub-neglect",
				"Public summary about neglect.", "/mail/pause?token=", "/mail/change?token=", "/mail/manage?token=", "Unsubscribe from everything"} {
				if !strings.Contains(part, want) {
					t.Errorf("%s: a part lacks %q", nu.Email, want)
				}
			}
		}
		secret := strings.Contains(text+html, "Zanzibarian") || strings.Contains(text+html, "quuxification")
		if lapsed := nu.Email == "lapsed@example.org"; lapsed == secret {
			t.Errorf("%s: members-only words shown: %v", nu.Email, secret)
		} else if lapsed && (!strings.Contains(text, "Members only") || !strings.Contains(text, "Renew")) {
			t.Errorf("lapsed digest:\n%s", text)
		}
		if nu.Email == "member@example.org" {
			memberUnsub = strings.Trim(unsub, "<>")
		}
	}

	// The one-click link: a GET (a link scanner) ends nothing, the POST
	// from the mail client ends the digest's alerts without sign-in.
	alerts := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.base+"/api/v1/alerts", nil)
		req.Header.Set("Authorization", "Bearer "+member)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var l struct{ Alerts []any }
		json.NewDecoder(resp.Body).Decode(&l)
		return len(l.Alerts)
	}
	resp, err := http.Get(memberUnsub)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !regexp.MustCompile(`<form method="post"`).Match(page) || alerts() != 2 {
		t.Fatalf("GET of the unsubscribe link: %d, %d alerts left\n%s", resp.StatusCode, alerts(), page)
	}
	resp, err = http.Post(memberUnsub, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || alerts() != 0 {
		t.Fatalf("one-click POST: %d, %d alerts left", resp.StatusCode, alerts())
	}
}
