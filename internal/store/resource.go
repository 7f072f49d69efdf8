package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"safelib/internal/catalog"
)

// resourceCols lists the columns of a resource row without body, in scan order.
const resourceCols = `id, url, title, publisher, type, published, area, region, summary,
	access, source, status, sport, phone, email, last_verified, last_reviewed, hash,
	version, created, updated`

func scanResource(row interface{ Scan(...any) error }, withBody bool) (*catalog.Resource, error) {
	var r catalog.Resource
	var published, lastVerified, lastReviewed, access, created, updated string
	dest := []any{&r.ID, &r.URL, &r.Title, &r.Publisher, &r.Type, &published, &r.Area, &r.Region,
		&r.Summary, &access, &r.Source, &r.Status, &r.Sport, &r.Phone, &r.Email, &lastVerified,
		&lastReviewed, &r.Hash, &r.Version, &created, &updated}
	if withBody {
		dest = append(dest, &r.Body)
	}
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, catalog.ErrNotFound
		}
		return nil, err
	}
	r.Published = catalog.Date(published)
	r.LastVerified = catalog.Date(lastVerified)
	r.LastReviewed = catalog.Date(lastReviewed)
	r.Access = catalog.Access(access)
	r.Created = parseTime(created)
	r.Updated = parseTime(updated)
	return &r, nil
}

