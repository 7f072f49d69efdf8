package library

import (
	"context"
	"errors"
	"fmt"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// ErrUnauthorized means the reader must sign in (or present a valid token)
// first: the web answers 401, where ErrForbidden (signed in, not allowed)
// answers 403.
var ErrUnauthorized = errors.New("sign-in required")

// Create adds one new resource as rd and returns its id. Only staff and
// admins may: the check is here, not in the handler, so no caller can
// forget it. A resource without an id gets one from its title and year;
// an id or URL already in the library is a conflict (Create never
// overwrites). The change goes to the audit log.
func (l *Library) Create(ctx context.Context, rd Reader, r *catalog.Resource) (string, error) {
	if rd.Role == "" {
		return "", fmt.Errorf("%w: only staff add resources", ErrUnauthorized)
	}
	if !rd.IsStaff() {
		return "", fmt.Errorf("%w: only staff add resources", ErrForbidden)
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
	if err := l.st.InsertResource(ctx, r); err != nil {
		return "", wrapStore(err)
	}
	if err := l.st.AddAudit(ctx, &store.AuditEntry{At: l.now(), ActorID: rd.UserID, Actor: rd.Email,
		Action: "resource.create", Target: r.ID,
		Details: map[string]string{"title": r.Title, "access": string(r.Access)}}); err != nil {
		l.log.Error("audit log", "action", "resource.create", "id", r.ID, "err", err)
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return r.ID, fmt.Errorf("saved, but indexing failed (will retry at next start): %w", err)
	}
	return r.ID, nil
}
