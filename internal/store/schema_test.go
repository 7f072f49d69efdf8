package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawExec runs statements on the database file directly, as an older or
// newer binary would have left it.
func rawExec(t *testing.T, file string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func backups(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, migrationBackupPrefix+"*.db"))
	return names
}

// An older schema is migrated after a backup beside it; a newer one is
// refused, naming the version that made it; a new database needs no
// backup.
func TestSchemaVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "safelib.db")
	st, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if st.MigrationBackup() != "" || len(backups(t, dir)) != 0 {
		t.Fatal("a new database was backed up")
	}
	if _, err := st.db.Exec(`INSERT INTO organisations (name, membership_expires, created, updated) VALUES ('Kept', '2099-01-01', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// As an older binary left it: without the latest migration.
	rawExec(t, file, `DROP INDEX resources_hit`, `DELETE FROM schema_migrations WHERE version = 50`)
	st, err = Open(ctx, file)
	if err != nil {
		t.Fatalf("older schema: %v", err)
	}
	b := st.MigrationBackup()
	if b == "" || len(backups(t, dir)) != 1 {
		t.Fatalf("no backup before migrating: %q %v", b, backups(t, dir))
	}
	st.Close()
	// The backup is the database as it was: migration 50 not applied, data there.
	db, err := sql.Open("sqlite", "file:"+b+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var n50, orgs int
	db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 50`).Scan(&n50)
	db.QueryRow(`SELECT count(*) FROM organisations WHERE name = 'Kept'`).Scan(&orgs)
	db.Close()
	if n50 != 0 || orgs != 1 {
		t.Fatalf("backup: migration 50 rows %d, organisations %d", n50, orgs)
	}
	// The next start migrates nothing, makes no copy; serve then drops the old one.
	st, err = Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if st.MigrationBackup() != "" {
		t.Fatal("backed up with nothing to migrate")
	}
	st.Close()
	if removed, err := RemoveMigrationBackups(dir, ""); err != nil || len(removed) != 1 || len(backups(t, dir)) != 0 {
		t.Fatalf("remove backups: %v %v", removed, err)
	}

	// As a newer binary left it.
	rawExec(t, file, `INSERT INTO schema_migrations (version, name, applied) VALUES (9999, '9999_future.sql', '2030-01-01')`,
		`INSERT INTO schema_binaries (version, binary) VALUES (9999, 'v9.9.9 (commit abc, built 2030-01-01)')`)
	_, err = Open(ctx, file)
	if !errors.Is(err, ErrSchemaNewer) || !strings.Contains(err.Error(), "v9.9.9") || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("newer schema: %v", err)
	}
	if len(backups(t, dir)) != 0 {
		t.Fatal("a refused database was copied")
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
}
