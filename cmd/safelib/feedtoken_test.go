package main

import (
	"strings"
	"testing"
)

func TestFeedTokenCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SAFELIB_PASSWORD", "a long enough password")
	if _, err := run(t, dir, "user", "add", "ann@example.org", "--role", "member", "--expires", "2999-01-01"); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, "feed-token", "create", "ANN@example.org", "--base-url", "https://lib.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	addr := lines[len(lines)-1]
	if !strings.HasPrefix(addr, "https://lib.example.org/feed.atom?token=slf_") || len(addr) != len("https://lib.example.org/feed.atom?token=slf_")+43 {
		t.Fatalf("address %q", addr)
	}
	steps := []struct {
		args []string
		want string // in stdout; "!" prefix: in the error instead
	}{
		{[]string{"feed-token", "list"}, "ann@example.org"},
		{[]string{"feed-token", "create", "nobody@example.org"}, "!not found"},
		{[]string{"feed-token", "revoke", "ann@example.org"}, "revoked 1 private feed address(es)"},
		{[]string{"feed-token", "revoke", "ann@example.org"}, "revoked 0"},
		{[]string{"audit", "--action", "feed_token."}, "feed_token.revoke"},
	}
	for _, s := range steps {
		out, err := run(t, dir, s.args...)
		if strings.HasPrefix(s.want, "!") {
			if err == nil || !strings.Contains(err.Error(), s.want[1:]) {
				t.Fatalf("%v: want error %q, got %v (out %q)", s.args, s.want[1:], err, out)
			}
			continue
		}
		if err != nil || !strings.Contains(out, s.want) {
			t.Fatalf("%v: want %q in %q (err %v)", s.args, s.want, out, err)
		}
	}
}
