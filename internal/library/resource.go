package library

import (
	"context"

	"safelib/internal/catalog"
)

// View is a resource as one reader may see it.
type View struct {
	Resource *catalog.Resource
	// Teaser is set when the reader may not read the item: only title,
	// publisher, type, date and themes are filled in.
	Teaser bool
	// Files are the versions of the file the library holds of it, oldest
	// first (the last is current); none for a teaser.
	Files []catalog.File
}

// Resource returns the resource with this id as rd may see it. Withdrawn
// items are visible to staff only; to anyone else they are not found.
func (l *Library) Resource(ctx context.Context, rd catalog.Reader, id string) (*View, error) {
	if !catalog.ValidID(id) {
		return nil, catalog.ErrNotFound
	}
	r, err := l.st.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status == catalog.StatusWithdrawn && !rd.IsStaff() {
		return nil, catalog.ErrNotFound
	}
	if !canRead(rd, r) {
		return &View{Resource: teaser(r), Teaser: true}, nil
	}
	files, err := l.st.ResourceFiles(ctx, id)
	if err != nil {
		return nil, err
	}
	return &View{Resource: r, Files: files}, nil
}
