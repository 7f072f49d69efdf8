package library

import (
	"context"

	"safelib/internal/catalog"
)

// Create adds one new resource as rd and returns its id. Only staff and
// admins may: the check is here, not in the handler, so no caller can
// forget it. A resource without an id gets one from its title and year;
// an id or URL already in the library is a conflict (Create never
// overwrites). The change goes to the audit log.
func (l *Library) Create(ctx context.Context, rd catalog.Reader, r *catalog.Resource) (string, error) {
	if rd.Role == "" {
		return "", catalog.Errorf(catalog.Unauthorized, "only staff add resources")
	}
	if !rd.IsStaff() {
		return "", catalog.Errorf(catalog.Forbidden, "only staff add resources")
	}
	if r.Source == "" {
		r.Source = SourceCurated
	}
	r.Version, r.Hash = 0, ""
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	if err := l.assignID(ctx, r, nil); err != nil {
		return "", err
	}
	if err := l.prepare(r); err != nil {
		return "", err
	}
	if err := l.st.InsertResourceAudited(ctx, r, &catalog.AuditEntry{At: l.now(), ActorID: rd.UserID, Actor: rd.Email,
		Action: "resource.create", Target: r.ID,
		Details: map[string]string{"title": r.Title, "access": string(r.Access)}}); err != nil {
		return "", err
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return r.ID, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return r.ID, nil
}
