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

const listCols = `id, user_id, name, note, COALESCE(share_token, ''), created, updated`

func scanList(row interface{ Scan(...any) error }) (*catalog.ReadingList, error) {
	var l catalog.ReadingList
	var created, updated string
	err := row.Scan(&l.ID, &l.UserID, &l.Name, &l.Note, &l.ShareToken, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	l.Created, l.Updated = unstamp(created), unstamp(updated)
	return &l, nil
}

// CreateList saves a new list (its ID, UserID, Name, Note and Created
// set by the caller), refusing a person's list beyond catalog.MaxLists.
func (s *Store) CreateList(ctx context.Context, l *catalog.ReadingList) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reading_lists WHERE user_id = ?`, l.UserID).Scan(&n); err != nil {
			return fmt.Errorf("count lists: %w", err)
		}
		if n >= catalog.MaxLists {
			return catalog.Errorf(catalog.Conflict, "you have %d lists, the most one person may keep: delete one first", n)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reading_lists (id, user_id, name, note, created, updated) VALUES (?,?,?,?,?,?)`,
			l.ID, l.UserID, l.Name, l.Note, stamp(l.Created), stamp(l.Created)); err != nil {
			return fmt.Errorf("create list: %w", err)
		}
		return nil
	})
}

// ListsOf returns a person's lists, oldest first, with their items.
func (s *Store) ListsOf(ctx context.Context, userID int64) ([]*catalog.ReadingList, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+listCols+` FROM reading_lists WHERE user_id = ? ORDER BY created, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("lists of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*catalog.ReadingList
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, fmt.Errorf("lists of %d: %w", userID, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lists of %d: %w", userID, err)
	}
	for _, l := range out {
		if l.Items, err = s.listItems(ctx, l.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// List loads one list with its items, or catalog.ErrNotFound.
func (s *Store) List(ctx context.Context, id string) (*catalog.ReadingList, error) {
	return s.listWhere(ctx, `id = ?`, id)
}

// ListByShareToken loads the list shared under token, or ErrNotFound.
func (s *Store) ListByShareToken(ctx context.Context, token string) (*catalog.ReadingList, error) {
	if token == "" {
		return nil, catalog.ErrNotFound
	}
	return s.listWhere(ctx, `share_token = ?`, token)
}

func (s *Store) listWhere(ctx context.Context, where string, arg any) (*catalog.ReadingList, error) {
	l, err := scanList(s.db.QueryRowContext(ctx, `SELECT `+listCols+` FROM reading_lists WHERE `+where, arg))
	if err != nil {
		if errors.Is(err, catalog.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("load list: %w", err)
	}
	if l.Items, err = s.listItems(ctx, l.ID); err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Store) listItems(ctx context.Context, id string) ([]catalog.ListItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT resource_id, position, note, added FROM reading_list_items
		WHERE list_id = ? ORDER BY position, added`, id)
	if err != nil {
		return nil, fmt.Errorf("items of list %s: %w", id, err)
	}
	defer rows.Close()
	items := []catalog.ListItem{}
	for rows.Next() {
		var it catalog.ListItem
		var added string
		if err := rows.Scan(&it.ResourceID, &it.Position, &it.Note, &added); err != nil {
			return nil, fmt.Errorf("items of list %s: %w", id, err)
		}
		it.Added = unstamp(added)
		items = append(items, it)
	}
	return items, rows.Err()
}

// UpdateList saves a list's name, note and share token.
func (s *Store) UpdateList(ctx context.Context, l *catalog.ReadingList) error {
	var token any
	if l.ShareToken != "" {
		token = l.ShareToken
	}
	res, err := s.db.ExecContext(ctx, `UPDATE reading_lists SET name = ?, note = ?, share_token = ?, updated = ? WHERE id = ?`,
		l.Name, l.Note, token, stamp(l.Updated), l.ID)
	if err != nil {
		return fmt.Errorf("update list %s: %w", l.ID, err)
	}
	return oneRow(res, "list")
}

