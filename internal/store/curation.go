package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"safelib/internal/catalog"
)

// InsertResourceAudited adds a new resource and its audit entry in one
// transaction, so the log can't miss a change nor record one that failed.
func (s *Store) InsertResourceAudited(ctx context.Context, r *catalog.Resource, e *catalog.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertResource(ctx, tx, r); err != nil {
			return err
		}
		return addAuditTx(ctx, tx, e)
	})
}

// UpdateResourceAudited is UpdateResource (with its version check) and the
// audit entry in one transaction.
func (s *Store) UpdateResourceAudited(ctx context.Context, r *catalog.Resource, e *catalog.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := updateResource(ctx, tx, r); err != nil {
			return err
		}
		return addAuditTx(ctx, tx, e)
	})
}

func addAuditTx(ctx context.Context, tx *sql.Tx, e *catalog.AuditEntry) error {
	if e == nil {
		return nil
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, target, details, ip)
		VALUES (?,?,?,?,?,?,?)`, stamp(e.At), e.ActorID, e.Actor, e.Action, e.Target, string(details), e.IP)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// ResourceVersion is an earlier text of a re-published document (kept by
// the resource_versions_keep trigger of migration 0004).
type ResourceVersion struct {
	ID         int64
	ResourceID string
	// Version is the resource's version number while this text was current.
	Version   int64
	URL       string
	Title     string
	Published catalog.Date
	Summary   string
	Body      string // only when asked for
	Hash      string
	// CurrentSince is when this text was saved, Superseded when the next
	// one replaced it.
	CurrentSince time.Time
	Superseded   time.Time
}

// ResourceVersions returns the earlier versions of a resource, newest
// first, without their text.
func (s *Store) ResourceVersions(ctx context.Context, id string) ([]*ResourceVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, resource_id, version, url, title, published, summary, '',
		hash, current_since, superseded FROM resource_versions WHERE resource_id = ? ORDER BY id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("versions of %q: %w", id, err)
	}
	defer rows.Close()
	var out []*ResourceVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("versions of %q: %w", id, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ResourceVersionText returns one earlier version with its text.
func (s *Store) ResourceVersionText(ctx context.Context, id string, versionID int64) (*ResourceVersion, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, `SELECT id, resource_id, version, url, title, published,
		summary, body, hash, current_since, superseded FROM resource_versions WHERE resource_id = ? AND id = ?`,
		id, versionID))
	if err != nil {
		return nil, fmt.Errorf("version %d of %q: %w", versionID, id, err)
	}
	return v, nil
}

func scanVersion(row interface{ Scan(...any) error }) (*ResourceVersion, error) {
	var v ResourceVersion
	var published, since, superseded string
	if err := row.Scan(&v.ID, &v.ResourceID, &v.Version, &v.URL, &v.Title, &published, &v.Summary, &v.Body,
		&v.Hash, &since, &superseded); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, catalog.ErrNotFound
		}
		return nil, err
	}
	v.Published = catalog.Date(published)
	v.CurrentSince = parseTime(since)
	v.Superseded = parseTime(superseded)
	return &v, nil
}

// ResourceCount is the number of resources with one source, type and
// status.
type ResourceCount struct {
	Source, Type, Status string
	N                    int
}

// ResourceCountsBy counts resources by source, type and status.
func (s *Store) ResourceCountsBy(ctx context.Context) ([]ResourceCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source, type, status, count(*) FROM resources
		GROUP BY source, type, status ORDER BY source, type, status`)
	if err != nil {
		return nil, fmt.Errorf("count resources: %w", err)
	}
	defer rows.Close()
	var out []ResourceCount
	for rows.Next() {
		var c ResourceCount
		if err := rows.Scan(&c.Source, &c.Type, &c.Status, &c.N); err != nil {
			return nil, fmt.Errorf("count resources: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RecentResources returns the most recently saved resources (without
// text), newest first.
func (s *Store) RecentResources(ctx context.Context, limit int) ([]*catalog.Resource, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+resourceCols+` FROM resources ORDER BY updated DESC, id LIMIT ?`,
		boundLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("recent resources: %w", err)
	}
	return s.collect(ctx, rows, false)
}

// AwaitingThemes returns active resources with machine-assigned themes
// not yet confirmed (without text), most recently saved first, and how
// many there are in all.
func (s *Store) AwaitingThemes(ctx context.Context, limit int) ([]*catalog.Resource, int, error) {
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(DISTINCT t.resource_id) FROM resource_themes t
		JOIN resources r ON r.id = t.resource_id WHERE t.machine = 1 AND r.status = 'active'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("resources awaiting themes: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+resourceCols+` FROM resources WHERE status = 'active'
		AND id IN (SELECT resource_id FROM resource_themes WHERE machine = 1) ORDER BY updated DESC, id LIMIT ?`,
		boundLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("resources awaiting themes: %w", err)
	}
	rs, err := s.collect(ctx, rows, false)
	return rs, total, err
}

// PublisherOfHost returns the publisher most resources on host (any
// scheme) name, or "" when none does.
func (s *Store) PublisherOfHost(ctx context.Context, host string) (string, error) {
	host = strings.ToLower(host)
	var p string
	err := s.db.QueryRowContext(ctx, `SELECT publisher FROM resources WHERE publisher <> '' AND
		(url LIKE ? ESCAPE '\' OR url LIKE ? ESCAPE '\' OR url = ? OR url = ?)
		GROUP BY publisher ORDER BY count(*) DESC, publisher LIMIT 1`,
		"https://"+likeEscape(host)+"/%", "http://"+likeEscape(host)+"/%",
		"https://"+host, "http://"+host).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("publisher of %s: %w", host, err)
	}
	return p, nil
}

// boundLimit keeps a list between 1 and 1,000 rows (default 50).
func boundLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return n
}

// LoadPages fills in the per-page text of the given resources.
func (s *Store) LoadPages(ctx context.Context, rs []*catalog.Resource) error {
	return s.loadPages(ctx, rs)
}

// PagedBodies returns, for those of ids that have per-page text, their
// body and pages (only these fields are set).
func (s *Store) PagedBodies(ctx context.Context, ids []string) (map[string]*catalog.Resource, error) {
	out := map[string]*catalog.Resource{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, body FROM resources WHERE id IN (`+placeholders(len(ids))+`)
		AND EXISTS (SELECT 1 FROM resource_pages p WHERE p.resource_id = resources.id)`, args...)
	if err != nil {
		return nil, fmt.Errorf("paged bodies: %w", err)
	}
	defer rows.Close()
	var rs []*catalog.Resource
	for rows.Next() {
		r := &catalog.Resource{}
		if err := rows.Scan(&r.ID, &r.Body); err != nil {
			return nil, fmt.Errorf("paged bodies: %w", err)
		}
		out[r.ID] = r
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("paged bodies: %w", err)
	}
	rows.Close()
	return out, s.loadPages(ctx, rs)
}

// ResourcesWithStatus returns resources with the given status (without
// text), most recently saved first, and how many there are in all.
func (s *Store) ResourcesWithStatus(ctx context.Context, status string, limit int) ([]*catalog.Resource, int, error) {
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM resources WHERE status = ?`, status).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("resources %s: %w", status, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+resourceCols+` FROM resources WHERE status = ?
		ORDER BY updated DESC, id LIMIT ?`, status, boundLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("resources %s: %w", status, err)
	}
	rs, err := s.collect(ctx, rows, false)
	return rs, total, err
}
