// Package library holds the use cases: search, read, add, update, withdraw,
// import and reindex. It is the one seam where the reader's access is
// applied: web and crawl call it, never index or store directly for
// resources. Writes go to the store first (with an outbox flag), then the
// index; reads ask the index for ids and load the rest from the store.
package library

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"safelib/index"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

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
	// backups is the latest scheduled backup's result: backups.go.
	backups lastBackup
	// files keeps the files the library holds (files.go); nil: none.
	files *fileStore
	// maxUpload is the largest upload taken (0: catalog.MaxUpload).
	maxUpload atomic.Int64
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

// IndexSize returns the index size on disk in bytes.
func (l *Library) IndexSize() int64 { return l.ix.DiskSize() }