// DeleteList removes a list and its items.
func (s *Store) DeleteList(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM reading_lists WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete list %s: %w", id, err)
	}
	return oneRow(res, "list")
}

// PutListItem adds a resource at the end of a list, or changes the note
// of one already in it, refusing more than catalog.MaxListItems. An
// unknown resource is catalog.ErrNotFound.
func (s *Store) PutListItem(ctx context.Context, listID, resourceID, note string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reading_list_items SET note = ? WHERE list_id = ? AND resource_id = ?`, note, listID, resourceID)
		if err != nil {
			return fmt.Errorf("note list item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return touchList(ctx, tx, listID, at)
		}
		var count, last int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(position), 0) FROM reading_list_items WHERE list_id = ?`,
			listID).Scan(&count, &last); err != nil {
			return fmt.Errorf("count list items: %w", err)
		}
		if count >= catalog.MaxListItems {
			return catalog.Errorf(catalog.Conflict, "a list holds at most %d items", catalog.MaxListItems)
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM resources WHERE id = ?`, resourceID).Scan(&exists); err != nil {
			return fmt.Errorf("find resource: %w", err)
		}
		if exists == 0 {
			return catalog.Errorf(catalog.NotFound, "no resource %q", resourceID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reading_list_items (list_id, resource_id, position, note, added) VALUES (?,?,?,?,?)`,
			listID, resourceID, last+1, note, stamp(at)); err != nil {
			return fmt.Errorf("add list item: %w", err)
		}
		return touchList(ctx, tx, listID, at)
	})
}

// RemoveListItem takes a resource out of a list.
func (s *Store) RemoveListItem(ctx context.Context, listID, resourceID string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reading_list_items WHERE list_id = ? AND resource_id = ?`, listID, resourceID)
		if err != nil {
			return fmt.Errorf("remove list item: %w", err)
		}
		if err := oneRow(res, "list item"); err != nil {
			return err
		}
		return touchList(ctx, tx, listID, at)
	})
}

// MoveListItem moves a resource one place up (delta < 0) or down in its
// list, swapping it with its neighbour; at either end it stays.
func (s *Store) MoveListItem(ctx context.Context, listID, resourceID string, delta int, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var pos int
		err := tx.QueryRowContext(ctx, `SELECT position FROM reading_list_items WHERE list_id = ? AND resource_id = ?`, listID, resourceID).Scan(&pos)
		if errors.Is(err, sql.ErrNoRows) {
			return catalog.Errorf(catalog.NotFound, "%q is not in this list", resourceID)
		}
		if err != nil {
			return fmt.Errorf("move list item: %w", err)
		}
		cmp, order := "<", "DESC"
		if delta > 0 {
			cmp, order = ">", "ASC"
		}
		var other string
		var otherPos int
		err = tx.QueryRowContext(ctx, `SELECT resource_id, position FROM reading_list_items WHERE list_id = ? AND position `+cmp+` ?
			ORDER BY position `+order+` LIMIT 1`, listID, pos).Scan(&other, &otherPos)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("move list item: %w", err)
		}
		for _, u := range []struct {
			id  string
			pos int
		}{{resourceID, otherPos}, {other, pos}} {
			if _, err := tx.ExecContext(ctx, `UPDATE reading_list_items SET position = ? WHERE list_id = ? AND resource_id = ?`, u.pos, listID, u.id); err != nil {
				return fmt.Errorf("move list item: %w", err)
			}
		}
		return touchList(ctx, tx, listID, at)
	})
}

func touchList(ctx context.Context, tx *sql.Tx, id string, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE reading_lists SET updated = ? WHERE id = ?`, stamp(at), id); err != nil {
		return fmt.Errorf("touch list %s: %w", id, err)
	}
	return nil
}

func oneRow(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return catalog.Errorf(catalog.NotFound, "no such %s", strings.TrimSpace(what))
	}
	return nil
}
