package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// run executes the command line with args against dir and returns stdout.
func run(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(append([]string{"--data", dir, "--log-level", "error"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestUserAndTokenCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SAFELIB_PASSWORD", "short")
	if _, err := run(t, dir, "user", "add", "chair@example.org", "--role", "admin"); err == nil ||
		!strings.Contains(err.Error(), "at least 10 characters") {
		t.Fatalf("short password: %v", err)
	}
	t.Setenv("SAFELIB_PASSWORD", "a long enough password")
	steps := []struct {
		args []string
		want string // in stdout; "!" prefix: in the error instead
	}{
		{[]string{"user", "add", "Chair@Example.org", "--role", "admin"}, "added chair@example.org (admin)"},
		{[]string{"user", "add", "chair@example.org", "--role", "staff"}, "!conflict"},
		{[]string{"user", "add", "ann@example.org", "--role", "member"}, "!a member needs a membership end date"},
		{[]string{"user", "add", "ann@example.org", "--role", "member", "--expires", "2020-04-30"}, "membership ends 2020-04-30"},
		{[]string{"org", "add", "Northshire LSCP", "--expires", "2999-04-30"}, "added Northshire LSCP"},
		{[]string{"user", "add", "bob@example.org", "--role", "member", "--org", "northshire lscp", "--no-password",
			"--base-url", "https://lib.example.org"}, "https://lib.example.org/reset?token="},
		{[]string{"user", "add", "sam@example.org", "--role", "staff"}, "added sam@example.org (staff)"},
		{[]string{"user", "list", "--lapsed"}, "ann@example.org"},
		{[]string{"user", "set", "ann@example.org", "--expires", "2999-04-30", "--role", "member"}, "membership ends 2999-04-30"},
		{[]string{"user", "set", "chair@example.org", "--disable"}, "!last admin"},
		{[]string{"user", "set", "sam@example.org"}, "!nothing to change"},
		{[]string{"user", "set", "sam@example.org", "--new-password"}, "sam@example.org: staff"},
		{[]string{"user", "set", "sam@example.org", "--disable"}, "disabled"},
		{[]string{"user", "reset", "nobody@example.org"}, "!not found"},
		{[]string{"user", "logout", "ann@example.org"}, "ended 0 sessions"},
		{[]string{"token", "list"}, "ID"},
		{[]string{"token", "revoke", "99"}, "!not found"},
		{[]string{"token", "revoke", "x"}, "!want a number"},
		{[]string{"audit", "--action", "user."}, "user.disable"},
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
	out, err := run(t, dir, "user", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bob@example.org    member  2999-04-30  Northshire LSCP  active", "sam@example.org", "disabled"} {
		if !strings.Contains(out, want) {
			t.Fatalf("list lacks %q:\n%s", want, out)
		}
	}

	out, err = run(t, dir, "token", "create", "ann@example.org", "--name", "feeds")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := lines[len(lines)-1]
	if !strings.HasPrefix(tok, "slb_") || len(tok) != 47 {
		t.Fatalf("token line %q", tok)
	}
	out, _ = run(t, dir, "token", "list", "ann@example.org")
	if !strings.Contains(out, "feeds") || strings.Contains(out, tok) {
		t.Fatalf("token list:\n%s", out)
	}
	if out, err := run(t, dir, "token", "revoke", "1"); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
}

func TestServeRefusesBadIndexWorkers(t *testing.T) {
	for _, v := range []string{"0", "-2"} {
		if _, err := run(t, t.TempDir(), "serve", "--addr", "127.0.0.1:0", "--index-workers", v); err == nil ||
			!strings.Contains(err.Error(), "--index-workers "+v+": want at least 1") {
			t.Errorf("--index-workers %s: %v", v, err)
		}
	}
}
