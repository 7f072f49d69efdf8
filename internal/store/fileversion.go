package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// WithdrawFileVersion marks version n of resource id's file withdrawn at
// at and adds the audit entry, in one transaction; when r is not nil (the
// current version was withdrawn, so the resource's text becomes the
// previous version's) r is saved too, with the version check of
// UpdateResource. A version already withdrawn is catalog.ErrConflict, one
// that is not there catalog.ErrNotFound.
func (s *Store) WithdrawFileVersion(ctx context.Context, id string, n int, at time.Time, r *catalog.Resource, e *catalog.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE resource_files SET withdrawn = ? WHERE resource_id = ? AND version = ? AND withdrawn = ''`,
			at.UTC().Format(timeLayout), id, n)
		if err != nil {
			return fmt.Errorf("withdraw file %d of %q: %w", n, id, err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("withdraw file %d of %q: %w", n, id, err)
		} else if k == 0 {
			var w string
			err := tx.QueryRowContext(ctx, `SELECT withdrawn FROM resource_files WHERE resource_id = ? AND version = ?`, id, n).Scan(&w)
			if err == sql.ErrNoRows {
				return catalog.ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("withdraw file %d of %q: %w", n, id, err)
			}
			return catalog.Errorf(catalog.Conflict, "version %d was already withdrawn", n)
		}
		if r != nil {
			if err := updateResource(ctx, tx, r); err != nil {
				return err
			}
		}
		return addAuditTx(ctx, tx, e)
	})
}

// KeptWithoutText returns the newest reason crawl history gives for
// keeping the document at resURL without text ("kept without text: ..."),
// looking at every URL whose content became that resource, or "" when it
// gives none.
func (s *Store) KeptWithoutText(ctx context.Context, resURL string) (string, error) {
	var reason string
	err := s.db.QueryRowContext(ctx, `SELECT reason FROM crawl_failures
		WHERE reason LIKE 'kept without text: %'
		  AND (url = ? OR url IN (SELECT url FROM crawl_urls WHERE resource_url = ?))
		ORDER BY run_id DESC, rowid DESC LIMIT 1`, resURL, resURL).Scan(&reason)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("kept without text %s: %w", resURL, err)
	}
	return reason, nil
}
