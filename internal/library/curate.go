package library

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// Staff curation: edits with optimistic concurrency, withdraw and restore,
// theme confirmation, history and earlier versions. Every method checks
// the reader is staff itself, and every change is written to the audit log
// in the same transaction as the resource, with who, when, and the values
// before and after.

// Audit actions for resources.
const (
	ActionCreate   = "resource.create"
	ActionUpdate   = "resource.update"
	ActionWithdraw = "resource.withdraw"
	ActionRestore  = "resource.restore"
	ActionThemes   = "resource.themes"
)

// Edit is a change to a resource's fields; nil fields stay as they are.
// The status changes only through Withdraw and Restore, the source never.
type Edit struct {
	URL, Title, Publisher, Type, Published, Area, Region, Summary, Body, Access *string
	Sport, Phone, Email, LastVerified, LastReviewed                             *string
	Themes, MachineThemes                                                       *[]string
}

// apply writes the set fields of e into r.
func (e Edit) apply(r *catalog.Resource) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.URL, e.URL)
	set(&r.Title, e.Title)
	set(&r.Publisher, e.Publisher)
	set(&r.Type, e.Type)
	set(&r.Area, e.Area)
	set(&r.Region, e.Region)
	set(&r.Summary, e.Summary)
	set(&r.Sport, e.Sport)
	set(&r.Phone, e.Phone)
	set(&r.Email, e.Email)
	if e.Body != nil && *e.Body != r.Body {
		r.Body = *e.Body
		r.Pages, r.Slides = nil, false // the per-page text no longer matches
	}
	if e.Published != nil {
		r.Published = catalog.Date(strings.TrimSpace(*e.Published))
	}
	if e.LastVerified != nil {
		r.LastVerified = catalog.Date(strings.TrimSpace(*e.LastVerified))
	}
	if e.LastReviewed != nil {
		r.LastReviewed = catalog.Date(strings.TrimSpace(*e.LastReviewed))
	}
	if e.Access != nil {
		r.Access = catalog.Access(strings.TrimSpace(strings.ToLower(*e.Access)))
	}
	if e.Themes != nil {
		r.Themes = append([]string(nil), (*e.Themes)...)
	}
	if e.MachineThemes != nil {
		r.MachineThemes = append([]string(nil), (*e.MachineThemes)...)
	}
}

// FieldDiff is one field whose value differs between two versions of a
// resource, written as people read it.
type FieldDiff struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// diffField is a field compared by diffs, with how to show it.
type diffField struct {
	name, label string
	get         func(*catalog.Resource) string
}

var diffFields = []diffField{
	{"title", "Title", func(r *catalog.Resource) string { return r.Title }},
	{"url", "Link", func(r *catalog.Resource) string { return r.URL }},
	{"publisher", "Publisher", func(r *catalog.Resource) string { return r.Publisher }},
	{"type", "Type", func(r *catalog.Resource) string { return r.Type }},
	{"published", "Published", func(r *catalog.Resource) string { return string(r.Published) }},
	{"themes", "Themes", func(r *catalog.Resource) string { return strings.Join(r.Themes, "; ") }},
	{"machine_themes", "Suggested themes", func(r *catalog.Resource) string { return strings.Join(r.MachineThemes, "; ") }},
	{"area", "Area", func(r *catalog.Resource) string { return r.Area }},
	{"region", "Region", func(r *catalog.Resource) string { return r.Region }},
	{"last_reviewed", "Last reviewed", func(r *catalog.Resource) string { return string(r.LastReviewed) }},
	{"summary", "Summary", func(r *catalog.Resource) string { return r.Summary }},
	{"access", "Access", func(r *catalog.Resource) string { return string(r.Access) }},
	{"sport", "Sport", func(r *catalog.Resource) string { return r.Sport }},
	{"phone", "Phone", func(r *catalog.Resource) string { return r.Phone }},
	{"email", "Email", func(r *catalog.Resource) string { return r.Email }},
	{"last_verified", "Last checked", func(r *catalog.Resource) string { return string(r.LastVerified) }},
	{"status", "Status", func(r *catalog.Resource) string { return r.Status }},
	{"body", "Text", func(r *catalog.Resource) string { return r.Body }},
}

