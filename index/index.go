package index

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"safelib/internal/catalog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	// ErrLocked means another process holds the index directory.
	ErrLocked = errors.New("index: locked by another process")
	// ErrNeedsRebuild means the index is missing, unreadable, or was written
	// with another MappingVersion: delete the directory and rebuild it from
	// the database.
	ErrNeedsRebuild = errors.New("index: needs rebuild")
	// ErrBadQuery matches parse and request errors that are the user's
	// fault: they are catalog.Invalid errors with a message for people.
	ErrBadQuery error = catalog.ErrInvalid
)

// versionKey is the Bleve internal key holding MappingVersion.
var versionKey = []byte("safelib_mapping_version")

// DefaultLockTimeout is how long Open waits for another process's lock.
const DefaultLockTimeout = time.Second

// SetAnalysisWorkers sets how many goroutines analyse documents for the
// indexes opened afterwards (Bleve's setting is per process; its default is
// 4). A server gives searches room by analysing with fewer than its cores.
func SetAnalysisWorkers(n int) {
	if n > 0 {
		bleve.Config.SetAnalysisQueueSize(n)
	}
}

// Options configure an Index.
type Options struct {
	// Synonyms maps a lower-case term or multi-word phrase to equivalent
	// terms or phrases, e.g. "cse" -> ["child sexual exploitation"].
	// Expanded in our own query tree (Bleve's synonym feature drops
	// multi-word entries in 2.6.3). List both directions if both are wanted.
	Synonyms map[string][]string
	// LockTimeout bounds how long Open waits for a lock held by another
	// process before returning ErrLocked. Zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// Warm makes Open start Warm in the background and Batch call it
	// after each write (for a server; an import does not need it).
	Warm bool
	// Searches is how many searches run at once; more wait their turn, in
	// order of arrival. Zero means GOMAXPROCS.
	Searches int
	// YieldToSearches makes writes give way to searches waiting for a
	// turn (for a server): Batch starts when none waits, or after
	// maxBatchYield, and analyses each document's body text when none
	// waits, or after maxDocYield. Imports and crawls slow down while
	// searches keep every core busy; searches keep answering.
	YieldToSearches bool
}

// How long a write waits for waiting searches (Options.YieldToSearches).
const (
	maxBatchYield = 500 * time.Millisecond
	maxDocYield   = 10 * time.Millisecond
)

// Document is what the index knows about one resource. Text is analyzed but
// never stored: the database supplies it for display and snippets.
type Document struct {
	ID                   string
	Title, Summary, Body string   // analyzed English text; Summary and Body hidden from non-members when Access is "members"
	Publisher            string   // keyword facet, also searchable as text
	Type                 string   // keyword facet
	Themes               []string // keyword facet (taxonomy slugs)
	ThemeLabels          []string // analyzed text, weighted like the summary
	Year                 int      // facet; 0 = unknown
	Published            string   // sort key "YYYY-MM-DD" ("2016-00-00" for a year); "" unknown
	Area, Region         string   // keyword facets (local policies)
	Access               string   // "public" | "members"
	Source               string   // seed|curated|crawled|import
	Extra                string   // other searchable text; hidden from non-members like Summary
}

// Index is a Bleve index with safelib's mapping. It is safe for concurrent
// use; Batch may be called from several goroutines.
type Index struct {
	bi       bleve.Index
	dir      string
	builder  *docBuilder
	an       *analyzers
	synonyms *synonymTable

	warm    bool           // Options.Warm
	warming sync.WaitGroup // the warm-up Open started
	slots   chan struct{}  // one per search running (Options.Searches)
	waiting *waiters       // searches waiting for a slot (waiters.go)
	yield   bool           // Options.YieldToSearches
	gen     atomic.Uint64  // writes so far (Batch)

	likeMu    sync.Mutex
	likeCache map[string]likeAnswer // SearchLike's answers

	cacheMu    sync.Mutex
	facetCache *facetPostings // postings of the newest snapshot searched
	segMu      sync.Mutex
	segData    map[segment.Segment]*segmentData // what facets and sorts read from the segments in use
	prunedFor  *scorch.IndexSnapshot            // the snapshot segData was last pruned for
}

// Open opens the index in dir, creating it when dir is missing or empty.
// It returns ErrLocked when another process holds it and ErrNeedsRebuild
// when it is unreadable or was written with another MappingVersion.
func Open(dir string, opts Options) (*Index, error) {
	im, err := buildMapping()
	if err != nil {
		return nil, err
	}
	empty, err := dirMissingOrEmpty(dir)
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", dir, err)
	}
	if empty {
		bi, err := bleve.NewUsing(dir, im, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("index: create %s: %w", dir, err)
		}
		if err := bi.SetInternal(versionKey, []byte(strconv.Itoa(MappingVersion))); err != nil {
			_ = bi.Close()
			return nil, fmt.Errorf("index: create %s: write version: %w", dir, err)
		}
		return newIndex(bi, dir, im, opts)
	}

	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	bi, err := bleve.OpenUsing(dir, map[string]interface{}{"bolt_timeout": timeout.String()})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
		}
		return nil, fmt.Errorf("%w: open %s: %v", ErrNeedsRebuild, dir, err)
	}
	if err := checkVersion(bi, im); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrNeedsRebuild, dir, err)
	}
	return newIndex(bi, dir, im, opts)
}