// GetResource loads one resource with body, themes and pages.
func (s *Store) GetResource(ctx context.Context, id string) (*catalog.Resource, error) {
	r, err := scanResource(s.db.QueryRowContext(ctx,
		`SELECT `+resourceCols+`, body FROM resources WHERE id = ?`, id), true)
	if err != nil {
		return nil, fmt.Errorf("get resource %q: %w", id, err)
	}
	if err := s.loadThemes(ctx, []*catalog.Resource{r}); err != nil {
		return nil, err
	}
	if err := s.loadPages(ctx, []*catalog.Resource{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// ResourceByURL finds the (oldest) resource with exactly this URL.
func (s *Store) ResourceByURL(ctx context.Context, u string) (*catalog.Resource, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM resources WHERE url <> '' AND url = ? ORDER BY created, id LIMIT 1`, u).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("resource with url %q: %w", u, catalog.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("resource by url: %w", err)
	}
	return s.GetResource(ctx, id)
}

// Resources loads the resources with the given ids, in that order, skipping
// ids that don't exist. Bodies are loaded only when withBody is set
// (without them, they may come from the cache of hitcache.go).
func (s *Store) Resources(ctx context.Context, ids []string, withBody bool) ([]*catalog.Resource, error) {
	if !withBody {
		return s.cachedResources(ctx, ids)
	}
	return s.loadResources(ctx, ids, withBody)
}

// loadResources is Resources, from the database.
func (s *Store) loadResources(ctx context.Context, ids []string, withBody bool) ([]*catalog.Resource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cols := resourceCols
	if withBody {
		cols += ", body"
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.queryPrepared(ctx, `SELECT `+cols+` FROM `+resourcesFrom(withBody)+` WHERE id IN (`+
		placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load resources: %w", err)
	}
	defer rows.Close()
	byID := make(map[string]*catalog.Resource, len(ids))
	for rows.Next() {
		r, err := scanResource(rows, withBody)
		if err != nil {
			return nil, fmt.Errorf("load resources: %w", err)
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load resources: %w", err)
	}
	out := make([]*catalog.Resource, 0, len(byID))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	if err := s.loadThemes(ctx, out); err != nil {
		return nil, err
	}
	if withBody {
		return out, s.loadPages(ctx, out)
	}
	return out, nil
}

// resourcesFrom is the table to read resourceCols from: without the body,
// through the index that holds them all (0050_resources_hit_index.sql).
func resourcesFrom(withBody bool) string {
	if withBody {
		return "resources"
	}
	return "resources INDEXED BY resources_hit"
}

// LoadTexts fills in the body and pages of rs, loaded without them by
// Resources: a search loads the texts only of the hits it cuts snippets
// from, bodies being most of a row. One query says which have pages or
// slides; only those have their pages read.
func (s *Store) LoadTexts(ctx context.Context, rs []*catalog.Resource) error {
	if len(rs) == 0 {
		return nil
	}
	byID, args := keyed(rs, func(r *catalog.Resource) { r.Body, r.Pages, r.Slides = "", nil, false })
	rows, err := s.queryPrepared(ctx, `SELECT id, body,
		EXISTS (SELECT 1 FROM resource_pages p WHERE p.resource_id = resources.id),
		EXISTS (SELECT 1 FROM resource_slides s WHERE s.resource_id = resources.id)
		FROM resources WHERE id IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("load texts: %w", err)
	}
	defer rows.Close()
	var paged []any
	for rows.Next() {
		var id, body string
		var pages, slides bool
		if err := rows.Scan(&id, &body, &pages, &slides); err != nil {
			return fmt.Errorf("load texts: %w", err)
		}
		r := byID[id]
		r.Body, r.Slides = body, slides
		if pages {
			paged = append(paged, id)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load texts: %w", err)
	}
	if len(paged) == 0 {
		return nil
	}
	return s.loadPageTexts(ctx, byID, paged)
}

func (s *Store) loadPages(ctx context.Context, rs []*catalog.Resource) error {
	byID, args := keyed(rs, func(r *catalog.Resource) { r.Pages, r.Slides = nil, false })
	if len(args) == 0 {
		return nil
	}
	slides, err := s.db.QueryContext(ctx, `SELECT resource_id FROM resource_slides
		WHERE resource_id IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("load slides: %w", err)
	}
	for slides.Next() {
		var id string
		if err := slides.Scan(&id); err != nil {
			slides.Close()
			return fmt.Errorf("load slides: %w", err)
		}
		byID[id].Slides = true
	}
	if err := errors.Join(slides.Err(), slides.Close()); err != nil {
		return fmt.Errorf("load slides: %w", err)
	}
	return s.loadPageTexts(ctx, byID, args)
}

// loadPageTexts appends to byID[id].Pages the pages of each id in args.
func (s *Store) loadPageTexts(ctx context.Context, byID map[string]*catalog.Resource, args []any) error {
	rows, err := s.queryPrepared(ctx, `SELECT resource_id, text FROM resource_pages
		WHERE resource_id IN (`+placeholders(len(args))+`) ORDER BY resource_id, page`, args...)
	if err != nil {
		return fmt.Errorf("load pages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			return fmt.Errorf("load pages: %w", err)
		}
		byID[id].Pages = append(byID[id].Pages, text)
	}
	return rows.Err()
}

// keyed returns rs by id and their ids as query arguments, after clearing
// in each what the caller loads.
func keyed(rs []*catalog.Resource, clear func(*catalog.Resource)) (map[string]*catalog.Resource, []any) {
	byID := make(map[string]*catalog.Resource, len(rs))
	args := make([]any, 0, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
		clear(r)
		args = append(args, r.ID)
	}
	return byID, args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func (s *Store) loadThemes(ctx context.Context, rs []*catalog.Resource) error {
	if len(rs) == 0 {
		return nil
	}
	byID, args := keyed(rs, func(r *catalog.Resource) { r.Themes, r.MachineThemes = nil, nil })
	rows, err := s.queryPrepared(ctx, `SELECT resource_id, slug, machine FROM resource_themes
		WHERE resource_id IN (`+placeholders(len(args))+`) ORDER BY rowid`, args...)
	if err != nil {
		return fmt.Errorf("load themes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, slug string
		var machine bool
		if err := rows.Scan(&id, &slug, &machine); err != nil {
			return fmt.Errorf("load themes: %w", err)
		}
		r := byID[id]
		if machine {
			r.MachineThemes = append(r.MachineThemes, slug)
		} else {
			r.Themes = append(r.Themes, slug)
		}
	}
	return rows.Err()
}

// InsertResource adds a new resource. It fails with catalog.ErrConflict when the id
// is taken.
func (s *Store) InsertResource(ctx context.Context, r *catalog.Resource) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return insertResource(ctx, tx, r) })
}

func insertResource(ctx context.Context, tx *sql.Tx, r *catalog.Resource) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM resources WHERE id = ?`, r.ID).Scan(&n); err != nil {
		return fmt.Errorf("insert resource: %w", err)
	}
	if n > 0 {
		return catalog.Errorf(catalog.Conflict, "insert resource %q: id already in the library", r.ID)
	}
	t := time.Now().UTC()
	if r.Created.IsZero() {
		r.Created = t
	}
	r.Updated = t
	r.Version = 1
	r.Hash = r.ContentHash()
	_, err := tx.ExecContext(ctx, `INSERT INTO resources (id, url, title, publisher, type, published,
		area, region, summary, body, access, source, status, sport, phone, email, last_verified,
		last_reviewed, hash, version, created, updated, index_pending)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)`,
		r.ID, r.URL, r.Title, r.Publisher, r.Type, string(r.Published), r.Area, r.Region, r.Summary,
		r.Body, string(r.Access), r.Source, r.Status, r.Sport, r.Phone, r.Email, string(r.LastVerified),
		string(r.LastReviewed), r.Hash, r.Version, r.Created.Format(timeLayout), r.Updated.Format(timeLayout))
	if err != nil {
		return fmt.Errorf("insert resource %q: %w", r.ID, err)
	}
	return writeChildren(ctx, tx, r)
}

// UpdateResource replaces a resource's fields. When r.Version is non-zero it
// must equal the stored version (optimistic concurrency), else catalog.ErrConflict.
// On success r.Version is the new version.
func (s *Store) UpdateResource(ctx context.Context, r *catalog.Resource) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return updateResource(ctx, tx, r) })
}

func updateResource(ctx context.Context, tx *sql.Tx, r *catalog.Resource) error {
	var version int64
	var created string
	err := tx.QueryRowContext(ctx, `SELECT version, created FROM resources WHERE id = ?`, r.ID).Scan(&version, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("update resource %q: %w", r.ID, catalog.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("update resource %q: %w", r.ID, err)
	}
	if r.Version != 0 && r.Version != version {
		return catalog.Errorf(catalog.Conflict, "update resource %q: edited version %d but the library has version %d",
			r.ID, r.Version, version)
	}
	r.Created = parseTime(created)
	r.Updated = time.Now().UTC()
	r.Version = version + 1
	r.Hash = r.ContentHash()
	_, err = tx.ExecContext(ctx, `UPDATE resources SET url=?, title=?, publisher=?, type=?, published=?,
		area=?, region=?, summary=?, body=?, access=?, source=?, status=?, sport=?, phone=?, email=?,
		last_verified=?, last_reviewed=?, hash=?, version=?, updated=?, index_pending=1 WHERE id=?`,
		r.URL, r.Title, r.Publisher, r.Type, string(r.Published), r.Area, r.Region, r.Summary, r.Body,
		string(r.Access), r.Source, r.Status, r.Sport, r.Phone, r.Email, string(r.LastVerified),
		string(r.LastReviewed), r.Hash, r.Version, r.Updated.Format(timeLayout), r.ID)
	if err != nil {
		return fmt.Errorf("update resource %q: %w", r.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM resource_themes WHERE resource_id = ?`, r.ID); err != nil {
		return fmt.Errorf("update resource %q themes: %w", r.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM resource_pages WHERE resource_id = ?`, r.ID); err != nil {
		return fmt.Errorf("update resource %q pages: %w", r.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM resource_slides WHERE resource_id = ?`, r.ID); err != nil {
		return fmt.Errorf("update resource %q slides: %w", r.ID, err)
	}
	return writeChildren(ctx, tx, r)
}

func writeChildren(ctx context.Context, tx *sql.Tx, r *catalog.Resource) error {
	for _, slug := range r.Themes {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO resource_themes (resource_id, slug, machine) VALUES (?, ?, 0)`,
			r.ID, slug); err != nil {
			return fmt.Errorf("write themes of %q: %w", r.ID, err)
		}
	}
	for _, slug := range r.MachineThemes {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO resource_themes (resource_id, slug, machine) VALUES (?, ?, 1)`,
			r.ID, slug); err != nil {
			return fmt.Errorf("write themes of %q: %w", r.ID, err)
		}
	}
	for i, text := range r.Pages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO resource_pages (resource_id, page, text) VALUES (?, ?, ?)`,
			r.ID, i+1, text); err != nil {
			return fmt.Errorf("write pages of %q: %w", r.ID, err)
		}
	}
	if r.Slides && len(r.Pages) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO resource_slides (resource_id) VALUES (?)`, r.ID); err != nil {
			return fmt.Errorf("write slides of %q: %w", r.ID, err)
		}
	}
	return nil
}

// PendingIndex returns up to limit resources (with bodies) whose index entry
// is out of date.
func (s *Store) PendingIndex(ctx context.Context, limit int) ([]*catalog.Resource, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+resourceCols+`, body FROM resources
		WHERE index_pending = 1 LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending index: %w", err)
	}
	return s.collect(ctx, rows, true)
}

func (s *Store) collect(ctx context.Context, rows *sql.Rows, withBody bool) ([]*catalog.Resource, error) {
	defer rows.Close()
	var out []*catalog.Resource
	for rows.Next() {
		r, err := scanResource(rows, withBody)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadThemes(ctx, out)
}

// MarkIndexed clears the outbox flag of the given resources, but only for
// the version that was indexed: a newer write keeps its flag.
func (s *Store) MarkIndexed(ctx context.Context, versions map[string]int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE resources SET index_pending = 0 WHERE id = ? AND version = ?`)
		if err != nil {
			return fmt.Errorf("mark indexed: %w", err)
		}
		defer stmt.Close()
		for id, v := range versions {
			if _, err := stmt.ExecContext(ctx, id, v); err != nil {
				return fmt.Errorf("mark indexed %q: %w", id, err)
			}
		}
		return nil
	})
}

// MarkAllPending flags every resource for (re)indexing.
func (s *Store) MarkAllPending(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `UPDATE resources SET index_pending = 1`)
	if err != nil {
		return fmt.Errorf("mark all pending: %w", err)
	}
	return nil
}

// ScanResources calls fn with batches of resources (bodies included when
// withBody), in id order, until all are seen or fn returns an error.
func (s *Store) ScanResources(ctx context.Context, batch int, withBody bool, fn func([]*catalog.Resource) error) error {
	after := ""
	cols := resourceCols
	if withBody {
		cols += ", body"
	}
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT `+cols+` FROM resources WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
		if err != nil {
			return fmt.Errorf("scan resources: %w", err)
		}
		rs, err := s.collect(ctx, rows, withBody)
		if err != nil {
			return fmt.Errorf("scan resources: %w", err)
		}
		if len(rs) == 0 {
			return nil
		}
		if err := fn(rs); err != nil {
			return err
		}
		after = rs[len(rs)-1].ID
	}
}

// ResourceCounts returns the number of resources by status.
func (s *Store) ResourceCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM resources GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count resources: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// ActiveIDs returns the ids of every active resource, sorted.
func (s *Store) ActiveIDs(ctx context.Context) ([]string, error) {
	out, err := s.queryStrings(ctx, `SELECT id FROM resources WHERE status = 'active' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("active ids: %w", err)
	}
	return out, nil
}

// queryStrings runs a query of one text column and returns its values.
func (s *Store) queryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// MarkPending flags the given ids for reindexing.
func (s *Store) MarkPending(ctx context.Context, ids []string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE resources SET index_pending = 1 WHERE id = ?`, id); err != nil {
				return fmt.Errorf("mark pending %q: %w", id, err)
			}
		}
		return nil
	})
}

// UpsertStats counts what an upsert did.
type UpsertStats struct {
	Inserted, Updated, Unchanged int
}

// UpsertResources writes many resources in one transaction: a resource
// whose id exists replaces it unless its content hash is unchanged; others
// are inserted. Version checks are skipped.
func (s *Store) UpsertResources(ctx context.Context, rs []*catalog.Resource) (UpsertStats, error) {
	return s.UpsertResourcesWithFiles(ctx, rs, nil)
}

// UpsertResourcesWithFiles is UpsertResources that also makes files[id]
// the whole file list of each resource id it names, in the same
// transaction: an import never leaves a resource without the file rows
// its line named, whatever moment it stops at.
func (s *Store) UpsertResourcesWithFiles(ctx context.Context, rs []*catalog.Resource, files map[string][]catalog.File) (UpsertStats, error) {
	var st UpsertStats
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st = UpsertStats{}
		for _, r := range rs {
			var id, hash string
			err := tx.QueryRowContext(ctx, `SELECT id, hash FROM resources WHERE id = ?`, r.ID).Scan(&id, &hash)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := insertResource(ctx, tx, r); err != nil {
					return err
				}
				st.Inserted++
			case err != nil:
				return fmt.Errorf("upsert %q: %w", r.ID, err)
			default:
				r.ID = id
				if hash == r.ContentHash() {
					st.Unchanged++
					continue
				}
				r.Version = 0
				if err := updateResource(ctx, tx, r); err != nil {
					return err
				}
				st.Updated++
			}
		}
		return replaceFiles(ctx, tx, files)
	})
	return st, err
}

// ResourceExists reports whether a resource with this id exists.
func (s *Store) ResourceExists(ctx context.Context, id string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM resources WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("resource exists: %w", err)
	}
	return n > 0, nil
}

// CountPending counts resources whose index entry is out of date.
func (s *Store) CountPending(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM resources WHERE index_pending = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending: %w", err)
	}
	return n, nil
}

// PendingIndexAfter returns up to limit resources (with bodies) whose index
// entry is out of date and whose id sorts after `after`, in id order, so a
// caller can walk the outbox while earlier batches are still being indexed.
func (s *Store) PendingIndexAfter(ctx context.Context, after string, limit int) ([]*catalog.Resource, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+resourceCols+`, body FROM resources
		WHERE index_pending = 1 AND id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("pending index: %w", err)
	}
	return s.collect(ctx, rows, true)
}