// Diff lists the fields that differ between a and b (a before, b after).
// The text is summarised by its length, not shown.
func Diff(a, b *catalog.Resource) []FieldDiff {
	var out []FieldDiff
	for _, f := range diffFields {
		x, y := f.get(a), f.get(b)
		if x == y {
			continue
		}
		if f.name == "body" {
			x, y = describeText(x), describeText(y)
		}
		out = append(out, FieldDiff{Field: f.name, Label: f.label, Before: x, After: y})
	}
	return out
}

func describeText(s string) string {
	if s == "" {
		return "(none)"
	}
	return fmt.Sprintf("(%d characters)", utf8.RuneCountInString(s))
}

// maxAuditValue bounds one value in an audit entry.
const maxAuditValue = 2000

// auditEntry builds the audit entry of a change by rd.
func auditEntry(rd catalog.Reader, action, id string, diffs []FieldDiff, extra map[string]string) *catalog.AuditEntry {
	d := map[string]string{}
	for _, f := range diffs {
		d[f.Field+".before"] = clipText(f.Before, maxAuditValue)
		d[f.Field+".after"] = clipText(f.After, maxAuditValue)
	}
	for k, v := range extra {
		d[k] = clipText(v, maxAuditValue)
	}
	actor := rd.Email
	if actor == "" {
		actor = "system"
	}
	return &catalog.AuditEntry{At: time.Now(), ActorID: rd.UserID, Actor: actor, Action: action, Target: id, Details: d}
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ConflictError says the resource was saved by someone else since the
// editor loaded it: nothing was written. It carries what is saved now and
// what the editor wanted, so they can be shown side by side and the edit
// made again on the current version.
type ConflictError struct {
	// Current is the resource as saved now.
	Current *catalog.Resource
	// Yours is the edit applied to Current: what saving would write.
	Yours *catalog.Resource
	// Diffs are the fields where Yours differs from Current (Before is
	// the saved value, After yours).
	Diffs []FieldDiff
	// Since are the audit entries of the changes made after the version
	// the editor had, oldest first (who changed what, and when).
	Since []*catalog.AuditEntry
	// Edited is the version the editor had.
	Edited int64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%q was changed by someone else since you opened it (you edited version %d, it is now at version %d)",
		e.Current.ID, e.Edited, e.Current.Version)
}

// Unwrap makes a ConflictError a conflict, its text the message for people.
func (e *ConflictError) Unwrap() error {
	return &catalog.Error{Code: catalog.Conflict, Message: e.Error()}
}

// FieldErrors collects the per-field messages of a validation error
// (field name -> messages joined by "; "), for forms that show each
// message beside its field. An error about no field is under "".
func FieldErrors(err error) map[string]string {
	out := map[string]string{}
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*catalog.FieldError); ok {
			add(out, fe.Field, fe.Message)
			return
		}
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	if len(out) == 0 && err != nil {
		out[""] = catalog.ErrorMessage(err)
	}
	return out
}

func add(m map[string]string, field, msg string) {
	if old, ok := m[field]; ok {
		m[field] = old + "; " + msg
		return
	}
	m[field] = msg
}

// fieldError is an catalog.ErrInvalid about one field.
func fieldError(field, msg string) error {
	return catalog.Errorf(catalog.Invalid, "%w", &catalog.FieldError{Field: field, Message: msg})
}

// clone copies r deeply enough to edit.
func clone(r *catalog.Resource) *catalog.Resource {
	c := *r
	c.Themes = append([]string(nil), r.Themes...)
	c.MachineThemes = append([]string(nil), r.MachineThemes...)
	c.Pages = append([]string(nil), r.Pages...)
	return &c
}

