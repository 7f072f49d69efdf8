// Package library holds the use cases: search, read, add, update, withdraw,
// import and reindex. It is the one seam where the reader's access is
// applied: web and crawl call it, never index or store directly for
// resources. Writes go to the store first (with an outbox flag), then the
// index; reads ask the index for ids and load the rest from the store.
package library

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"safelib/index"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

// Error kinds the web layer maps to HTTP statuses.
var (
	ErrNotFound  = errors.New("not found")
	ErrInvalid   = errors.New("invalid input")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
)

// Reader is who is reading: the access every read path is given.
type Reader struct {
	UserID int64
	Email  string
	Role   string // "", "member", "staff", "admin"
	// Members is true when the reader may read members-only items: staff,
	// admins, and members whose membership has not lapsed.
	Members bool
	// Lapsed is true for a member whose membership end date has passed.
	Lapsed bool
}

// Anonymous is the reader with the least access.
var Anonymous = Reader{}

// IsStaff reports whether the reader may curate.
func (r Reader) IsStaff() bool { return r.Role == "staff" || r.Role == "admin" }

// Library wires the store, the index and the taxonomy.
type Library struct {
	st  *store.Store
	ix  *index.Index
	tax *taxonomy.Taxonomy
	log *slog.Logger
	// writeMu serialises index writes with their outbox bookkeeping, so a
	// slower write can't overwrite a newer version in the index.
	writeMu sync.Mutex
	// now is the clock, replaceable in tests.
	now func() time.Time
	// cur is the staff curation state (fetcher, drafts): addlink.go.
	cur curation
	// searchObs receives search timings (metrics): observe.go.
	searchObs atomic.Pointer[SearchObserver]
}

// New builds a Library over an open store and index.
func New(st *store.Store, ix *index.Index, tax *taxonomy.Taxonomy, log *slog.Logger) *Library {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Library{st: st, ix: ix, tax: tax, log: log, now: time.Now}
}

// Taxonomy returns the theme vocabulary.
func (l *Library) Taxonomy() *taxonomy.Taxonomy { return l.tax }

// Store returns the store, for the other use-case packages (auth, crawl
// state) whose tables carry no resource text.
func (l *Library) Store() *store.Store { return l.st }

// IndexSize returns the index size on disk in bytes.
func (l *Library) IndexSize() int64 { return l.ix.DiskSize() }

// wrapStore maps store sentinels to library errors.
func wrapStore(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// System is the reader for command-line maintenance by whoever holds the
// data directory: full access.
var System = Reader{Email: "system", Role: "admin", Members: true}
