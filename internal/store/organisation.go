package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// CreateOrganisation inserts o and sets o.ID; a taken name (any case)
// gives catalog.ErrConflict.
func (s *Store) CreateOrganisation(ctx context.Context, o *catalog.Organisation, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO organisations (name, membership_expires, created, updated)
		VALUES (?,?,?,?)`, o.Name, o.Expires, stamp(at), stamp(at))
	if isUnique(err) {
		return catalog.Errorf(catalog.Conflict, "create organisation %q: name taken", o.Name)
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
func (s *Store) OrganisationByName(ctx context.Context, name string) (*catalog.Organisation, error) {
	var o catalog.Organisation
	var created, updated string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, membership_expires, created, updated,
		(SELECT count(*) FROM users WHERE organisation_id = organisations.id)
		FROM organisations WHERE name = ?`, name).Scan(&o.ID, &o.Name, &o.Expires, &created, &updated, &o.Members)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("organisation %q: %w", name, catalog.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("organisation %q: %w", name, err)
	}
	o.Created, o.Updated = unstamp(created), unstamp(updated)
	return &o, nil
}

// ListOrganisations returns every organisation by name.
func (s *Store) ListOrganisations(ctx context.Context) ([]*catalog.Organisation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, membership_expires, created, updated,
		(SELECT count(*) FROM users WHERE organisation_id = organisations.id)
		FROM organisations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Organisation
	for rows.Next() {
		var o catalog.Organisation
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
func (s *Store) UpdateOrganisation(ctx context.Context, o *catalog.Organisation, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE organisations SET name=?, membership_expires=?, updated=? WHERE id=?`,
		o.Name, o.Expires, stamp(at), o.ID)
	if isUnique(err) {
		return catalog.Errorf(catalog.Conflict, "update organisation %d: name %q taken", o.ID, o.Name)
	}
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("update organisation %d: %w", o.ID, err)
	}
	o.Updated = at.UTC()
	return nil
}