// Update applies e to the resource id as it was at version (optimistic
// concurrency): when someone saved it since, nothing is written and the
// error is a *ConflictError. Invalid values give catalog.ErrInvalid wrapping one
// catalog.FieldError per field (see FieldErrors). An edit that changes
// nothing writes nothing. Staff only.
func (l *Library) Update(ctx context.Context, rd catalog.Reader, id string, version int64, e Edit) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may edit resources")
	}
	if version <= 0 {
		return nil, fieldError("version", "is required: the version you edited")
	}
	if !catalog.ValidID(id) {
		return nil, catalog.ErrNotFound
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	cur, err := l.st.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	next := clone(cur)
	e.apply(next)
	if cur.Version != version {
		return nil, l.conflict(ctx, cur, next, version)
	}
	if err := l.prepareEdit(ctx, cur, next); err != nil {
		return nil, err
	}
	diffs := Diff(cur, next)
	if len(diffs) == 0 {
		return cur, nil
	}
	if cur.Source == SourceCrawled && correctsPage(diffs) {
		next.Source = SourceCurated
		diffs = append(diffs, FieldDiff{Field: "source", Label: "Source", Before: cur.Source, After: next.Source})
	}
	next.Version = version
	audit := auditEntry(rd, ActionUpdate, id, diffs, map[string]string{"version": strconv.FormatInt(version+1, 10)})
	if err := l.st.UpdateResourceAudited(ctx, next, audit); err != nil {
		if errors.Is(err, catalog.ErrConflict) {
			if now, gerr := l.st.GetResource(ctx, id); gerr == nil && now.Version != version {
				yours := clone(now)
				e.apply(yours)
				return nil, l.conflict(ctx, now, yours, version)
			}
		}
		return nil, err
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return next, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return next, nil
}

// prepareEdit normalises and validates an edited resource, and refuses a
// link another resource already has.
func (l *Library) prepareEdit(ctx context.Context, cur, next *catalog.Resource) error {
	next.ID = cur.ID
	if err := l.prepare(next); err != nil {
		return err
	}
	next.MachineThemes = without(next.MachineThemes, next.Themes)
	if next.URL != "" && next.URL != cur.URL {
		other, err := l.st.ResourceByURL(ctx, next.URL)
		switch {
		case err == nil && other.ID != cur.ID:
			return fieldError("url", fmt.Sprintf("is already the link of %q (%s)", other.Title, other.ID))
		case err != nil && !errors.Is(err, catalog.ErrNotFound):
			return err
		}
	}
	return nil
}

// without returns the items of list not in drop.
func without(list, drop []string) []string {
	if len(list) == 0 {
		return list
	}
	skip := make(map[string]bool, len(drop))
	for _, d := range drop {
		skip[d] = true
	}
	out := list[:0:0]
	for _, s := range list {
		if !skip[s] {
			out = append(out, s)
		}
	}
	return out
}

// conflict builds the ConflictError for an edit of version made on cur.
func (l *Library) conflict(ctx context.Context, cur, yours *catalog.Resource, version int64) error {
	ce := &ConflictError{Current: cur, Yours: yours, Diffs: Diff(cur, yours), Edited: version}
	entries, err := l.st.ListAudit(ctx, catalog.AuditFilter{Action: "resource.", Target: cur.ID, Limit: 200})
	if err == nil {
		for i := len(entries) - 1; i >= 0; i-- {
			v, _ := strconv.ParseInt(entries[i].Details["version"], 10, 64)
			if v > version {
				ce.Since = append(ce.Since, entries[i])
			}
		}
	}
	return ce
}

// setStatus withdraws or restores a resource; version 0 skips the version
// check (scripts that don't track versions).
func (l *Library) setStatus(ctx context.Context, rd catalog.Reader, id string, version int64, status, action, reason string) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may withdraw or restore resources")
	}
	if !catalog.ValidID(id) {
		return nil, catalog.ErrNotFound
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	cur, err := l.st.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	if version != 0 && cur.Version != version {
		next := clone(cur)
		next.Status = status
		return nil, l.conflict(ctx, cur, next, version)
	}
	if cur.Status == status {
		return cur, nil
	}
	next := clone(cur)
	next.Status = status
	extra := map[string]string{"version": strconv.FormatInt(cur.Version+1, 10)}
	if reason = strings.TrimSpace(reason); reason != "" {
		extra["reason"] = reason
	}
	audit := auditEntry(rd, action, id, Diff(cur, next), extra)
	next.Version = cur.Version
	if err := l.st.UpdateResourceAudited(ctx, next, audit); err != nil {
		return nil, err
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return next, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return next, nil
}

// Withdraw hides a resource from search and from everyone but staff. It
// is kept, with its history, and can be restored.
func (l *Library) Withdraw(ctx context.Context, rd catalog.Reader, id string, version int64, reason string) (*catalog.Resource, error) {
	return l.setStatus(ctx, rd, id, version, catalog.StatusWithdrawn, ActionWithdraw, reason)
}

// Restore makes a withdrawn (or gone) resource active again.
func (l *Library) Restore(ctx context.Context, rd catalog.Reader, id string, version int64) (*catalog.Resource, error) {
	return l.setStatus(ctx, rd, id, version, catalog.StatusActive, ActionRestore, "")
}

// ConfirmThemes settles the tagger's suggestions for a resource: confirm
// moves suggested themes to the confirmed ones, reject drops them, and
// suggestions in neither list stay suggested.
func (l *Library) ConfirmThemes(ctx context.Context, rd catalog.Reader, id string, version int64, confirm, reject []string) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may confirm themes")
	}
	cur, err := l.st.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	no := map[string]bool{}
	for _, t := range confirm {
		ok[t] = true
	}
	for _, t := range reject {
		no[t] = true
	}
	themes := append([]string(nil), cur.Themes...)
	var machine []string
	for _, t := range cur.MachineThemes {
		switch {
		case ok[t]:
			themes = append(themes, t)
		case no[t]:
		default:
			machine = append(machine, t)
		}
	}
	if machine == nil {
		machine = []string{}
	}
	return l.Update(ctx, rd, id, version, Edit{Themes: &themes, MachineThemes: &machine})
}

