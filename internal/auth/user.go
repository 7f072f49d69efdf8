package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"safelib/internal/catalog"
)

const maxEmailLen = 254

// LapsingDays is the window of the "lapsing" filter: memberships ending
// within it (from today) are due for renewal.
const LapsingDays = 30

// NewUser is what an admin gives to add an account.
type NewUser struct {
	Email string
	Name  string
	Role  catalog.Role
	// Expires is the membership end date, "YYYY-MM-DD" (members).
	Expires string
	// Org names an existing organisation whose membership is shared.
	Org string
	// Password may be empty: the person then needs a reset link.
	Password string
}

// CheckEmail validates and normalises an email address.
func CheckEmail(s string) (string, error) {
	s = normEmail(s)
	if s == "" || len(s) > maxEmailLen {
		return "", catalog.Errorf(catalog.Invalid, "email is required (at most %d characters)", maxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", catalog.Errorf(catalog.Invalid, "%q is not an email address", s)
	}
	return s, nil
}

// CheckDate validates a membership end date: "" or YYYY-MM-DD.
func CheckDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(dateLayout, s); err != nil || len(s) != len(dateLayout) {
		return "", catalog.Errorf(catalog.Invalid, "end date %q: want YYYY-MM-DD", s)
	}
	return s, nil
}

func requireAdmin(actor Actor, what string) error {
	if actor.Role != catalog.RoleAdmin {
		return catalog.Errorf(catalog.Forbidden, "only admins %s", what)
	}
	return nil
}

// AddUser creates an account (admins only). A member needs an end date or
// an organisation.
func (a *Auth) AddUser(ctx context.Context, actor Actor, nu NewUser) (*catalog.User, error) {
	if err := requireAdmin(actor, "add people"); err != nil {
		return nil, err
	}
	email, err := CheckEmail(nu.Email)
	if err != nil {
		return nil, err
	}
	if !nu.Role.Valid() {
		return nil, catalog.Errorf(catalog.Invalid, "role %q: want member, staff or admin", nu.Role)
	}
	expires, err := CheckDate(nu.Expires)
	if err != nil {
		return nil, err
	}
	name := strings.Join(strings.Fields(nu.Name), " ")
	if len(name) > 200 {
		return nil, catalog.Errorf(catalog.Invalid, "name longer than 200 bytes")
	}
	u := &catalog.User{Email: email, Name: name, Role: nu.Role, Expires: expires}
	if nu.Org != "" {
		o, err := a.st.OrganisationByName(ctx, strings.TrimSpace(nu.Org))
		if err != nil {
			return nil, err
		}
		u.OrgID, u.OrgName, u.OrgExpires = o.ID, o.Name, o.Expires
	}
	if u.Role == catalog.RoleMember && u.Expires == "" && u.OrgID == 0 {
		return nil, catalog.Errorf(catalog.Invalid, "a member needs a membership end date or an organisation")
	}
	if nu.Password != "" {
		if err := CheckPassword(nu.Password); err != nil {
			return nil, err
		}
		if u.PasswordHash, err = a.hash(ctx, nu.Password); err != nil {
			return nil, err
		}
	}
	if err := a.st.CreateUser(ctx, u, a.now()); err != nil {
		return nil, err
	}
	if err := a.Audit(ctx, actor, "user.add", u.Email, map[string]string{"role": string(u.Role), "expires": u.Expires, "organisation": u.OrgName}); err != nil {
		return u, err
	}
	return u, nil
}

// UserChange lists the fields to change; nil leaves a field alone.
type UserChange struct {
	// Email changes the sign-in address; the old address is told.
	Email    *string
	Name     *string
	Role     *catalog.Role
	Expires  *string // "" clears
	Org      *string // "" detaches
	Disabled *bool
}

