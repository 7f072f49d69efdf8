package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

const editionCols = `e.id, e.slug, e.title, e.intro, e.blocks, e.state, e.created, e.updated, e.sent,
	(SELECT count(*) FROM newsletter_deliveries d WHERE d.edition_id = e.id)`

func scanEdition(row interface{ Scan(...any) error }) (*catalog.Edition, error) {
	var e catalog.Edition
	var blocks, created, updated, sent string
	err := row.Scan(&e.ID, &e.Slug, &e.Title, &e.Intro, &blocks, &e.State, &created, &updated, &sent, &e.Recipients)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(blocks), &e.Blocks); err != nil {
		return nil, fmt.Errorf("edition %d blocks: %w", e.ID, err)
	}
	e.Created, e.Updated, e.Sent = unstamp(created), unstamp(updated), unstamp(sent)
	return &e, nil
}

func editionBlocks(e *catalog.Edition) (string, error) {
	if e.Blocks == nil {
		return "[]", nil
	}
	b, err := json.Marshal(e.Blocks)
	return string(b), err
}

// CreateEdition saves a new draft and sets e.ID. A taken address gives a
// conflict.
func (s *Store) CreateEdition(ctx context.Context, e *catalog.Edition, by string, at time.Time) error {
	blocks, err := editionBlocks(e)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO newsletter_editions (slug, title, intro, blocks, created, updated, updated_by)
		VALUES (?,?,?,?,?,?,?)`, e.Slug, e.Title, e.Intro, blocks, stamp(at), stamp(at), by)
	if isUnique(err) {
		return catalog.Errorf(catalog.Conflict, "an edition at /newsletter/%s exists already: choose another address", e.Slug)
	}
	if err != nil {
		return fmt.Errorf("create edition: %w", err)
	}
	e.ID, _ = res.LastInsertId()
	e.State, e.Created, e.Updated = catalog.EditionDraft, at.UTC(), at.UTC()
	return nil
}

// UpdateEdition saves a draft's title, address, introduction and blocks.
// A sent edition is not changed (conflict).
func (s *Store) UpdateEdition(ctx context.Context, e *catalog.Edition, by string, at time.Time) error {
	blocks, err := editionBlocks(e)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE newsletter_editions SET slug=?, title=?, intro=?, blocks=?, updated=?, updated_by=?
		WHERE id = ? AND state = 'draft'`, e.Slug, e.Title, e.Intro, blocks, stamp(at), by, e.ID)
	if isUnique(err) {
		return catalog.Errorf(catalog.Conflict, "an edition at /newsletter/%s exists already: choose another address", e.Slug)
	}
	if err := mustAffect(res, err); errors.Is(err, catalog.ErrNotFound) {
		if _, gerr := s.Edition(ctx, e.ID); gerr != nil {
			return gerr
		}
		return catalog.Errorf(catalog.Conflict, "this edition has been sent: it can no longer be changed")
	} else if err != nil {
		return fmt.Errorf("update edition %d: %w", e.ID, err)
	}
	e.Updated = at.UTC()
	return nil
}

// DeleteEdition removes a draft (a sent edition stays: it is published).
func (s *Store) DeleteEdition(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM newsletter_editions WHERE id = ? AND state = 'draft'`, id)
	if err := mustAffect(res, err); errors.Is(err, catalog.ErrNotFound) {
		if _, gerr := s.Edition(ctx, id); gerr != nil {
			return gerr
		}
		return catalog.Errorf(catalog.Conflict, "this edition has been sent: it stays published")
	} else if err != nil {
		return fmt.Errorf("delete edition %d: %w", id, err)
	}
	return nil
}

// Edition reads one edition by id.
func (s *Store) Edition(ctx context.Context, id int64) (*catalog.Edition, error) {
	e, err := scanEdition(s.db.QueryRowContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions e WHERE e.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("edition %d: %w", id, err)
	}
	return e, nil
}

// EditionBySlug reads one edition by its address.
func (s *Store) EditionBySlug(ctx context.Context, slug string) (*catalog.Edition, error) {
	e, err := scanEdition(s.db.QueryRowContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions e WHERE e.slug = ?`, slug))
	if err != nil {
		return nil, fmt.Errorf("edition %q: %w", slug, err)
	}
	return e, nil
}

// Editions lists editions in state ("" for all): sent ones newest sent
// first, then drafts newest first.
func (s *Store) Editions(ctx context.Context, state string, limit int) ([]*catalog.Edition, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions e
		WHERE ?1 = '' OR e.state = ?1 ORDER BY e.state = 'draft', e.sent DESC, e.updated DESC, e.id DESC LIMIT ?2`, state, limit)
	if err != nil {
		return nil, fmt.Errorf("list editions: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEditionSent is when the latest edition was sent (zero: never).
func (s *Store) LastEditionSent(ctx context.Context) (time.Time, error) {
	var t sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT max(sent) FROM newsletter_editions WHERE state = 'sent'`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("last edition: %w", err)
	}
	return unstamp(t.String), nil
}

// ResourceIDsAddedSince lists active resources added after since, newest
// first, at most limit.
func (s *Store) ResourceIDsAddedSince(ctx context.Context, since time.Time, limit int) ([]string, error) {
	// created is RFC 3339 with trimmed fractions, which do not compare as
	// text: compare as times.
	out, err := s.queryStrings(ctx, `SELECT id FROM resources WHERE status = 'active'
		AND julianday(created) > julianday(?) ORDER BY julianday(created) DESC, id LIMIT ?`, since.UTC().Format(timeLayout), limit)
	if err != nil {
		return nil, fmt.Errorf("resources added since %s: %w", since, err)
	}
	return out, nil
}

// EditionDelivery is one person's message of an edition.
type EditionDelivery struct {
	UserID int64
	Mail   *catalog.OutMail
}

// QueueEdition marks edition id sent and queues its messages, in one
// transaction: a person already sent it, or who has opted out since the
// messages were built, is skipped (their message is not queued), so each
// (edition, person) goes once, ever. It returns how many were queued.
func (s *Store) QueueEdition(ctx context.Context, id int64, at time.Time, ds []EditionDelivery) (int, error) {
	queued := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		queued = 0
		res, err := tx.ExecContext(ctx, `UPDATE newsletter_editions SET state = 'sent',
			sent = CASE sent WHEN '' THEN ?1 ELSE sent END, updated = ?1 WHERE id = ?2`, stamp(at), id)
		if err := mustAffect(res, err); err != nil {
			return fmt.Errorf("send edition %d: %w", id, err)
		}
		for _, d := range ds {
			res, err := tx.ExecContext(ctx, `INSERT INTO newsletter_deliveries (edition_id, user_id, message_id, queued)
				SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM mail_optouts WHERE user_id = ?2 AND what = 'newsletter')
				ON CONFLICT DO NOTHING`, id, d.UserID, d.Mail.MessageID, stamp(at))
			if err != nil {
				return fmt.Errorf("deliver edition %d to %d: %w", id, d.UserID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := insertMail(ctx, tx, d.Mail, at); err != nil {
				return err
			}
			queued++
		}
		return nil
	})
	return queued, err
}

// EditionRecipients returns the ids of the people edition id was sent to.
func (s *Store) EditionRecipients(ctx context.Context, id int64) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id FROM newsletter_deliveries WHERE edition_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("newsletter readers: %w", err)
	}
	return idSet(rows)
}

// idSet reads and closes rows of one integer id column.
func idSet(rows *sql.Rows) (map[int64]bool, error) {
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
