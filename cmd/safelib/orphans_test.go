package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safelib/internal/library"
)

// TestVerifyRemovesOrphans: a blob a crash left (written whole under its
// hash, as an upload does before its row commits) is reported by verify
// and removed by verify --remove-orphans once over an hour old; a recent
// orphan is kept, and so is every file a version names, so the library
// exports and verifies exactly as before.
func TestVerifyRemovesOrphans(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	data := heldLibrary(t)
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--data", data, "--log-level", "error")...).Output()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	before := run("export", "--format", "jsonl")
	files := filepath.Join(data, "files")
	crashLeft := func(content []byte, age time.Duration) string {
		sum := sha256.Sum256(content)
		name := hex.EncodeToString(sum[:])
		p := filepath.Join(files, name[:2], name)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o640); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
		return name
	}
	old := crashLeft(fixture(t, "policy.odt"), 3*time.Hour)
	recent := crashLeft(fixture(t, "figures.xlsx"), time.Minute)

	type report struct {
		library.Consistency
		Removed []library.RemovedBlob `json:"files_removed"`
	}
	var rep report
	if err := json.Unmarshal([]byte(run("verify")), &rep); err != nil || rep.Orphans != 2 || rep.Removed != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	rep = report{}
	if err := json.Unmarshal([]byte(run("verify", "--remove-orphans")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 1 || rep.Removed[0].SHA256 != old || rep.Removed[0].Size != int64(len(fixture(t, "policy.odt"))) ||
		rep.Orphans != 1 || rep.Files != 4 || !rep.OK() {
		t.Fatalf("verify --remove-orphans: %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(files, old[:2], old)); !os.IsNotExist(err) {
		t.Fatalf("the old orphan is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(files, recent[:2], recent)); err != nil {
		t.Fatalf("the recent orphan was removed: %v", err)
	}
	if after := run("export", "--format", "jsonl"); after != before {
		t.Fatalf("the library changed:\n%s\nwant\n%s", after, before)
	}
	// Nothing more to remove: the answer says so with an empty list.
	if out := run("verify", "--remove-orphans"); !strings.Contains(out, `"files_removed": []`) {
		t.Fatalf("second run: %s", out)
	}
}