// UpdateUser changes an account (admins only). Disabling ends its
// sessions. The last enabled admin can't be demoted or disabled, so the
// site always has someone to manage it.
func (a *Auth) UpdateUser(ctx context.Context, actor Actor, email string, ch UserChange) (*catalog.User, error) {
	if err := requireAdmin(actor, "change people"); err != nil {
		return nil, err
	}
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return nil, err
	}
	before := *u
	type change struct {
		action  string
		details map[string]string
	}
	var changes []change
	if ch.Email != nil {
		e, err := CheckEmail(*ch.Email)
		if err != nil {
			return nil, err
		}
		if e != u.Email {
			u.Email = e
			changes = append(changes, change{"user.email", map[string]string{"from": before.Email, "to": e}})
		}
	}
	if ch.Name != nil {
		name := strings.Join(strings.Fields(*ch.Name), " ")
		if len(name) > 200 {
			return nil, catalog.Errorf(catalog.Invalid, "name longer than 200 bytes")
		}
		u.Name = name
	}
	if ch.Role != nil && *ch.Role != u.Role {
		if !ch.Role.Valid() {
			return nil, catalog.Errorf(catalog.Invalid, "role %q: want member, staff or admin", *ch.Role)
		}
		u.Role = *ch.Role
		changes = append(changes, change{"user.role", map[string]string{"from": string(before.Role), "to": string(u.Role)}})
	}
	if ch.Expires != nil {
		d, err := CheckDate(*ch.Expires)
		if err != nil {
			return nil, err
		}
		if d != u.Expires {
			u.Expires = d
			changes = append(changes, change{"user.expires", map[string]string{"from": before.Expires, "to": d}})
		}
	}
	if ch.Org != nil {
		name := strings.TrimSpace(*ch.Org)
		if name == "" {
			u.OrgID, u.OrgName, u.OrgExpires = 0, "", ""
		} else {
			o, err := a.st.OrganisationByName(ctx, name)
			if err != nil {
				return nil, err
			}
			u.OrgID, u.OrgName, u.OrgExpires = o.ID, o.Name, o.Expires
		}
		if u.OrgID != before.OrgID {
			changes = append(changes, change{"user.organisation", map[string]string{"from": before.OrgName, "to": u.OrgName}})
		}
	}
	if ch.Disabled != nil && *ch.Disabled != u.Disabled {
		u.Disabled = *ch.Disabled
		if u.Disabled {
			changes = append(changes, change{"user.disable", nil})
		} else {
			changes = append(changes, change{"user.enable", nil})
		}
	}
	if before.Role == catalog.RoleAdmin && !before.Disabled && (u.Role != catalog.RoleAdmin || u.Disabled) {
		n, err := a.st.CountUsers(ctx, catalog.RoleAdmin)
		if err != nil {
			return nil, err
		}
		if n <= 1 {
			return nil, catalog.Errorf(catalog.Conflict, "%s is the last admin; make another admin first", u.Email)
		}
	}
	mails, err := a.emailNotice(&before, u.Email)
	if err != nil {
		return nil, err
	}
	if err := a.st.UpdateUser(ctx, u, a.now(), mails...); err != nil {
		return nil, err
	}
	if len(mails) > 0 {
		a.queued()
		// Throttling follows the address one signs in with.
		a.accounts.Reset("acct:" + before.Email)
	}
	if u.Name != before.Name {
		changes = append(changes, change{"user.name", map[string]string{"from": before.Name, "to": u.Name}})
	}
	for _, c := range changes {
		if err := a.Audit(ctx, actor, c.action, u.Email, c.details); err != nil {
			return u, err
		}
	}
	return u, nil
}

// SetPassword sets someone's password (admins only; the command line uses
// it for the first admin). Their sessions end.
func (a *Auth) SetPassword(ctx context.Context, actor Actor, email, password string) error {
	if err := requireAdmin(actor, "set others' passwords"); err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return err
	}
	h, err := a.hash(ctx, password)
	if err != nil {
		return err
	}
	mails, err := a.passwordNotice(u)
	if err != nil {
		return err
	}
	if err := a.st.SetPassword(ctx, u.ID, h, "", a.now(), mails...); err != nil {
		return err
	}
	if len(mails) > 0 {
		a.queued()
	}
	a.accounts.Reset("acct:" + u.Email)
	if err := a.Audit(ctx, actor, "user.password_set", u.Email, nil); err != nil {
		return err
	}
	return nil
}