// OpenMemory returns an empty in-memory index (scorch without a directory,
// the same engine as on disk), for tests.
func OpenMemory(opts Options) (*Index, error) {
	im, err := buildMapping()
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("index: open memory: %w", err)
	}
	return newIndex(bi, "", im, opts)
}

func newIndex(bi bleve.Index, dir string, im *mapping.IndexMappingImpl, opts Options) (*Index, error) {
	b, err := newDocBuilder(im)
	if err != nil {
		_ = bi.Close()
		return nil, err
	}
	an, err := newAnalyzers(im)
	if err != nil {
		_ = bi.Close()
		return nil, err
	}
	ix := &Index{bi: bi, dir: dir, builder: b, an: an, synonyms: newSynonymTable(opts.Synonyms, an), warm: opts.Warm}
	n := opts.Searches
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	ix.slots = make(chan struct{}, n)
	ix.waiting = newWaiters()
	if opts.YieldToSearches {
		ix.yield = true
		ix.builder = ix.builder.yielding(func() { ix.yieldToSearches(maxDocYield) })
	}
	if ix.warm {
		ix.warming.Go(func() { _ = ix.Warm() }) // an error shows again at the first search
	}
	return ix, nil
}

// checkVersion compares the stored MappingVersion and the stored mapping with
// ours, so a mapping changed without a version bump still forces a rebuild.
func checkVersion(bi bleve.Index, im *mapping.IndexMappingImpl) error {
	v, err := bi.GetInternal(versionKey)
	if err != nil {
		return fmt.Errorf("read version: %w", err)
	}
	if len(v) == 0 {
		return errors.New("no mapping version")
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return fmt.Errorf("unreadable mapping version %q", v)
	}
	if n != MappingVersion {
		return fmt.Errorf("mapping version %d, want %d", n, MappingVersion)
	}
	stored, ok := bi.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		return errors.New("unexpected mapping type")
	}
	a, err := jsonOf(stored)
	if err != nil {
		return err
	}
	b, err := jsonOf(im)
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) {
		return errors.New("stored mapping differs from this version's mapping")
	}
	return nil
}

func dirMissingOrEmpty(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}

// Close releases the index and its lock.
func (ix *Index) Close() error {
	ix.warming.Wait()
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("index: close: %w", err)
	}
	return nil
}

// Batch upserts docs and deletes ids in one Bleve batch. Deletes are applied
// first, so an id in both lists ends up indexed. On disk each call returns
// once its segment is persisted. Callers serialise batches (see
// library.drainPending); a panic inside Bleve (seen on a full disk) is
// returned as an error, so the store's outbox keeps the batch for a heal.
func (ix *Index) Batch(docs []Document, deletes []string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("index: batch of %d docs, %d deletes: bleve failed: %v", len(docs), len(deletes), p)
		}
	}()
	if len(docs) == 0 && len(deletes) == 0 {
		return nil
	}
	if ix.yield {
		ix.yieldToSearches(maxBatchYield)
	}
	if textSize(docs) >= largeBatchText {
		defer tightenGC()()
	}
	b := ix.bi.NewBatch()
	for _, id := range deletes {
		b.Delete(id)
	}
	for i := range docs {
		if err := docs[i].validate(); err != nil {
			return err
		}
		if err := b.IndexAdvanced(ix.builder.build(&docs[i])); err != nil {
			return fmt.Errorf("index: batch: %w", err)
		}
	}
	err = ix.bi.Batch(b)
	ix.gen.Add(1) // even after an error: a part may have landed
	if err != nil {
		return fmt.Errorf("index: batch of %d docs, %d deletes: %w", len(docs), len(deletes), err)
	}
	if ix.warm {
		_ = ix.Warm() // the new segment; an error shows again at the next search
	}
	return nil
}

// yieldToSearches waits, at most max, while searches wait for a turn.
func (ix *Index) yieldToSearches(max time.Duration) { ix.waiting.yield(max) }

// Count returns the number of documents.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}

// IDs returns the ids of all documents, in no particular order.
func (ix *Index) IDs() ([]string, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index: ids: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index: ids: %w", err)
	}
	defer r.Close()
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("index: ids: %w", err)
	}
	defer dr.Close()
	n, _ := r.DocCount()
	ids := make([]string, 0, n)
	for {
		iid, err := dr.Next()
		if err != nil {
			return nil, fmt.Errorf("index: ids: %w", err)
		}
		if iid == nil {
			break
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, fmt.Errorf("index: ids: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// DiskSize returns the bytes used by the index directory (0 in memory).
func (ix *Index) DiskSize() int64 {
	if ix.dir == "" {
		return 0
	}
	var total int64
	_ = filepath.WalkDir(ix.dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // files come and go while segments merge
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// withReader gives the suggestion code direct access to term dictionaries.
func (ix *Index) withReader(f func(r indexReader) error) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return f(r)
}
