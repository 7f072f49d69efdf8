package library

// Alert digests: one email per person per cadence combining every alert
// of theirs with something new, nothing when nothing is new.
//
// What is new for an alert: an item added to the library, or given a new
// text (a new version), after the alert's last email or, before its first,
// its creation (resource_texts, kept by triggers: metadata edits, link
// checks and recrawls that bring the same text never count). Each
// (person, item, text version) goes once, ever (alert_sent, written in the
// transaction that queues the email, with the alerts' last_sent).
//
// An alert is due when its cadence's latest slot (daily: today's run time;
// weekly: the latest of its weekday; monthly: the 1st) is after its last
// email; one never sent is always due. So a run repeated after a restart,
// or asked for by hand after the scheduled one, sends nothing twice.
//
// Access is applied twice: the items are searched and built as the
// person reads now (auth.ReaderFor), and the message records what it
// showed (catalog.MailRecheck) so the sender checks it again just before
// sending (MailChecker.Recheck) and rebuilds it when the person's access
// has lapsed or an item was withdrawn or closed to members since.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// DigestMailer writes digest messages (internal/mail's Composer is one).
type DigestMailer interface {
	Digest(d *catalog.Digest) (*catalog.OutMail, error)
}

// DigestOptions wire the digests to accounts and mail.
type DigestOptions struct {
	// Reader is what an account may read now (auth.ReaderFor).
	Reader func(*catalog.User) catalog.Reader
	Mailer DigestMailer
	// Links makes the signed mail links of u's digest: the alert's when
	// alertID is not 0, else those of the whole digest of cadence.
	Links func(u *catalog.User, cadence string, alertID int64) (catalog.MailLinks, error)
	// Slot is the latest scheduled run of cadence at or before t (a
	// weekly alert's for its day); nil: DefaultSlot at 07:00 UK time.
	Slot func(cadence, day string, t time.Time) time.Time
	// OnQueued is called after a digest is queued (wakes the sender).
	OnQueued func()
}

// Digests builds alert digests.
type Digests struct {
	l   *Library
	opt DigestOptions
	mu  sync.Mutex // one run at a time, whatever the cadence
}

// NewDigests makes the digest builder over the library.
func (l *Library) NewDigests(opt DigestOptions) *Digests {
	if opt.Slot == nil {
		loc, err := time.LoadLocation("Europe/London")
		if err != nil {
			loc = time.UTC
		}
		opt.Slot = func(cadence, day string, t time.Time) time.Time { return DefaultSlot(cadence, day, t, 7, loc) }
	}
	return &Digests{l: l, opt: opt}
}

// DefaultSlot is the latest hour:00 in loc at or before t that a digest
// of cadence runs: every day, on day (a weekly alert's weekday), or on the
// 1st of the month.
func DefaultSlot(cadence, day string, t time.Time, hour int, loc *time.Location) time.Time {
	l := t.In(loc)
	s := time.Date(l.Year(), l.Month(), l.Day(), hour, 0, 0, 0, loc)
	if s.After(t) {
		s = s.AddDate(0, 0, -1)
	}
	switch cadence {
	case catalog.Weekly:
		want := time.Monday
		if i := slices.Index(catalog.Weekdays, day); i >= 0 {
			want = time.Weekday((i + 1) % 7)
		}
		for s.Weekday() != want {
			s = s.AddDate(0, 0, -1)
		}
	case catalog.Monthly:
		if s.Day() != 1 {
			s = time.Date(s.Year(), s.Month(), 1, hour, 0, 0, 0, loc)
		}
	}
	return s
}

// DigestSummary is what a run did, as POST /api/v1/jobs/{name} answers it.
type DigestSummary struct {
	Job     string `json:"job"`
	Members int    `json:"members"`
	Emails  int    `json:"emails"`
	Items   int    `json:"items"`
	Skipped int    `json:"skipped"`
}

// digestPlan is how a digest was made, kept with the message so the
// sender can rebuild it for what its reader may read at sending time.
type digestPlan struct {
	Cadence  string        `json:"cadence"`
	Sections []planSection `json:"sections"`
}

type planSection struct {
	AlertID int64         `json:"alert_id"`
	Search  string        `json:"search"`
	Total   int           `json:"total"`
	Items   []MailItemRef `json:"items"`
}

