package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Organisation is a membership several people share.
type Organisation struct {
	ID      int64
	Name    string
	Expires string // "YYYY-MM-DD", inclusive; "" for none
	// Members counts the people attached (filled by ListOrganisations).
	Members int
	Created time.Time
	Updated time.Time
}

// CreateOrganisation inserts o and sets o.ID; a taken name (any case)
// gives ErrConflict.
func (s *Store) CreateOrganisation(ctx context.Context, o *Organisation, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO organisations (name, membership_expires, created, updated)
		VALUES (?,?,?,?)`, o.Name, o.Expires, stamp(at), stamp(at))
	if isUnique(err) {
		return fmt.Errorf("create organisation %q: name taken: %w", o.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create organisation %q: %w", o.Name, err)
	}
	if o.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("create organisation %q: %w", o.Name, err)
	}
	o.Created, o.Updated = at.UTC(), at.UTC()
	return nil
}

// OrganisationByName finds an organisation by name, ignoring case.
func (s *Store) OrganisationByName(ctx context.Context, name string) (*Organisation, error) {
	var o Organisation
	var created, updated string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, membership_expires, created, updated,
		(SELECT count(*) FROM users WHERE organisation_id = organisations.id)
		FROM organisations WHERE name = ?`, name).Scan(&o.ID, &o.Name, &o.Expires, &created, &updated, &o.Members)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("organisation %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("organisation %q: %w", name, err)
	}
	o.Created, o.Updated = unstamp(created), unstamp(updated)
	return &o, nil
}

// ListOrganisations returns every organisation by name.
func (s *Store) ListOrganisations(ctx context.Context) ([]*Organisation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, membership_expires, created, updated,
		(SELECT count(*) FROM users WHERE organisation_id = organisations.id)
		FROM organisations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []*Organisation
	for rows.Next() {
		var o Organisation
		var created, updated string
		if err := rows.Scan(&o.ID, &o.Name, &o.Expires, &created, &updated, &o.Members); err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		o.Created, o.Updated = unstamp(created), unstamp(updated)
		out = append(out, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return out, nil
}

// UpdateOrganisation writes o's name and end date.
func (s *Store) UpdateOrganisation(ctx context.Context, o *Organisation, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE organisations SET name=?, membership_expires=?, updated=? WHERE id=?`,
		o.Name, o.Expires, stamp(at), o.ID)
	if isUnique(err) {
		return fmt.Errorf("update organisation %d: name %q taken: %w", o.ID, o.Name, ErrConflict)
	}
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("update organisation %d: %w", o.ID, err)
	}
	o.Updated = at.UTC()
	return nil
}
