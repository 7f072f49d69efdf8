package library

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"

	"safelib/internal/catalog"
)

// Reading lists belong to one signed-in person: only the owner reads or
// changes one through its id, and anyone else's list looks missing. A
// shared list is read through its share token, by anyone, each reader
// seeing its items as their own access allows.

// ListView is a list as one reader may see it.
type ListView struct {
	List    *catalog.ReadingList
	Entries []ListEntry
}

// ListEntry is one item with the resource as the reader may see it (a
// teaser when they can't read it; no body). Items withdrawn from the
// library are left out.
type ListEntry struct {
	Item     catalog.ListItem
	Resource *catalog.Resource
	Teaser   bool
}

// ListEdit changes a list; nil fields stay.
type ListEdit struct {
	Name, Note *string
	// Shared true gives the list a new share token (when it has none);
	// false takes it away, so the old address no longer answers.
	Shared *bool
}

func signedIn(rd catalog.Reader) error {
	if rd.UserID == 0 {
		return catalog.Errorf(catalog.Unauthorized, "sign in to keep reading lists")
	}
	return nil
}

// Lists returns the reader's own lists.
func (l *Library) Lists(ctx context.Context, rd catalog.Reader) ([]*catalog.ReadingList, error) {
	if err := signedIn(rd); err != nil {
		return nil, err
	}
	return l.st.ListsOf(ctx, rd.UserID)
}

// CreateList makes a new, private, empty list for the reader.
func (l *Library) CreateList(ctx context.Context, rd catalog.Reader, name, note string) (*catalog.ReadingList, error) {
	if err := signedIn(rd); err != nil {
		return nil, err
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	now := l.now()
	list := &catalog.ReadingList{ID: hex.EncodeToString(id), UserID: rd.UserID, Name: name, Note: note,
		Created: now, Updated: now, Items: []catalog.ListItem{}}
	if err := list.Validate(); err != nil {
		return nil, err
	}
	if err := l.st.CreateList(ctx, list); err != nil {
		return nil, err
	}
	return list, nil
}

// ownList loads a list of the reader's; any other is not found.
func (l *Library) ownList(ctx context.Context, rd catalog.Reader, id string) (*catalog.ReadingList, error) {
	if err := signedIn(rd); err != nil {
		return nil, err
	}
	if len(id) > 64 {
		return nil, catalog.ErrNotFound
	}
	list, err := l.st.List(ctx, id)
	if err != nil {
		return nil, err
	}
	if list.UserID != rd.UserID {
		return nil, catalog.ErrNotFound // someone else's looks missing
	}
	return list, nil
}

// List returns one of the reader's lists with its items as they may see them.
func (l *Library) List(ctx context.Context, rd catalog.Reader, id string) (*ListView, error) {
	list, err := l.ownList(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	return l.listView(ctx, rd, list)
}

// SharedList returns the list shared under token, as rd may see it.
func (l *Library) SharedList(ctx context.Context, rd catalog.Reader, token string) (*ListView, error) {
	if len(token) > 100 {
		return nil, catalog.ErrNotFound
	}
	list, err := l.st.ListByShareToken(ctx, token)
	if err != nil {
		return nil, err
	}
	v, err := l.listView(ctx, rd, list)
	if err != nil {
		return nil, err
	}
	if rd.UserID != list.UserID {
		v.List.ShareToken = "" // the address is the owner's to hand out
	}
	return v, nil
}

func (l *Library) listView(ctx context.Context, rd catalog.Reader, list *catalog.ReadingList) (*ListView, error) {
	ids := make([]string, len(list.Items))
	for i, it := range list.Items {
		ids[i] = it.ResourceID
	}
	rs, err := l.st.Resources(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*catalog.Resource, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	v := &ListView{List: list, Entries: []ListEntry{}}
	for _, it := range list.Items {
		r := byID[it.ResourceID]
		if r == nil || r.Status != catalog.StatusActive && !rd.IsStaff() {
			continue
		}
		e := ListEntry{Item: it, Resource: r}
		if !canRead(rd, r) {
			e.Resource, e.Teaser = teaser(r), true
		}
		e.Resource.Body, e.Resource.Pages = "", nil
		v.Entries = append(v.Entries, e)
	}
	return v, nil
}

// UpdateList renames, re-notes, shares or unshares one of the reader's lists.
func (l *Library) UpdateList(ctx context.Context, rd catalog.Reader, id string, e ListEdit) (*catalog.ReadingList, error) {
	list, err := l.ownList(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if e.Name != nil {
		list.Name = *e.Name
	}
	if e.Note != nil {
		list.Note = *e.Note
	}
	if err := list.Validate(); err != nil {
		return nil, err
	}
	if e.Shared != nil {
		switch {
		case !*e.Shared:
			list.ShareToken = ""
		case list.ShareToken == "":
			tok := make([]byte, 24)
			if _, err := rand.Read(tok); err != nil {
				return nil, err
			}
			list.ShareToken = base64.RawURLEncoding.EncodeToString(tok)
		}
	}
	list.Updated = l.now()
	if err := l.st.UpdateList(ctx, list); err != nil {
		return nil, err
	}
	return list, nil
}

// DeleteList deletes one of the reader's lists.
func (l *Library) DeleteList(ctx context.Context, rd catalog.Reader, id string) error {
	if _, err := l.ownList(ctx, rd, id); err != nil {
		return err
	}
	return l.st.DeleteList(ctx, id)
}

// AddToList puts a resource the reader can find (readable or a teaser) at
// the end of one of their lists, or changes its note when it is there.
func (l *Library) AddToList(ctx context.Context, rd catalog.Reader, id, resourceID, note string) error {
	if _, err := l.ownList(ctx, rd, id); err != nil {
		return err
	}
	note, err := catalog.ValidListItemNote(note)
	if err != nil {
		return err
	}
	if _, err := l.Resource(ctx, rd, resourceID); err != nil {
		return err
	}
	return l.st.PutListItem(ctx, id, resourceID, note, l.now())
}

// RemoveFromList takes a resource out of one of the reader's lists.
func (l *Library) RemoveFromList(ctx context.Context, rd catalog.Reader, id, resourceID string) error {
	if _, err := l.ownList(ctx, rd, id); err != nil {
		return err
	}
	return l.st.RemoveListItem(ctx, id, resourceID, l.now())
}

// MoveInList moves a resource one place up (delta < 0) or down.
func (l *Library) MoveInList(ctx context.Context, rd catalog.Reader, id, resourceID string, delta int) error {
	if _, err := l.ownList(ctx, rd, id); err != nil {
		return err
	}
	return l.st.MoveListItem(ctx, id, resourceID, delta, l.now())
}