// Run builds and queues the digests of cadence due now.
func (d *Digests) Run(ctx context.Context, cadence string) (*DigestSummary, error) {
	if !slices.Contains([]string{catalog.Daily, catalog.Weekly, catalog.Monthly}, cadence) {
		return nil, catalog.Errorf(catalog.Invalid, "cadence %q: want daily, weekly or monthly", cadence)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	l := d.l
	now := l.now()
	sum := &DigestSummary{Job: "digest-" + cadence}
	users, byUser, err := l.st.CadenceAlerts(ctx, cadence)
	if err != nil {
		return nil, err
	}
	// The alerts due, and from when each counts what is new.
	earliest := now
	due := map[int64][]*catalog.Alert{}
	for _, u := range users {
		for _, a := range byUser[u.ID] {
			if !a.LastSent.IsZero() && !d.opt.Slot(cadence, a.Day, now).After(a.LastSent) {
				continue
			}
			due[u.ID] = append(due[u.ID], a)
			earliest = minTime(earliest, since(a))
		}
	}
	changes, err := l.st.TextChanges(ctx, earliest.Truncate(time.Millisecond))
	if err != nil {
		return nil, err
	}
	sum.Members = len(users)
	// Many people follow the same searches, and alerts sent together have
	// the same new items: a search is run once per run for each (search,
	// access, new items) and its hits shared (read only).
	cache := map[string]*SearchResult{}
	for _, u := range users {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		n, err := d.member(ctx, u, cadence, due[u.ID], changes, now, cache)
		if err != nil {
			return sum, fmt.Errorf("digest of %s: %w", u.Email, err)
		}
		if n == 0 {
			sum.Skipped++
			continue
		}
		sum.Emails++
		sum.Items += n
	}
	if sum.Emails > 0 && d.opt.OnQueued != nil {
		d.opt.OnQueued()
	}
	return sum, nil
}

// since is when what is new for a begins.
func since(a *catalog.Alert) time.Time {
	if a.LastSent.IsZero() {
		return a.Created
	}
	return a.LastSent
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// member builds and queues u's digest from its due alerts and the
// library's changes, returning how many items it carries (0: none sent).
func (d *Digests) member(ctx context.Context, u *catalog.User, cadence string, alerts []*catalog.Alert, changes []store.TextChange,
	now time.Time, cache map[string]*SearchResult) (int, error) {
	rd := d.opt.Reader(u)
	if len(alerts) == 0 || rd.UserID == 0 {
		return 0, nil
	}
	ids := make([]string, 0, len(changes))
	for _, c := range changes {
		ids = append(ids, c.ID)
	}
	sent, err := d.l.st.AlertSent(ctx, u.ID, ids)
	if err != nil {
		return 0, err
	}
	plan := digestPlan{Cadence: cadence}
	versions := map[string]int{}
	var alertIDs []int64
	taken := map[string]bool{} // an item goes in one section of an email
	built := map[int64][]catalog.MailItem{}
	for _, a := range alerts {
		from := since(a)
		why := map[string]string{}
		var fresh []string
		for _, c := range changes {
			// Change times have milliseconds (SQLite's clock): one in the
			// millisecond of the last email counts as after it, and the
			// alert_sent rows stop a repeat of what that email carried.
			from := from.Truncate(time.Millisecond)
			if c.Changed.Before(from) || taken[c.ID] || slices.Contains(sent[c.ID], c.Version) {
				continue
			}
			why[c.ID] = catalog.ItemNewVersion
			if !c.Added.Before(from) {
				why[c.ID] = catalog.ItemNew
			}
			versions[c.ID] = c.Version
			fresh = append(fresh, c.ID)
		}
		if len(fresh) == 0 {
			continue
		}
		v, err := url.ParseQuery(a.Search)
		if err != nil {
			return 0, fmt.Errorf("alert %d: %w", a.ID, err)
		}
		p, err := ParseSearch(v)
		if err != nil {
			d.l.log.Warn("digest: alert's search no longer parses; skipped", "alert", a.ID, "err", err)
			continue
		}
		if p.IDs != nil { // an alert on given items: those of them that are new
			fresh = slices.DeleteFunc(fresh, func(id string) bool { return !slices.Contains(p.IDs, id) })
			if len(fresh) == 0 {
				continue
			}
		}
		p.IDs, p.Page, p.PerPage, p.NoFacets = fresh, 1, catalog.DigestItems, true
		key := fmt.Sprintf("%s\x00%v\x00%s", a.Search, rd.Members, strings.Join(fresh, ","))
		res := cache[key]
		if res == nil {
			if res, err = d.l.Search(ctx, rd, p); err != nil {
				return 0, fmt.Errorf("alert %d: %w", a.ID, err)
			}
			cache[key] = res
		}
		if res.Total == 0 {
			continue
		}
		sec := planSection{AlertID: a.ID, Search: a.Search, Total: res.Total}
		for _, h := range res.Hits {
			taken[h.Resource.ID] = true
			sec.Items = append(sec.Items, MailItemRef{ID: h.Resource.ID, Why: why[h.Resource.ID]})
			built[a.ID] = append(built[a.ID], mailItem(h, why[h.Resource.ID]))
		}
		plan.Sections = append(plan.Sections, sec)
		alertIDs = append(alertIDs, a.ID)
	}
	if len(plan.Sections) == 0 {
		return 0, nil
	}
	m, n, err := d.compose(ctx, u, rd, plan, built)
	if err != nil || m == nil {
		return 0, err
	}
	var items []store.SentItem
	for _, s := range plan.Sections {
		for _, it := range s.Items {
			items = append(items, store.SentItem{ID: it.ID, Version: versions[it.ID]})
		}
	}
	if err := d.l.st.QueueDigest(ctx, now, m, u.ID, alertIDs, items); err != nil {
		return 0, err
	}
	return n, nil
}

// compose writes u's digest from plan as rd may read it now, with what the
// sender must check again; nil when no item of it is left to show. built
// holds the items of each alert when they were just built for rd (by the
// search that found them); the others are built from the plan.
func (d *Digests) compose(ctx context.Context, u *catalog.User, rd catalog.Reader, plan digestPlan, built map[int64][]catalog.MailItem) (*catalog.OutMail, int, error) {
	dg := &catalog.Digest{User: u, Cadence: plan.Cadence, Lapsed: rd.Lapsed}
	if rd.Lapsed {
		dg.Ended = u.EffectiveExpires()
	}
	alerts, err := d.l.st.Alerts(ctx, u.ID)
	if err != nil {
		return nil, 0, err
	}
	rc := catalog.MailRecheck{UserID: u.ID, Members: rd.Members}
	n := 0
	for _, ps := range plan.Sections {
		i := slices.IndexFunc(alerts, func(a *catalog.Alert) bool { return a.ID == ps.AlertID })
		if i < 0 {
			continue // deleted since
		}
		a := alerts[i]
		items, ok := built[a.ID]
		if !ok {
			v, _ := url.ParseQuery(a.Search)
			if items, err = d.l.MailItems(ctx, rd, v.Get("q"), ps.Items); err != nil {
				return nil, 0, err
			}
		}
		if len(items) == 0 {
			continue
		}
		links, err := d.opt.Links(u, plan.Cadence, a.ID)
		if err != nil {
			return nil, 0, err
		}
		sec := catalog.DigestSection{Alert: a, Label: d.l.DescribeSearch(ctx, a.Search), Items: items,
			Total: ps.Total, Links: links}
		if ps.Total > len(items) {
			sec.SeeAll = "/search"
			if a.Search != "" {
				sec.SeeAll += "?" + a.Search
			}
		}
		for _, it := range items {
			rc.Items = append(rc.Items, it.ID)
			if !it.MembersOnly { // shown in full: checked again if it closes to members
				rc.Full = append(rc.Full, it.ID)
			}
		}
		n += len(items)
		dg.Sections = append(dg.Sections, sec)
	}
	if n == 0 {
		return nil, 0, nil
	}
	if dg.Links, err = d.opt.Links(u, plan.Cadence, 0); err != nil {
		return nil, 0, err
	}
	m, err := d.opt.Mailer.Digest(dg)
	if err != nil {
		return nil, 0, err
	}
	if rc.Plan, err = json.Marshal(plan); err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(rc)
	if err != nil {
		return nil, 0, err
	}
	m.Recheck = string(b)
	return m, n, nil
}

// rebuild is the MailChecker's rebuild of a digest for rd.
func (d *Digests) rebuild(ctx context.Context, m *catalog.OutMail, rc *catalog.MailRecheck, u *catalog.User, rd catalog.Reader) (*catalog.OutMail, error) {
	var plan digestPlan
	if err := json.Unmarshal(rc.Plan, &plan); err != nil {
		return nil, fmt.Errorf("digest plan: %w", err)
	}
	nm, _, err := d.compose(ctx, u, rd, plan, nil)
	if err != nil || nm == nil {
		return nil, err
	}
	nm.ID, nm.MessageID, nm.Kind = m.ID, m.MessageID, m.Kind
	return nm, nil
}

// DescribeSearch says what an alert's search string asks for, for people:
// "“neglect”, Theme: Early help, Type: not Report", or "New versions of
// “Title”" for an alert on items.
func (l *Library) DescribeSearch(ctx context.Context, search string) string {
	v, err := url.ParseQuery(search)
	if err != nil || search == "" {
		return "Everything new in the library"
	}
	var parts []string
	if ids := v["id"]; len(ids) > 0 {
		var titles []string
		if rs, err := l.st.Resources(ctx, ids, false); err == nil {
			for _, r := range rs {
				if r.Status == catalog.StatusActive {
					titles = append(titles, "“"+r.Title+"”")
				}
			}
		}
		if len(titles) == 0 {
			titles = []string{"an item no longer in the library"}
		}
		parts = append(parts, "New versions of "+strings.Join(titles, ", "))
	}
	if q := v.Get("q"); q != "" {
		parts = append(parts, "“"+q+"”")
	}
	for _, f := range FacetFields {
		param := string(f)
		name := strings.ToUpper(param[:1]) + param[1:]
		label := func(x string) string {
			if f == FieldTheme {
				return l.tax.Label(x)
			}
			if f == FieldType {
				return catalog.TypeLabel(x)
			}
			return x
		}
		for _, x := range v[param] {
			parts = append(parts, name+": "+label(x))
		}
		for _, x := range v["-"+param] {
			parts = append(parts, name+": not "+label(x))
		}
	}
	if len(parts) == 0 {
		return "Everything new in the library"
	}
	return strings.Join(parts, ", ")
}
