// Package store is the SQLite source of truth: it owns the schema (embedded,
// numbered migrations) and every SQL statement of the project. It knows
// nothing of HTTP, Bleve or access rules; callers pass what to read.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"safelib/internal/version"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store wraps the database handle.
type Store struct {
	db *sql.DB
	// migrationBackup is the copy made before this Open migrated.
	migrationBackup string
	prepared        prepared      // statements kept (prepared.go)
	cache           resourceCache // hits without texts (hitcache.go)
}

// Open opens (creating if needed) the database at file and applies pending
// migrations. file may be ":memory:" only through OpenMemory.
func Open(ctx context.Context, file string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)",
		"synchronous(NORMAL)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", file, err)
	}
	// Keep connections open: opening an SQLite connection costs ~0.5 ms,
	// which every concurrent request would pay with database/sql's
	// default of two idle connections.
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db}
	if err := s.migrate(ctx, file); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", file, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return errors.Join(s.closePrepared(), s.db.Close()) }

// Ping checks the database answers, for health checks.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// ErrSchemaNewer is returned by Open for a database migrated by a newer
// safelib than this binary: opening it could misread or damage it.
var ErrSchemaNewer = errors.New("the database was migrated by a newer safelib")

// migrationBackupPrefix names the copies of the database made before
// migrating (in the data directory, beside it).
const migrationBackupPrefix = "safelib-pre-migration-"

// MigrationBackup is the copy of the database this Open made before
// migrating it ("" when nothing was migrated, or the database was new).
func (s *Store) MigrationBackup() string { return s.migrationBackup }

// RemoveMigrationBackups deletes the pre-migration copies in dir but keep
// (serve calls it once it has started: a start that works shows the
// migrated database is good).
func RemoveMigrationBackups(dir, keep string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, migrationBackupPrefix+"*.db"))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, n := range names {
		if n == keep {
			continue
		}
		if err := os.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

func (s *Store) migrate(ctx context.Context, file string) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)`); err != nil {
		return err
	}
	// Which binary applied each migration, so a newer schema can be named.
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_binaries (
		version INTEGER PRIMARY KEY, binary TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	type migration struct {
		n    int
		base string
	}
	var all []migration
	known := 0
	for _, name := range names {
		base := path.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		all = append(all, migration{n, base})
		known = max(known, n)
	}
	var newest sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if newest.Valid && int(newest.Int64) > known {
		by := "a version that did not record itself"
		var b string
		if err := s.db.QueryRowContext(ctx, `SELECT binary FROM schema_binaries WHERE version = ?`, newest.Int64).Scan(&b); err == nil {
			by = b
		}
		return fmt.Errorf("%w: its schema is version %d, made by safelib %s; this safelib (%s) knows schema versions up to %d. Run that version or a newer one (or restore the backup taken before the upgrade)",
			ErrSchemaNewer, newest.Int64, by, version.String(), known)
	}
	applied := map[int]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		applied[n] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	pending := 0
	for _, m := range all {
		if !applied[m.n] {
			pending++
		}
	}
	// An existing database about to change is copied first, consistently
	// (VACUUM INTO), beside itself: an upgrade gone wrong can be undone by
	// putting the copy back and running the old binary.
	if pending > 0 && newest.Valid && file != "" {
		name := filepath.Join(filepath.Dir(file), fmt.Sprintf("%s%s-schema-%d.db", migrationBackupPrefix,
			time.Now().UTC().Format("20060102T150405Z"), newest.Int64))
		if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, name); err != nil {
			return fmt.Errorf("back up the database before migrating it to %s: %w", name, err)
		}
		s.migrationBackup = name
	}
	for _, m := range all {
		if applied[m.n] {
			continue
		}
		body, err := migrations.ReadFile("migrations/" + m.base)
		if err != nil {
			return err
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var done int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.n).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("apply %s: %w", m.base, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
				m.n, m.base, now()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO schema_binaries (version, binary) VALUES (?, ?)`,
				m.n, version.String())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}

const timeLayout = time.RFC3339Nano

func now() string { return time.Now().UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}
