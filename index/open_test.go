package index

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenPersists(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Batch(fixture, nil); err != nil {
		t.Fatal(err)
	}
	if ix.DiskSize() <= 0 {
		t.Fatal("no disk size")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{Synonyms: testSynonyms})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.Count()
	if err != nil || n != uint64(len(fixture)) {
		t.Fatalf("count %d, %v", n, err)
	}
	res, err := ix.Search(context.Background(), Request{Q: "cse"})
	if err != nil || res.Total != 2 {
		t.Fatalf("after reopen: %v, %v", res, err)
	}
}

func TestOpenEmptyDirCreates(t *testing.T) {
	dir := t.TempDir() // exists, empty
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = ix.Close()
}

func TestOpenNeedsRebuild(t *testing.T) {
	t.Run("older mapping version", func(t *testing.T) {
		dir := t.TempDir()
		ix, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.bi.SetInternal(versionKey, []byte("0")); err != nil {
			t.Fatal(err)
		}
		_ = ix.Close()
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrNeedsRebuild) {
			t.Fatalf("error %v, want ErrNeedsRebuild", err)
		}
	})
	t.Run("no version", func(t *testing.T) {
		dir := t.TempDir()
		ix, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.bi.DeleteInternal(versionKey); err != nil {
			t.Fatal(err)
		}
		_ = ix.Close()
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrNeedsRebuild) {
			t.Fatalf("error %v, want ErrNeedsRebuild", err)
		}
	})
	t.Run("corrupt meta", func(t *testing.T) {
		dir := t.TempDir()
		ix, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_ = ix.Close()
		if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrNeedsRebuild) {
			t.Fatalf("error %v, want ErrNeedsRebuild", err)
		}
	})
	t.Run("not an index", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrNeedsRebuild) {
			t.Fatalf("error %v, want ErrNeedsRebuild", err)
		}
	})
}

// lockHelperEnv makes the test binary, run as a subprocess, hold an index
// open until its stdin closes.
const lockHelperEnv = "SAFELIB_INDEX_LOCK_HELPER"

func TestLockHelper(t *testing.T) {
	dir := os.Getenv(lockHelperEnv)
	if dir == "" {
		t.Skip("helper for TestOpenLocked")
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("open\n")
	buf := make([]byte, 1)
	_, _ = os.Stdin.Read(buf) // wait until the parent closes stdin
	_ = ix.Close()
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = ix.Close()

	t.Run("same process", func(t *testing.T) {
		first, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer first.Close()
		start := time.Now()
		_, err = Open(dir, Options{LockTimeout: 200 * time.Millisecond})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("error %v, want ErrLocked", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})

	t.Run("other process", func(t *testing.T) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
		cmd.Env = append(os.Environ(), lockHelperEnv+"="+dir)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = stdin.Close()
			_ = cmd.Wait()
		}()
		buf := make([]byte, 5)
		if _, err := stdout.Read(buf); err != nil || string(buf) != "open\n" {
			t.Fatalf("helper did not open the index: %q %v", buf, err)
		}
		out.Write(buf)
		start := time.Now()
		_, err = Open(dir, Options{LockTimeout: 200 * time.Millisecond})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("error %v, want ErrLocked", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
		_ = stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
		// Released: opens again.
		ix, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		_ = ix.Close()
	})
}
