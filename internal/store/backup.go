package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// BackupInfo describes a backup file.
type BackupInfo struct {
	File      string
	Bytes     int64
	Resources int
	// Migration is the newest schema migration the file holds.
	Migration int
	Took      time.Duration
}

// ErrNotBackup is returned for a file that is not a sound safelib database.
var ErrNotBackup = errors.New("not a safelib database")

// Backup writes a consistent snapshot of the open database to dest.
// See BackupFile.
func (s *Store) Backup(ctx context.Context, dest string) (*BackupInfo, error) {
	return backup(ctx, s.db, dest)
}

// BackupFile writes a consistent snapshot of the database file src to
// dest while other processes (serve) keep reading and writing it. It opens
// src read-only, applies no migrations and takes no data directory lock.
//
// The snapshot is made with VACUUM INTO, which reads the whole database in
// one read transaction: under WAL, writers carry on meanwhile and the
// copy holds exactly the commits made before it started. It goes to a
// temporary file beside dest, is synced and checked (integrity_check),
// and only then renamed to dest, so dest is never half written.
func BackupFile(ctx context.Context, src, dest string) (*BackupInfo, error) {
	if _, err := os.Stat(src); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	db, err := openReadOnly(src)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return backup(ctx, db, dest)
}

func openReadOnly(file string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s read-only: %w", file, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func backup(ctx context.Context, db *sql.DB, dest string) (*BackupInfo, error) {
	start := time.Now()
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("backup: %s is a directory", dest)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(dest), ".safelib-backup-"+hex.EncodeToString(rnd[:])+".tmp")
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return nil, fmt.Errorf("backup: snapshot: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	info, err := CheckBackup(ctx, tmp)
	if err != nil {
		return nil, fmt.Errorf("backup: the snapshot failed its check: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	ok = true
	if d, err := os.Open(filepath.Dir(dest)); err == nil {
		d.Sync()
		d.Close()
	}
	info.File = dest
	info.Took = time.Since(start)
	return info, nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CheckBackup opens file read-only and checks that it is a sound safelib
// database: integrity_check passes and the resources table and migration
// history are there. It returns what the file holds.
func CheckBackup(ctx context.Context, file string) (*BackupInfo, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	db, err := openReadOnly(file)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNotBackup, file, err)
	}
	if verdict != "ok" {
		return nil, fmt.Errorf("%w: %s: integrity check: %s", ErrNotBackup, file, verdict)
	}
	info := &BackupInfo{File: file, Bytes: fi.Size()}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&info.Migration); err != nil {
		return nil, fmt.Errorf("%w: %s: no migration history: %w", ErrNotBackup, file, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM resources`).Scan(&info.Resources); err != nil {
		return nil, fmt.Errorf("%w: %s: no resources table: %w", ErrNotBackup, file, err)
	}
	return info, nil
}

// RestoreFile checks the backup file and copies it to dbFile, which must
// not exist yet (restores go into an empty data directory; the caller
// holds its lock). The copy is written beside dbFile, synced and renamed.
func RestoreFile(ctx context.Context, backupFile, dbFile string) (*BackupInfo, error) {
	info, err := CheckBackup(ctx, backupFile)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dbFile); err == nil {
		return nil, fmt.Errorf("restore: %s already exists", dbFile)
	}
	in, err := os.Open(backupFile)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dbFile), ".restore-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return nil, fmt.Errorf("restore: copy: %w", err)
	}
	if err := out.Sync(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := out.Close(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(out.Name(), dbFile); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	ok = true
	return info, nil
}
