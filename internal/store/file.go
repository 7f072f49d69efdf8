package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// Files the library holds (resource_files, migration 0021). Only the rows
// are here; the bytes are kept by internal/library under the data
// directory, written (and synced) before the row that names them commits.

const fileCols = `version, label, published, name, size, content_type, sha256, added, withdrawn, text_note`

func scanFile(row interface{ Scan(...any) error }) (catalog.File, error) {
	var f catalog.File
	var published, added, withdrawn string
	err := row.Scan(&f.Version, &f.Label, &published, &f.Name, &f.Size, &f.ContentType, &f.SHA256, &added,
		&withdrawn, &f.TextNote)
	f.Published, f.Added = catalog.Date(published), parseTime(added)
	if withdrawn != "" {
		f.Withdrawn = parseTime(withdrawn)
	}
	return f, err
}

// timeOrEmpty writes t for a column where the empty string means none.
func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func insertFile(ctx context.Context, tx *sql.Tx, id string, f *catalog.File) error {
	if f.Added.IsZero() {
		f.Added = parseTime(now())
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO resource_files (resource_id, `+fileCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		id, f.Version, f.Label, string(f.Published), f.Name, f.Size, f.ContentType, f.SHA256,
		f.Added.UTC().Format(timeLayout), timeOrEmpty(f.Withdrawn), f.TextNote)
	if err != nil {
		return fmt.Errorf("file %d of %q: %w", f.Version, id, err)
	}
	return nil
}

// InsertResourceWithFile adds a new resource, its first file (version 1)
// and the audit entry in one transaction: a crash leaves all or none.
func (s *Store) InsertResourceWithFile(ctx context.Context, r *catalog.Resource, f *catalog.File, e *catalog.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertResource(ctx, tx, r); err != nil {
			return err
		}
		f.Version = 1
		if err := insertFile(ctx, tx, r.ID, f); err != nil {
			return err
		}
		return addAuditTx(ctx, tx, e)
	})
}

// AddResourceFile saves r (its text now the new file's, with the version
// check of UpdateResource) and adds f as its next version, with the audit
// entry, in one transaction. f.Version is set to the new number.
func (s *Store) AddResourceFile(ctx context.Context, r *catalog.Resource, f *catalog.File, e *catalog.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := updateResource(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM resource_files WHERE resource_id = ?`,
			r.ID).Scan(&f.Version); err != nil {
			return fmt.Errorf("next file version of %q: %w", r.ID, err)
		}
		if f.Label == "" {
			f.Label = catalog.VersionLabel(f.Version, f.Published, f.Added)
		}
		if err := insertFile(ctx, tx, r.ID, f); err != nil {
			return err
		}
		return addAuditTx(ctx, tx, e)
	})
}

// ResourceFiles returns the files of resource id, oldest version first
// (none for a resource the library does not hold a file of).
func (s *Store) ResourceFiles(ctx context.Context, id string) ([]catalog.File, error) {
	m, err := s.FilesOf(ctx, []string{id})
	return m[id], err
}

// FilesOf returns the files of each of ids that has any, oldest first.
func (s *Store) FilesOf(ctx context.Context, ids []string) (map[string][]catalog.File, error) {
	out := map[string][]catalog.File{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := s.db.QueryContext(ctx, `SELECT resource_id, `+fileCols+` FROM resource_files
			WHERE resource_id IN (`+placeholders(n)+`) ORDER BY resource_id, version`, args...)
		if err != nil {
			return nil, fmt.Errorf("files: %w", err)
		}
		for rows.Next() {
			var id string
			f, err := scanFile(scanPrefix{rows, &id})
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("files: %w", err)
			}
			out[id] = append(out[id], f)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("files: %w", err)
		}
	}
	return out, nil
}

// scanPrefix scans one leading column into id before the file's.
type scanPrefix struct {
	rows *sql.Rows
	id   *string
}

func (p scanPrefix) Scan(dest ...any) error { return p.rows.Scan(append([]any{p.id}, dest...)...) }

// replaceFiles makes files[id] the whole file list of each resource id.
func replaceFiles(ctx context.Context, tx *sql.Tx, files map[string][]catalog.File) error {
	for id, fs := range files {
		if _, err := tx.ExecContext(ctx, `DELETE FROM resource_files WHERE resource_id = ?`, id); err != nil {
			return fmt.Errorf("replace files of %q: %w", id, err)
		}
		for i := range fs {
			if err := insertFile(ctx, tx, id, &fs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// HeldFile is one row of resource_files with the resource it belongs to.
type HeldFile struct {
	ResourceID string
	catalog.File
}

// HeldFiles returns every file row, by resource and version.
func (s *Store) HeldFiles(ctx context.Context) ([]HeldFile, error) {
	return heldFiles(ctx, s.db)
}

// HeldFilesIn returns the file rows of the database file db (a backup),
// opened read-only: resource, version, name, size and hash only.
func HeldFilesIn(ctx context.Context, db string) ([]HeldFile, error) {
	d, err := openReadOnly(db)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'resource_files'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("held files of %s: %w", db, err)
	}
	if n == 0 { // a backup from before files were held
		return nil, nil
	}
	// Only what copying needs, so that a backup from before later
	// columns (0022: withdrawn, text_note) reads too.
	rows, err := d.QueryContext(ctx, `SELECT resource_id, version, name, size, sha256 FROM resource_files ORDER BY resource_id, version`)
	if err != nil {
		return nil, fmt.Errorf("held files of %s: %w", db, err)
	}
	defer rows.Close()
	var out []HeldFile
	for rows.Next() {
		var h HeldFile
		if err := rows.Scan(&h.ResourceID, &h.Version, &h.Name, &h.Size, &h.SHA256); err != nil {
			return nil, fmt.Errorf("held files of %s: %w", db, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func heldFiles(ctx context.Context, db *sql.DB) ([]HeldFile, error) {
	rows, err := db.QueryContext(ctx, `SELECT resource_id, `+fileCols+` FROM resource_files ORDER BY resource_id, version`)
	if err != nil {
		return nil, fmt.Errorf("held files: %w", err)
	}
	defer rows.Close()
	var out []HeldFile
	for rows.Next() {
		var h HeldFile
		if h.File, err = scanFile(scanPrefix{rows, &h.ResourceID}); err != nil {
			return nil, fmt.Errorf("held files: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
