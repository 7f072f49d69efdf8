package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
	"safelib/internal/taxonomy"
)

// fixture reads a LibreOffice-made document (internal/extract/testdata/office).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	p := filepath.Join("..", "..", "internal", "extract", "testdata", "office", name)
	if strings.HasSuffix(name, ".pdf") {
		p = filepath.Join("..", "..", "internal", "library", "testdata", "upload", name)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// heldLibrary makes a data directory holding uploaded files: one item with
// three versions (the second withdrawn), one members-only.
func heldLibrary(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	data := t.TempDir()
	h, err := library.Open(ctx, data, taxonomy.Default(), nil, library.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	staff := catalog.Reader{UserID: 1, Email: "staff@example.org", Role: catalog.RoleStaff, Members: true}
	up := func(name string) library.Upload {
		return library.Upload{Name: name, Data: bytes.NewReader(fixture(t, name))}
	}
	r, err := h.UploadResource(ctx, staff, &catalog.Resource{Title: "Exploitation briefing", Access: catalog.Members}, up("briefing.pptx"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.AddFileVersion(ctx, staff, r.ID, up("briefing.pdf"), "", "2016-11-17"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AddFileVersion(ctx, staff, r.ID, up("briefing.odp"), "V3 17/11/2016", ""); err != nil {
		t.Fatal(err)
	}
	// Version 2 withdrawn: its row and bytes stay, and travel.
	if _, err := h.WithdrawFileVersion(ctx, staff, r.ID, 2, "superseded"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.UploadResource(ctx, staff, &catalog.Resource{Type: "local-policy"}, up("policy.docx")); err != nil {
		t.Fatal(err)
	}
	return data
}

// TestFilesRoundTrips: backup and restore, and export and import, carry
// the held files, so the copy exports exactly as the original and verify
// finds every file with its hash; a file missing from the backup fails
// the restore, naming it.
func TestFilesRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	src := heldLibrary(t)
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--log-level", "error")...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	want := run("export", "--data", src, "--format", "jsonl")
	if !strings.Contains(want, `"versions":[{"label":"V1 `) || strings.Count(want, `"sha256"`) != 6 || strings.Count(want, `"withdrawn":"`) != 1 {
		t.Fatalf("export does not name the files:\n%s", want)
	}
	check := func(name, data string) {
		t.Helper()
		if got := run("export", "--data", data, "--format", "jsonl"); got != want {
			t.Fatalf("%s: exports differently:\n%s\nwant\n%s", name, got, want)
		}
		var rep library.Consistency
		if err := json.Unmarshal([]byte(run("verify", "--data", data)), &rep); err != nil || !rep.OK() || rep.Files != 4 {
			t.Fatalf("%s: verify %+v %v", name, rep, err)
		}
	}

	backup := filepath.Join(t.TempDir(), "snap.db")
	if out := run("backup", "--data", src, backup); !strings.Contains(out, "4 held files") {
		t.Fatalf("backup: %s", out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	run("restore", "--data", restored, backup)
	check("restore", restored)

	file := filepath.Join(t.TempDir(), "all.jsonl")
	run("export", "--data", src, "--format", "jsonl", "-o", file)
	imported := filepath.Join(t.TempDir(), "imported")
	if out := run("import", "--data", imported, file); !strings.Contains(out, "2 new, 0 updated, 0 unchanged, 0 rejected") {
		t.Fatalf("import: %s", out)
	}
	check("import", imported)
	if again := run("import", "--data", imported, file); !strings.Contains(again, "0 new, 0 updated") {
		t.Fatalf("re-import: %s", again)
	}
	check("re-import", imported)

	// A backup whose files directory lost one: the restore says so.
	names, _ := os.ReadDir(library.FilesDirOf(backup))
	os.Remove(filepath.Join(library.FilesDirOf(backup), names[0].Name()))
	out, err := exec.Command(bin, "restore", "--data", filepath.Join(t.TempDir(), "r2"), backup, "--log-level", "error").CombinedOutput()
	if err == nil || !strings.Contains(string(out), names[0].Name()) {
		t.Fatalf("restore without a file: %v\n%s", err, out)
	}
	// An import whose files are missing rejects those lines.
	os.RemoveAll(library.FilesDirOf(file))
	os.MkdirAll(library.FilesDirOf(file), 0o750)
	out, _ = exec.Command(bin, "import", "--data", filepath.Join(t.TempDir(), "i2"), file, "--log-level", "error").CombinedOutput()
	if !strings.Contains(string(out), "2 rejected") || !strings.Contains(string(out), "is not in") {
		t.Fatalf("import without files: %s", out)
	}
}
