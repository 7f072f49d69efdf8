package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary and kill it with SIGKILL at random
// moments, then check that the next start comes up consistent.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// safelibBin builds cmd/safelib once per test run.
func safelibBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "safelib-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "safelib")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type verifyReport struct {
	Integrity   string `json:"integrity"`
	StoreActive int    `json:"store_active"`
	IndexDocs   int    `json:"index_docs"`
	Missing     int    `json:"missing"`
	Stray       int    `json:"stray"`
	Pending     int    `json:"pending"`
}

// verify runs `safelib verify` and fails the test unless it reports a
// consistent data directory.
func verify(t *testing.T, bin, data string) verifyReport {
	t.Helper()
	cmd := exec.Command(bin, "verify", "--data", data, "--log-level", "error")
	out, err := cmd.Output()
	var rep verifyReport
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("verify output %q: %v (%v)", out, jerr, err)
	}
	if err != nil || rep.Integrity != "ok" || rep.StoreActive != rep.IndexDocs || rep.Missing+rep.Stray+rep.Pending != 0 {
		t.Fatalf("inconsistent after restart: %+v (%v)", rep, err)
	}
	return rep
}

func writeJSONL(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	body := strings.Repeat("Neglect and early help across the partnership. ", 200)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, `{"id":"fault-%05d","title":"Fault test report %d","type":"report","url":"https://example.org/f/%d","body":%q,"themes":["neglect"]}`+"\n",
			i, i, i, body)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "import.jsonl")
	const rows = 3000
	writeJSONL(t, file, rows)
	rng := rand.New(rand.NewSource(7))
	prev := 0
	for i := 0; i < 20; i++ {
		cmd := exec.Command(bin, "import", "--data", data, "--log-level", "error", file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rng.Intn(700)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		rep := verify(t, bin, data)
		// Import writes in transactions of 1,000 rows: a kill never
		// leaves part of one, and a committed one is never lost.
		if rep.StoreActive%1000 != 0 || rep.StoreActive < prev {
			t.Fatalf("kill %d: %d resources (before: %d)", i, rep.StoreActive, prev)
		}
		prev = rep.StoreActive
	}
	out, err := exec.Command(bin, "import", "--data", data, "--log-level", "error", file).CombinedOutput()
	if err != nil {
		t.Fatalf("final import: %v\n%s", err, out)
	}
	if rep := verify(t, bin, data); rep.StoreActive != rows {
		t.Fatalf("after full import: %+v", rep)
	}
}
