package library

import (
	"context"

	"safelib/internal/catalog"
)

// MaxAlerts is how many alerts one person may keep.
const MaxAlerts = 100

// alertOwner is the account whose alerts rd reaches: its own only.
func alertOwner(rd catalog.Reader) (int64, error) {
	if rd.UserID == 0 {
		return 0, catalog.Errorf(catalog.Unauthorized, "sign in to keep alerts")
	}
	return rd.UserID, nil
}

// Alerts lists the reader's own alerts.
func (l *Library) Alerts(ctx context.Context, rd catalog.Reader) ([]*catalog.Alert, error) {
	uid, err := alertOwner(rd)
	if err != nil {
		return nil, err
	}
	return l.st.Alerts(ctx, uid)
}

// Alert returns one of the reader's alerts; anyone else's is not found.
func (l *Library) Alert(ctx context.Context, rd catalog.Reader, id int64) (*catalog.Alert, error) {
	uid, err := alertOwner(rd)
	if err != nil {
		return nil, err
	}
	return l.st.Alert(ctx, uid, id)
}

// CreateAlert saves a new alert for the reader. a.Search must already be
// a valid, canonical search (the web parses it as /api/v1/search does).
func (l *Library) CreateAlert(ctx context.Context, rd catalog.Reader, a *catalog.Alert) error {
	uid, err := alertOwner(rd)
	if err != nil {
		return err
	}
	a.UserID = uid
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	have, err := l.st.Alerts(ctx, uid)
	if err != nil {
		return err
	}
	if len(have) >= MaxAlerts {
		return catalog.Errorf(catalog.Conflict, "you have %d alerts, the most one person may keep; delete one first", len(have))
	}
	return l.st.CreateAlert(ctx, a, l.now())
}

// UpdateAlert applies change to one of the reader's alerts and saves it.
func (l *Library) UpdateAlert(ctx context.Context, rd catalog.Reader, id int64, change func(*catalog.Alert) error) (*catalog.Alert, error) {
	a, err := l.Alert(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if err := change(a); err != nil {
		return nil, err
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := l.st.UpdateAlert(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteAlert removes one of the reader's alerts.
func (l *Library) DeleteAlert(ctx context.Context, rd catalog.Reader, id int64) error {
	uid, err := alertOwner(rd)
	if err != nil {
		return err
	}
	return l.st.DeleteAlert(ctx, uid, id)
}