// ForEdit returns a resource whole, whatever its status, for staff to
// edit.
func (l *Library) ForEdit(ctx context.Context, rd catalog.Reader, id string) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may edit resources")
	}
	if !catalog.ValidID(id) {
		return nil, catalog.ErrNotFound
	}
	r, err := l.st.GetResource(ctx, id)
	return r, err
}

// History returns the audit entries about a resource, newest first.
// Staff only.
func (l *Library) History(ctx context.Context, rd catalog.Reader, id string, limit int) ([]*catalog.AuditEntry, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may read the history")
	}
	return l.st.ListAudit(ctx, catalog.AuditFilter{Action: "resource.", Target: id, Limit: limit})
}

// Version is an earlier version of a document as a reader may see it.
type Version = store.ResourceVersion

// Versions returns the earlier versions of a re-published document,
// newest first, as rd may see them: none for a resource rd can't find,
// and without links for a members-only one rd can't read.
func (l *Library) Versions(ctx context.Context, rd catalog.Reader, id string) ([]*Version, error) {
	v, err := l.Resource(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	vs, err := l.st.ResourceVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.Teaser {
		for _, x := range vs {
			x.URL, x.Summary = "", ""
		}
	}
	return vs, nil
}

// VersionText returns one earlier version with its text, when rd may read
// the resource.
func (l *Library) VersionText(ctx context.Context, rd catalog.Reader, id string, versionID int64) (*Version, error) {
	v, err := l.Resource(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if v.Teaser {
		return nil, catalog.ErrNotFound
	}
	ver, err := l.st.ResourceVersionText(ctx, id, versionID)
	return ver, err
}
