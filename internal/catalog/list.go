package catalog

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of a reading list.
const (
	MaxListName  = 200
	MaxListNote  = 2000
	MaxListItems = 1000
	MaxLists     = 200 // per person
)

// ReadingList is a person's named list of resources, in their order. It
// is private to its owner unless ShareToken is set: then anyone with the
// address holding the token may read it, each as their own access allows.
type ReadingList struct {
	ID         string
	UserID     int64
	Name       string
	Note       string
	ShareToken string // "" when not shared
	Created    time.Time
	Updated    time.Time
	Items      []ListItem
}

// ListItem is one resource of a list with the owner's note.
type ListItem struct {
	ResourceID string
	Position   int
	Note       string
	Added      time.Time
}

// Validate checks name and note.
func (l *ReadingList) Validate() error {
	l.Name = strings.TrimSpace(l.Name)
	l.Note = strings.TrimSpace(l.Note)
	switch {
	case l.Name == "":
		return Errorf(Invalid, "a list needs a name")
	case utf8.RuneCountInString(l.Name) > MaxListName:
		return Errorf(Invalid, "a list's name is at most %d characters", MaxListName)
	case utf8.RuneCountInString(l.Note) > MaxListNote:
		return Errorf(Invalid, "a list's note is at most %d characters", MaxListNote)
	}
	return nil
}

// ValidListItemNote checks an item's note.
func ValidListItemNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxListNote {
		return "", Errorf(Invalid, "an item's note is at most %d characters", MaxListNote)
	}
	return note, nil
}
