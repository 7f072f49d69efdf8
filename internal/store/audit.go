package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"safelib/internal/catalog"
)

// AddAudit appends e and sets e.ID.
func (s *Store) AddAudit(ctx context.Context, e *catalog.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return addAuditTx(ctx, tx, e) })
}

// ListAudit returns matching entries, newest first.
func (s *Store) ListAudit(ctx context.Context, f catalog.AuditFilter) ([]*catalog.AuditEntry, error) {
	where := []string{"1=1"}
	var args []any
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, `action LIKE ? ESCAPE '\'`)
			args = append(args, likeEscape(f.Action)+"%")
		} else {
			where = append(where, "action = ?")
			args = append(args, f.Action)
		}
	}
	if f.Actor != "" {
		where = append(where, "actor = ? COLLATE NOCASE")
		args = append(args, f.Actor)
	}
	if f.Target != "" {
		where = append(where, "target = ? COLLATE NOCASE")
		args = append(args, f.Target)
	}
	if f.Before > 0 {
		where = append(where, "id < ?")
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > 1000 {
		limit = 1000
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, actor_id, actor, action, target, details, ip FROM audit_log
		WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []*catalog.AuditEntry
	for rows.Next() {
		var e catalog.AuditEntry
		var at, details string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Target, &details, &e.IP); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At = unstamp(at)
		if details != "" && details != "{}" {
			if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
				return nil, fmt.Errorf("audit entry %d details: %w", e.ID, err)
			}
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