// ChangePassword changes the signed-in person's own password after
// checking the current one, keeping the session keep (a session token)
// and ending the others. A wrong current password counts as a failed
// sign-in for throttling.
func (a *Auth) ChangePassword(ctx context.Context, id *Identity, keep, current, next string, c Client) error {
	acctKey := "acct:" + normEmail(id.User.Email)
	if wait := a.accounts.Wait(acctKey); wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	u, err := a.st.UserByID(ctx, id.User.ID)
	if err != nil {
		return err
	}
	ok, err := a.verify(ctx, truncate(current, MaxPasswordLen), u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		a.accounts.Fail(acctKey)
		if err := a.Audit(ctx, ActorFor(u, c.IP), "password.change_failed", u.Email, nil); err != nil {
			return err
		}
		return catalog.Errorf(catalog.Invalid, "the current password is wrong")
	}
	if err := CheckPassword(next); err != nil {
		return err
	}
	h, err := a.hash(ctx, next)
	if err != nil {
		return err
	}
	keepHash := ""
	if keep != "" {
		keepHash = catalog.SecretDigest(keep)
	}
	mails, err := a.passwordNotice(u)
	if err != nil {
		return err
	}
	if err := a.st.SetPassword(ctx, u.ID, h, keepHash, a.now(), mails...); err != nil {
		return err
	}
	if len(mails) > 0 {
		a.queued()
	}
	if err := a.Audit(ctx, ActorFor(u, c.IP), "password.change", u.Email, nil); err != nil {
		return err
	}
	return nil
}

// ChangeEmail changes the signed-in person's own sign-in address after
// checking their password (a wrong one counts as a failed sign-in for
// throttling), and tells the old address in the same transaction.
func (a *Auth) ChangeEmail(ctx context.Context, id *Identity, password, newEmail string, c Client) (*catalog.User, error) {
	acctKey := "acct:" + normEmail(id.User.Email)
	if wait := a.accounts.Wait(acctKey); wait > 0 {
		return nil, &ThrottledError{RetryAfter: wait}
	}
	u, err := a.st.UserByID(ctx, id.User.ID)
	if err != nil {
		return nil, err
	}
	ok, err := a.verify(ctx, truncate(password, MaxPasswordLen), u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		a.accounts.Fail(acctKey)
		if err := a.Audit(ctx, ActorFor(u, c.IP), "email.change_failed", u.Email, nil); err != nil {
			return nil, err
		}
		return nil, catalog.Errorf(catalog.Invalid, "the password is wrong")
	}
	e, err := CheckEmail(newEmail)
	if err != nil {
		return nil, err
	}
	if e == u.Email {
		return nil, catalog.Errorf(catalog.Invalid, "%s is already your sign-in address", e)
	}
	before := *u
	u.Email = e
	mails, err := a.emailNotice(&before, e)
	if err != nil {
		return nil, err
	}
	if err := a.st.UpdateUser(ctx, u, a.now(), mails...); err != nil {
		return nil, err
	}
	if len(mails) > 0 {
		a.queued()
	}
	if err := a.Audit(ctx, ActorFor(u, c.IP), "email.change", before.Email, map[string]string{"from": before.Email, "to": e}); err != nil {
		return u, err
	}
	return u, nil
}

// User returns the account with email (staff and admins, or oneself).
func (a *Auth) User(ctx context.Context, actor Actor, email string) (*catalog.User, error) {
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return nil, err
	}
	if actor.Role != catalog.RoleAdmin && actor.Role != catalog.RoleStaff && actor.ID != u.ID {
		return nil, catalog.ErrNotFound
	}
	return u, nil
}

