package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

// ErrNotEmpty is returned when a restore's data directory holds anything.
var ErrNotEmpty = errors.New("data directory not empty")

// RestoreInto restores a backup (made by store.Backup or BackupFile) into
// dir, which must be missing or empty: a restore never overwrites a
// library. The database is checked (integrity_check) and copied, then the
// directory is opened as serve would, which builds the search index from
// it. The caller closes the returned handle.
func RestoreInto(ctx context.Context, dir, backupFile string, tax *taxonomy.Taxonomy, log *slog.Logger,
	progress func(done, total int)) (*Handle, *store.BackupInfo, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, nil, fmt.Errorf("%w: %s holds %d entries; restore into a new or empty directory", ErrNotEmpty, dir, len(entries))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("restore: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, nil, err
	}
	info, err := store.RestoreFile(ctx, backupFile, filepath.Join(dir, "safelib.db"))
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	lock.Close()
	if err != nil {
		return nil, nil, err
	}
	if err := restoreFiles(ctx, dir, backupFile); err != nil {
		return nil, nil, err
	}
	// The index directory is missing, so Open creates it and indexes every
	// active resource from the restored database.
	h, err := Open(ctx, dir, tax, log, OpenOptions{Progress: progress})
	if err != nil {
		return nil, nil, err
	}
	return h, info, nil
}
