package library

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"safelib/internal/store"
)

// BackupOptions schedule serve's backups.
type BackupOptions struct {
	// Every is the period between snapshots (the first comes one period
	// after the start); 0 turns scheduled backups off.
	Every time.Duration
	// Dir receives the snapshots (created if missing).
	Dir string
	// Keep is how many snapshots are kept; older ones are removed after
	// each successful one.
	Keep int
	// Done, when set, is told each result (metrics).
	Done func(BackupResult)
}

// BackupResult is the outcome of one scheduled backup.
type BackupResult struct {
	At   time.Time
	File string
	// Bytes and Resources describe a snapshot that was written.
	Bytes     int64
	Resources int
	Took      time.Duration
	// Pruned are the old snapshots removed after it.
	Pruned []string
	// Err is why it failed (nil when it worked).
	Err error
}

// backupPrefix and backupLayout name the snapshots by their UTC time, so
// names sort in time order.
const (
	backupPrefix = "safelib-"
	backupLayout = "20060102T150405Z"
)

// lastBackup is the latest scheduled backup's result (LastBackup).
type lastBackup = atomic.Pointer[BackupResult]

// LastBackup is the latest scheduled backup's result, nil before the first.
func (l *Library) LastBackup() *BackupResult { return l.backups.Load() }

// StartBackups runs scheduled backups of the database until ctx ends or
// the returned stop is called (which waits for a backup under way).
func (h *Handle) StartBackups(ctx context.Context, opt BackupOptions) (stop func()) {
	if opt.Every <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	h.log.Info("scheduled backups on", "every", opt.Every, "dir", opt.Dir, "keep", opt.Keep)
	go func() {
		defer close(done)
		t := time.NewTicker(opt.Every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				h.BackupNow(ctx, opt)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// BackupNow writes one snapshot into opt.Dir named by the time, prunes
// to opt.Keep and records the result.
func (h *Handle) BackupNow(ctx context.Context, opt BackupOptions) BackupResult {
	res := BackupResult{At: h.now().UTC()}
	res.File = filepath.Join(opt.Dir, backupPrefix+res.At.Format(backupLayout)+".db")
	if err := os.MkdirAll(opt.Dir, 0o750); err != nil {
		res.Err = fmt.Errorf("backup directory: %w", err)
	} else if info, err := store.BackupFile(ctx, filepath.Join(h.dir, "safelib.db"), res.File); err != nil {
		res.Err = err
	} else if _, _, err := BackupFiles(ctx, h.dir, res.File); err != nil {
		res.Err = err
	} else {
		res.Bytes, res.Resources, res.Took = info.Bytes, info.Resources, info.Took
		res.Pruned, res.Err = pruneBackups(opt.Dir, max(opt.Keep, 1))
		if res.Err != nil {
			res.Err = fmt.Errorf("backed up, but pruning old backups failed: %w", res.Err)
		}
	}
	if res.Err != nil {
		h.log.Error("scheduled backup failed", "file", res.File, "err", res.Err)
	} else {
		h.log.Info("scheduled backup", "file", res.File, "bytes", res.Bytes, "resources", res.Resources,
			"took", res.Took.Round(time.Millisecond).String(), "pruned", len(res.Pruned))
	}
	h.backups.Store(&res)
	if opt.Done != nil {
		opt.Done(res)
	}
	return res
}

// pruneBackups removes all but the newest keep snapshots in dir (only
// files named as StartBackups names them).
func pruneBackups(dir string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		stamp, ok := strings.CutSuffix(strings.TrimPrefix(n, backupPrefix), ".db")
		if !e.Type().IsRegular() || !strings.HasPrefix(n, backupPrefix) || !ok {
			continue
		}
		if _, err := time.Parse(backupLayout, stamp); err != nil {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var removed []string
	for len(names) > keep {
		p := filepath.Join(dir, names[0])
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		if err := os.RemoveAll(FilesDirOf(p)); err != nil {
			return removed, err
		}
		removed = append(removed, p)
		names = names[1:]
	}
	return removed, nil
}