// UserByID returns the account with id (staff and admins, or oneself).
func (a *Auth) UserByID(ctx context.Context, actor Actor, id int64) (*catalog.User, error) {
	if actor.Role != catalog.RoleAdmin && actor.Role != catalog.RoleStaff && actor.ID != id {
		return nil, catalog.ErrNotFound
	}
	u, err := a.st.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserQuery narrows Users.
type UserQuery struct {
	Role  catalog.Role
	Query string
	// Lapsing keeps members whose effective end date is within the next
	// LapsingDays days (today included); Lapsed keeps those already past.
	Lapsing, Lapsed bool
	Org             string
	Limit           int
}

// Users lists accounts (staff and admins: staff chase renewals).
func (a *Auth) Users(ctx context.Context, actor Actor, q UserQuery) ([]*catalog.User, error) {
	if actor.Role != catalog.RoleAdmin && actor.Role != catalog.RoleStaff {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff list people")
	}
	f := catalog.UserFilter{Role: q.Role, Query: q.Query, Limit: q.Limit}
	today := a.now().In(a.loc)
	switch {
	case q.Lapsing:
		f.ExpiresFrom = today.Format(dateLayout)
		f.ExpiresTo = today.AddDate(0, 0, LapsingDays).Format(dateLayout)
	case q.Lapsed:
		f.ExpiresTo = today.AddDate(0, 0, -1).Format(dateLayout)
	}
	if q.Org != "" {
		o, err := a.st.OrganisationByName(ctx, q.Org)
		if err != nil {
			return nil, err
		}
		f.OrgID = o.ID
	}
	return a.st.ListUsers(ctx, f)
}

// EndSessions signs an account out everywhere (admins, or oneself).
func (a *Auth) EndSessions(ctx context.Context, actor Actor, email string) (int, error) {
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return 0, err
	}
	if actor.Role != catalog.RoleAdmin && actor.ID != u.ID {
		return 0, catalog.Errorf(catalog.Forbidden, "only admins end others' sessions")
	}
	n, err := a.st.DeleteUserSessions(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	if err := a.Audit(ctx, actor, "user.sessions_ended", u.Email, map[string]string{"sessions": fmt.Sprint(n)}); err != nil {
		return n, err
	}
	return n, nil
}

// Sessions lists an account's sessions (admins, or oneself).
func (a *Auth) Sessions(ctx context.Context, actor Actor, email string) ([]*catalog.Session, error) {
	u, err := a.st.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return nil, err
	}
	if actor.Role != catalog.RoleAdmin && actor.ID != u.ID {
		return nil, catalog.Errorf(catalog.Forbidden, "only admins see others' sessions")
	}
	return a.st.UserSessions(ctx, u.ID)
}

// AddOrganisation creates an organisation (admins only).
func (a *Auth) AddOrganisation(ctx context.Context, actor Actor, name, expires string) (*catalog.Organisation, error) {
	if err := requireAdmin(actor, "add organisations"); err != nil {
		return nil, err
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len(name) > 200 {
		return nil, catalog.Errorf(catalog.Invalid, "organisation name is required (at most 200 bytes)")
	}
	d, err := CheckDate(expires)
	if err != nil {
		return nil, err
	}
	o := &catalog.Organisation{Name: name, Expires: d}
	if err := a.st.CreateOrganisation(ctx, o, a.now()); err != nil {
		return nil, err
	}
	if err := a.Audit(ctx, actor, "organisation.add", o.Name, map[string]string{"expires": d}); err != nil {
		return o, err
	}
	return o, nil
}

// SetOrganisationExpires changes an organisation's end date (admins only).
func (a *Auth) SetOrganisationExpires(ctx context.Context, actor Actor, name, expires string) (*catalog.Organisation, error) {
	if err := requireAdmin(actor, "change organisations"); err != nil {
		return nil, err
	}
	d, err := CheckDate(expires)
	if err != nil {
		return nil, err
	}
	o, err := a.st.OrganisationByName(ctx, strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	from := o.Expires
	o.Expires = d
	if err := a.st.UpdateOrganisation(ctx, o, a.now()); err != nil {
		return nil, err
	}
	if err := a.Audit(ctx, actor, "organisation.expires", o.Name, map[string]string{"expires_from": from, "expires_to": d}); err != nil {
		return o, err
	}
	return o, nil
}

// Organisations lists organisations (staff and admins).
func (a *Auth) Organisations(ctx context.Context, actor Actor) ([]*catalog.Organisation, error) {
	if actor.Role != catalog.RoleAdmin && actor.Role != catalog.RoleStaff {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff list organisations")
	}
	return a.st.ListOrganisations(ctx)
}

// IsNotFound reports whether err means "no such account or organisation".
func IsNotFound(err error) bool { return errors.Is(err, catalog.ErrNotFound) }
