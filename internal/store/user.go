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

// stampLayout is fixed-width so stored times compare correctly as text
// (RFC3339Nano trims trailing zeros, which breaks text order).
const stampLayout = "2006-01-02T15:04:05.000000Z"

// stamp formats t for the auth tables; the zero time is "".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(stampLayout)
}

// unstamp parses a stamp; "" and garbage give the zero time.
func unstamp(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(stampLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

const userCols = `u.id, u.email, u.name, u.password_hash, u.role, u.membership_expires,
	coalesce(o.id, 0), coalesce(o.name, ''), coalesce(o.membership_expires, ''), u.disabled,
	u.created, u.updated, u.password_changed, u.last_login`

const userFrom = ` FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id`

func scanUser(row interface{ Scan(...any) error }) (*catalog.User, error) {
	var u catalog.User
	var created, updated, pwChanged, lastLogin string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.Expires,
		&u.OrgID, &u.OrgName, &u.OrgExpires, &u.Disabled, &created, &updated, &pwChanged, &lastLogin)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.Created, u.Updated = unstamp(created), unstamp(updated)
	u.PasswordChanged, u.LastLogin = unstamp(pwChanged), unstamp(lastLogin)
	return &u, nil
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CreateUser inserts u (its OrgID, not OrgName, names the organisation)
// and sets u.ID. A taken email (any case) gives catalog.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *catalog.User, at time.Time) error {
	var org any
	if u.OrgID != 0 {
		org = u.OrgID
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, role,
		membership_expires, organisation_id, disabled, created, updated, password_changed)
		VALUES (?,?,?,?,?,?,?,?,?,?)`,
		u.Email, u.Name, u.PasswordHash, u.Role, u.Expires, org, u.Disabled, stamp(at), stamp(at),
		stampIf(u.PasswordHash != "", at))
	if isUnique(err) {
		return catalog.Errorf(catalog.Conflict, "create user %q: email already registered", u.Email)
	}
	if err != nil {
		return fmt.Errorf("create user %q: %w", u.Email, err)
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("create user %q: %w", u.Email, err)
	}
	u.Created, u.Updated = at.UTC(), at.UTC()
	return nil
}

func stampIf(ok bool, t time.Time) string {
	if !ok {
		return ""
	}
	return stamp(t)
}

// UserByEmail finds a user by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*catalog.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+userFrom+` WHERE u.email = ?`, email))
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", email, err)
	}
	return u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*catalog.User, error) {
	u, err := scanUser(s.queryRowPrepared(ctx, `SELECT `+userCols+userFrom+` WHERE u.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// effExpires is the effective end date in SQL: the later of the two.
const effExpires = `max(u.membership_expires, coalesce(o.membership_expires, ''))`

// ListUsers returns users matching f, by email.
func (s *Store) ListUsers(ctx context.Context, f catalog.UserFilter) ([]*catalog.User, error) {
	where := []string{"1=1"}
	var args []any
	if f.Role != "" {
		where = append(where, "u.role = ?")
		args = append(args, f.Role)
	}
	if f.ExpiresFrom != "" || f.ExpiresTo != "" {
		where = append(where, "u.role = 'member'", effExpires+" <> ''")
	}
	if f.ExpiresFrom != "" {
		where = append(where, effExpires+" >= ?")
		args = append(args, f.ExpiresFrom)
	}
	if f.ExpiresTo != "" {
		where = append(where, effExpires+" <= ?")
		args = append(args, f.ExpiresTo)
	}
	if f.OrgID != 0 {
		where = append(where, "u.organisation_id = ?")
		args = append(args, f.OrgID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, `(u.email LIKE ? ESCAPE '\' OR u.name LIKE ? ESCAPE '\')`)
		pat := "%" + likeEscape(q) + "%"
		args = append(args, pat, pat)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10_000 {
		limit = 10_000
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+userFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY u.email LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*catalog.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateUser writes u's email, name, role, end date, organisation and
// disabled flag (not the password). A disabled user's sessions are ended
// in the same transaction, and mails (a notice of the change) are queued
// in it.
func (s *Store) UpdateUser(ctx context.Context, u *catalog.User, at time.Time, mails ...*catalog.OutMail) error {
	var org any
	if u.OrgID != 0 {
		org = u.OrgID
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertMails(ctx, tx, at, mails); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET email=?, name=?, role=?, membership_expires=?,
			organisation_id=?, disabled=?, updated=? WHERE id=?`,
			u.Email, u.Name, u.Role, u.Expires, org, u.Disabled, stamp(at), u.ID)
		if isUnique(err) {
			return catalog.Errorf(catalog.Conflict, "update user %d: email %q already registered", u.ID, u.Email)
		}
		if err := mustAffect(res, err); err != nil {
			return fmt.Errorf("update user %d: %w", u.ID, err)
		}
		if u.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return fmt.Errorf("end sessions of disabled user %d: %w", u.ID, err)
			}
		}
		u.Updated = at.UTC()
		return nil
	})
}

// SetPassword replaces a user's password hash and ends their sessions
// except keep (a session token hash; "" ends all).
func (s *Store) SetPassword(ctx context.Context, id int64, hash, keep string, at time.Time, mails ...*catalog.OutMail) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertMails(ctx, tx, at, mails); err != nil {
			return err
		}
		return setPassword(ctx, tx, id, hash, keep, at)
	})
}

func setPassword(ctx context.Context, tx *sql.Tx, id int64, hash, keep string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash=?, password_changed=?, updated=? WHERE id=?`,
		hash, stamp(at), stamp(at), id)
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, id, keep); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", id, err)
	}
	return nil
}

// TouchLogin records a successful sign-in.
func (s *Store) TouchLogin(ctx context.Context, id int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET last_login = ? WHERE id = ?`, stamp(at), id)
	if err := mustAffect(res, err); err != nil {
		return fmt.Errorf("record sign-in of user %d: %w", id, err)
	}
	return nil
}

// CountUsers returns the number of enabled accounts with role ("" for all).
func (s *Store) CountUsers(ctx context.Context, role catalog.Role) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE disabled = 0 AND (? = '' OR role = ?)`,
		role, role).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// mustAffect turns "no row changed" into catalog.ErrNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return catalog.ErrNotFound
	}
	return nil
}
