package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"safelib/internal/catalog"
)

// insertMail writes m as pending, due at m.Next (or now), inside tx: the
// message commits or vanishes with what caused it.
func insertMail(ctx context.Context, tx *sql.Tx, m *catalog.OutMail, at time.Time) error {
	if m.To == "" || m.MessageID == "" {
		return errors.New("outbox: a message needs a recipient and a Message-ID")
	}
	h, err := json.Marshal(m.Headers)
	if err != nil {
		return fmt.Errorf("outbox headers: %w", err)
	}
	if m.Headers == nil {
		h = []byte("{}")
	}
	next := m.Next
	if next.IsZero() {
		next = at
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox
		(kind, to_addr, subject, text_body, html_body, headers, message_id, created, next_attempt, recheck)
		VALUES (?,?,?,?,?,?,?,?,?,?)`,
		m.Kind, m.To, m.Subject, m.Text, m.HTML, string(h), m.MessageID, stamp(at), stamp(next), m.Recheck)
	if err != nil {
		return fmt.Errorf("queue mail to %s: %w", m.To, err)
	}
	m.ID, _ = res.LastInsertId()
	m.State, m.Created, m.Next = catalog.MailPending, at, next
	return nil
}

// QueueMail writes messages to the outbox in one transaction.
func (s *Store) QueueMail(ctx context.Context, at time.Time, ms ...*catalog.OutMail) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return insertMails(ctx, tx, at, ms) })
}

// insertMails queues ms inside tx (the transaction of their cause).
func insertMails(ctx context.Context, tx *sql.Tx, at time.Time, ms []*catalog.OutMail) error {
	for _, m := range ms {
		if err := insertMail(ctx, tx, m, at); err != nil {
			return err
		}
	}
	return nil
}

const mailCols = `id, kind, to_addr, subject, text_body, html_body, headers, message_id, state,
	attempts, created, next_attempt, first_try, last_try, sent, last_error, recheck`

func scanMail(sc interface{ Scan(...any) error }) (*catalog.OutMail, error) {
	var m catalog.OutMail
	var h, created, next, first, last, sent string
	if err := sc.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Text, &m.HTML, &h, &m.MessageID, &m.State,
		&m.Attempts, &created, &next, &first, &last, &sent, &m.LastError, &m.Recheck); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(h), &m.Headers); err != nil {
		return nil, fmt.Errorf("outbox %d headers: %w", m.ID, err)
	}
	m.Created, m.Next, m.FirstTry, m.LastTry, m.Sent = unstamp(created), unstamp(next), unstamp(first), unstamp(last), unstamp(sent)
	return &m, nil
}

// scanMails reads and closes rows of mailCols.
func scanMails(rows *sql.Rows) ([]*catalog.OutMail, error) {
	defer rows.Close()
	var out []*catalog.OutMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ClaimMail marks up to limit pending messages due at at as sending and
// returns them, oldest first. From here until MailSent or MailRetry
// commits, a crash leaves the row in sending: RecoverSending puts it back.
func (s *Store) ClaimMail(ctx context.Context, at time.Time, limit int) ([]*catalog.OutMail, error) {
	var out []*catalog.OutMail
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1,
			last_try = ?1, first_try = CASE first_try WHEN '' THEN ?1 ELSE first_try END
			WHERE id IN (SELECT id FROM mail_outbox WHERE state = 'pending' AND next_attempt <= ?1
			             ORDER BY next_attempt, id LIMIT ?2)
			RETURNING `+mailCols, stamp(at), limit)
		if err != nil {
			return fmt.Errorf("claim mail: %w", err)
		}
		out, err = scanMails(rows)
		return err
	})
	// RETURNING gives no order; the sender wants oldest first.
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// MailSent records that the server accepted message id.
func (s *Store) MailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE mail_outbox SET state = 'sent', sent = ?, last_error = '' WHERE id = ?`, stamp(at), id)
	if err != nil {
		return fmt.Errorf("mark mail %d sent: %w", id, err)
	}
	return nil
}

// MailRetry puts message id back to pending, due at next, with the reason.
func (s *Store) MailRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE mail_outbox SET state = 'pending', next_attempt = ?, last_error = ? WHERE id = ?`,
		stamp(next), reason, id)
	if err != nil {
		return fmt.Errorf("retry mail %d: %w", id, err)
	}
	return nil
}

// MailFailed records a permanent failure with the server's words.
func (s *Store) MailFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE mail_outbox SET state = 'failed', last_error = ? WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("mark mail %d failed: %w", id, err)
	}
	return nil
}

// RecoverSending puts messages a crash left in sending back to pending,
// due now, and returns them: each may or may not have reached the server.
func (s *Store) RecoverSending(ctx context.Context, at time.Time) ([]*catalog.OutMail, error) {
	rows, err := s.db.QueryContext(ctx, `UPDATE mail_outbox SET state = 'pending', next_attempt = ?
		WHERE state = 'sending' RETURNING `+mailCols, stamp(at))
	if err != nil {
		return nil, fmt.Errorf("recover sending mail: %w", err)
	}
	return scanMails(rows)
}

// MailCounts counts the outbox by state.
func (s *Store) MailCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM mail_outbox GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count mail: %w", err)
	}
	defer rows.Close()
	out := map[string]int{catalog.MailPending: 0, catalog.MailSending: 0, catalog.MailSent: 0, catalog.MailFailed: 0}
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

// Mails lists messages in state (all states when ""), newest first.
func (s *Store) Mails(ctx context.Context, state string, limit int) ([]*catalog.OutMail, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+mailCols+` FROM mail_outbox
		WHERE ?1 = '' OR state = ?1 ORDER BY id DESC LIMIT ?2`, state, limit)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return scanMails(rows)
}

// NextMailDue is when the earliest pending message is due (zero: none).
func (s *Store) NextMailDue(ctx context.Context) (time.Time, error) {
	var next sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT min(next_attempt) FROM mail_outbox WHERE state = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("next mail: %w", err)
	}
	return unstamp(next.String), nil
}

// MailRebuilt replaces the recipient, subject, bodies, headers and recheck of message
// m.ID (claimed, in sending) with m's: the sender rebuilt it for what its
// reader may read now.
func (s *Store) MailRebuilt(ctx context.Context, m *catalog.OutMail) error {
	h, err := json.Marshal(m.Headers)
	if err != nil {
		return fmt.Errorf("outbox headers: %w", err)
	}
	if m.Headers == nil {
		h = []byte("{}")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE mail_outbox SET to_addr = ?, subject = ?, text_body = ?, html_body = ?, headers = ?, recheck = ?
		WHERE id = ? AND state = 'sending'`, m.To, m.Subject, m.Text, m.HTML, string(h), m.Recheck, m.ID)
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("rebuild mail %d: %w", m.ID, err)
	}
	return nil
}
