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
	// first; none for a teaser. The current one is the newest not
	// withdrawn (catalog.CurrentFile): staff see withdrawn versions
	// (File.Withdrawn set) and why a version has no text (File.TextNote);
	// anyone else sees neither.
	Files []catalog.File
	// TextNote, for staff only, says why the item has no text: its current
	// file's reason, or for a crawled document the crawl history's
	// ("kept without text: ..."); "" when it has text or none is recorded.
	TextNote string
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
	v := &View{Resource: r, Files: files}
	if !rd.IsStaff() {
		v.Files = v.Files[:0:0]
		for _, f := range files {
			if f.Withdrawn.IsZero() {
				f.TextNote = ""
				v.Files = append(v.Files, f)
			}
		}
		return v, nil
	}
	if v.TextNote, err = l.textNote(ctx, r, files); err != nil {
		return nil, err
	}
	return v, nil
}

// textNote says why r has no text (for staff): the current file's reason,
// or crawl history's for a crawled document; "" when it has text.
func (l *Library) textNote(ctx context.Context, r *catalog.Resource, files []catalog.File) (string, error) {
	if cur := catalog.CurrentFile(files); cur >= 0 {
		return files[cur].TextNote, nil
	}
	if r.Body != "" || r.URL == "" {
		return "", nil
	}
	return l.st.KeptWithoutText(ctx, r.URL)
}
