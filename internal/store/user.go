package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Roles a user row may hold. Anonymous readers have no row.
const (
	RoleMember = "member"
	RoleStaff  = "staff"
	RoleAdmin  = "admin"
)

// User is an account. Membership dates are civil dates, "YYYY-MM-DD",
// inclusive; "" means none.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	// Expires is the person's own membership end date.
	Expires string
	// OrgID, OrgName and OrgExpires describe the organisation whose
	// membership the person shares (OrgID 0 when none).
	OrgID      int64
	OrgName    string
	OrgExpires string
	Disabled   bool
	Created    time.Time
	Updated    time.Time
	// PasswordChanged and LastLogin are zero when never.
	PasswordChanged time.Time
	LastLogin       time.Time
}

// EffectiveExpires is the later of the person's and the organisation's
// membership end dates ("" when neither is set).
func (u *User) EffectiveExpires() string {
	if u.OrgExpires > u.Expires {
		return u.OrgExpires
	}
	return u.Expires
}

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

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var created, updated, pwChanged, lastLogin string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.Expires,
		&u.OrgID, &u.OrgName, &u.OrgExpires, &u.Disabled, &created, &updated, &pwChanged, &lastLogin)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
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
// and sets u.ID. A taken email (any case) gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User, at time.Time) error {
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
		return fmt.Errorf("create user %q: email already registered: %w", u.Email, ErrConflict)
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
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+userFrom+` WHERE u.email = ?`, email))
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", email, err)
	}
	return u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+userFrom+` WHERE u.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// UserFilter narrows ListUsers. Dates are "YYYY-MM-DD".
type UserFilter struct {
	// Role keeps one role ("" for all).
	Role string
	// ExpiresFrom and ExpiresTo keep members whose effective end date lies
	// in [ExpiresFrom, ExpiresTo] (each bound optional; either set keeps
	// members only, and members with no end date never match).
	ExpiresFrom, ExpiresTo string
	// OrgID keeps the people of one organisation.
	OrgID int64
	// Query keeps emails or names containing it (case-insensitive).
	Query string
	// Limit caps the rows (default and maximum 10,000).
	Limit int
}

// effExpires is the effective end date in SQL: the later of the two.
const effExpires = `max(u.membership_expires, coalesce(o.membership_expires, ''))`

// ListUsers returns users matching f, by email.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]*User, error) {
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
	var out []*User
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
// in the same transaction.
func (s *Store) UpdateUser(ctx context.Context, u *User, at time.Time) error {
	var org any
	if u.OrgID != 0 {
		org = u.OrgID
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET email=?, name=?, role=?, membership_expires=?,
			organisation_id=?, disabled=?, updated=? WHERE id=?`,
			u.Email, u.Name, u.Role, u.Expires, org, u.Disabled, stamp(at), u.ID)
		if isUnique(err) {
			return fmt.Errorf("update user %d: email %q already registered: %w", u.ID, u.Email, ErrConflict)
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
func (s *Store) SetPassword(ctx context.Context, id int64, hash, keep string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return setPassword(ctx, tx, id, hash, keep, at) })
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
func (s *Store) CountUsers(ctx context.Context, role string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE disabled = 0 AND (? = '' OR role = ?)`,
		role, role).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// mustAffect turns "no row changed" into ErrNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
