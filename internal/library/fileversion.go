package library

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"safelib/internal/catalog"
	"safelib/internal/extract"
)

// ActionFileWithdraw is the audit action of withdrawing one version of a
// held file.
const ActionFileWithdraw = "resource.file_withdraw"

// WithdrawFileVersion withdraws version n of the file resource id holds:
// its row and bytes are kept (listed to staff, counted by verify, never
// pruned) but it is served to no one again (OpenFile answers
// catalog.Gone). Withdrawing an earlier version leaves the item's text,
// the current version's, as it is; withdrawing the current one makes the
// newest version left current, and the item's text (and so what search
// finds) becomes that version's, read again from its file. The last
// version left cannot be withdrawn: withdraw the item instead. reason
// goes to the audit log. Staff only.
func (l *Library) WithdrawFileVersion(ctx context.Context, rd catalog.Reader, id string, n int, reason string) (*catalog.Resource, error) {
	if rd.Role == "" {
		return nil, catalog.Errorf(catalog.Unauthorized, "only staff withdraw versions")
	}
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff withdraw versions")
	}
	if !catalog.ValidID(id) || n < 1 {
		return nil, catalog.ErrNotFound
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	old, err := l.st.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	files, err := l.st.ResourceFiles(ctx, id)
	if err != nil {
		return nil, err
	}
	if n > len(files) || files[n-1].Version != n {
		return nil, catalog.ErrNotFound
	}
	f := files[n-1]
	if !f.Withdrawn.IsZero() {
		return nil, catalog.Errorf(catalog.Conflict, "version %d (%s) was already withdrawn", n, f.Label)
	}
	cur := catalog.CurrentFile(files)
	at := l.now().UTC()
	files[n-1].Withdrawn = at
	next := catalog.CurrentFile(files)
	if next < 0 {
		return nil, catalog.Errorf(catalog.Conflict, "version %d (%s) is the only version left: withdraw the item instead, or upload a new version first", n, f.Label)
	}
	details := map[string]string{"file_version": strconv.Itoa(n), "file": f.Name, "sha256": f.SHA256}
	if reason = strings.TrimSpace(reason); reason != "" {
		details["reason"] = reason
	}
	var r *catalog.Resource
	diffs := []FieldDiff(nil)
	if n-1 == cur {
		// The current version goes: the item's text becomes the next's.
		prev := files[next]
		page, err := l.readHeld(ctx, prev)
		if err != nil {
			return nil, err
		}
		if err := l.st.LoadTexts(ctx, []*catalog.Resource{old}); err != nil {
			return nil, err
		}
		r = clone(old)
		setFileText(r, page)
		if prev.Published != "" {
			r.Published = prev.Published
		}
		if err := l.prepare(r); err != nil {
			return nil, err
		}
		diffs = Diff(old, r)
		details["current_version"] = strconv.Itoa(prev.Version)
	}
	audit := auditEntry(rd, ActionFileWithdraw, id, diffs, details)
	if err := l.st.WithdrawFileVersion(ctx, id, n, at, r, audit); err != nil {
		return nil, err
	}
	if r == nil {
		return old, nil
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return r, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return r, nil
}

// readHeld reads the text of a held version again from its bytes.
func (l *Library) readHeld(ctx context.Context, f catalog.File) (*FetchedPage, error) {
	data, err := os.ReadFile(l.files.path(f.SHA256))
	if err != nil {
		return nil, fmt.Errorf("file %d (%s): %w", f.Version, f.SHA256, err)
	}
	p, err := extract.Document(ctx, data, "application/octet-stream", "")
	if err != nil {
		return nil, fmt.Errorf("file %d (%s) can no longer be read: %w", f.Version, f.SHA256, err)
	}
	page := &FetchedPage{Text: p.Text, ContentType: p.ContentType}
	if p.ContentType == extract.TypePDF || p.Slides {
		page.Pages, page.Slides = p.Pages, p.Slides
	}
	return page, nil
}

// setFileText makes a held file's text the resource's: its body (the
// pages joined when only they are given, clipped to catalog.MaxBody) and
// its pages or slides.
func setFileText(r *catalog.Resource, p *FetchedPage) {
	r.Body = p.Text
	if r.Body == "" && len(p.Pages) > 0 {
		r.Body = strings.Join(p.Pages, "\n\n")
	}
	if len(r.Body) > catalog.MaxBody {
		r.Body = clipText(r.Body, catalog.MaxBody-len("…"))
	}
	r.Pages, r.Slides = p.Pages, p.Slides
}
