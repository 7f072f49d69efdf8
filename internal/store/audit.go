package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64  // 0 for the system or an anonymous caller
	Actor   string // email, or "system", at the time
	Action  string // e.g. "login", "login.failed", "user.role"
	Target  string // what was acted on: an email, a resource id
	Details map[string]string
	IP      string
}

// AddAudit appends e and sets e.ID.
func (s *Store) AddAudit(ctx context.Context, e *AuditEntry) error {
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, target, details, ip)
		VALUES (?,?,?,?,?,?,?)`, stamp(e.At), e.ActorID, e.Actor, e.Action, e.Target, string(details), e.IP)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	// Action keeps one action, or with a trailing "." a family ("user.").
	Action string
	// Actor and Target keep entries naming them exactly (any case).
	Actor, Target string
	// Before keeps entries with smaller ids (paging backwards).
	Before int64
	// Limit caps the rows (default 100, at most 1,000).
	Limit int
}

// ListAudit returns matching entries, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error) {
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
	var out []*AuditEntry
	for rows.Next() {
		var e AuditEntry
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
