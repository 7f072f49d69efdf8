package library

import (
	"context"
	"fmt"
	"slices"
	"time"

	"safelib/index"
	"safelib/internal/catalog"
)

const indexBatch = 500

// document turns a resource into what the index needs. Withdrawn and gone
// resources are not indexed.
func (l *Library) document(r *catalog.Resource) index.Document {
	own := slices.Concat(r.Themes, r.MachineThemes)
	labels := make([]string, 0, len(own))
	for _, t := range own {
		labels = append(labels, l.tax.Label(t))
	}
	// The keyword field also holds every broader theme: selecting one
	// finds its narrower ones, and its facet count counts each item once.
	// Only the item's own labels are searchable text.
	themes := l.tax.WithBroader(own)
	return index.Document{
		ID:          r.ID,
		Title:       r.Title,
		Summary:     r.Summary,
		Body:        r.Body,
		Publisher:   r.Publisher,
		Type:        r.Type,
		Themes:      themes,
		ThemeLabels: labels,
		Year:        r.Published.Year(),
		Published:   r.Published.SortKey(),
		Area:        r.Area,
		Region:      r.Region,
		Access:      string(r.Access),
		Source:      r.Source,
		Extra:       joinNonEmpty(" ", r.Sport, r.Phone, r.Email),
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// indexResources writes the given resources to the index (deleting those
// that are not active) and clears their outbox flags.
func (l *Library) indexResources(ctx context.Context, rs []*catalog.Resource) error {
	if len(rs) == 0 {
		return nil
	}
	var docs []index.Document
	var deletes []string
	versions := make(map[string]int64, len(rs))
	for _, r := range rs {
		versions[r.ID] = r.Version
		if r.Status == catalog.StatusActive {
			docs = append(docs, l.document(r))
		} else {
			deletes = append(deletes, r.ID)
		}
	}
	if err := l.ix.Batch(docs, deletes); err != nil {
		return fmt.Errorf("index %d resources: %w", len(rs), err)
	}
	return l.st.MarkIndexed(ctx, versions)
}

// Heal brings the index up to date with the store: it indexes every row
// whose outbox flag is set (writes a crash interrupted), then checks that
// the index holds exactly the active ids and repairs any difference.
func (l *Library) Heal(ctx context.Context) (int, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	n, err := l.drainPending(ctx, nil)
	if err != nil {
		return n, err
	}
	want, err := l.st.ActiveIDs(ctx)
	if err != nil {
		return n, err
	}
	got, err := l.ix.IDs()
	if err != nil {
		return n, fmt.Errorf("list index ids: %w", err)
	}
	have := make(map[string]bool, len(got))
	for _, id := range got {
		have[id] = true
	}
	var missing []string
	for _, id := range want {
		if !have[id] {
			missing = append(missing, id)
		}
		delete(have, id)
	}
	var extra []string
	for id := range have {
		extra = append(extra, id)
	}
	if len(extra) > 0 {
		if err := l.ix.Batch(nil, extra); err != nil {
			return n, fmt.Errorf("remove %d stray index entries: %w", len(extra), err)
		}
	}
	if len(missing) > 0 {
		if err := l.st.MarkPending(ctx, missing); err != nil {
			return n, err
		}
		m, err := l.drainPending(ctx, nil)
		n += m
		if err != nil {
			return n, err
		}
	}
	if len(missing)+len(extra) > 0 {
		l.log.Warn("index repaired", "missing", len(missing), "stray", len(extra))
	}
	return n, nil
}

// drainPending indexes every resource with its outbox flag set. Callers
// hold writeMu, so no write adds pending rows meanwhile. Reading the next
// batch from the store overlaps with indexing the current one. Batches go
// to Bleve one at a time: two concurrent Batch calls on a disk that fills
// up made Bleve 2.6.3 read a closed segment and panic (TestFullDiskImport).
func (l *Library) drainPending(ctx context.Context, progress func(done int)) (int, error) {
	jobs := make(chan []*catalog.Resource, 1)
	var (
		done     int
		indexErr error
		stop     = make(chan struct{})
		finished = make(chan struct{})
	)
	go func() {
		defer close(finished)
		for rs := range jobs {
			if indexErr != nil {
				continue
			}
			if indexErr = l.indexResources(ctx, rs); indexErr != nil {
				close(stop)
				continue
			}
			done += len(rs)
			if progress != nil {
				progress(done)
			}
		}
	}()
	after := ""
	var readErr error
read:
	for {
		rs, err := l.st.PendingIndexAfter(ctx, after, indexBatch)
		if err != nil {
			readErr = err
			break
		}
		if len(rs) == 0 {
			break
		}
		after = rs[len(rs)-1].ID
		select {
		case jobs <- rs:
		case <-stop:
			break read
		}
	}
	close(jobs)
	<-finished
	if readErr != nil {
		return done, readErr
	}
	return done, indexErr
}

// Rebuild re-indexes every resource from the store into the (empty or
// existing) index. progress, when not nil, is called after each batch.
func (l *Library) Rebuild(ctx context.Context, progress func(done, total int)) error {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	counts, err := l.st.ResourceCounts(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	start := time.Now()
	if err := l.st.MarkAllPending(ctx); err != nil {
		return err
	}
	n, err := l.drainPending(ctx, func(done int) {
		if progress != nil {
			progress(done, total)
		}
	})
	if err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	l.log.Info("index rebuilt", "resources", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Consistency is what Check found.
type Consistency struct {
	Integrity   string `json:"integrity"`    // "ok" or SQLite's complaint
	StoreActive int    `json:"store_active"` // active resources in the store
	IndexDocs   int    `json:"index_docs"`   // documents in the index
	Missing     int    `json:"missing"`      // active in the store, absent from the index
	Stray       int    `json:"stray"`        // in the index, not active in the store
	Pending     int    `json:"pending"`      // writes not yet indexed
	// The held files against their hashes (files.go).
	FileCheck
}

// OK reports whether store and index agree and the database is sound.
func (c Consistency) OK() bool {
	return c.Integrity == "ok" && c.Missing == 0 && c.Stray == 0 && c.Pending == 0 && c.StoreActive == c.IndexDocs &&
		len(c.FileCheck.Missing) == 0 && len(c.Changed) == 0
}

// Check compares the store and the index without changing either.
func (l *Library) Check(ctx context.Context) (Consistency, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	var c Consistency
	var err error
	if c.Integrity, err = l.st.IntegrityCheck(ctx); err != nil {
		return c, err
	}
	want, err := l.st.ActiveIDs(ctx)
	if err != nil {
		return c, err
	}
	got, err := l.ix.IDs()
	if err != nil {
		return c, err
	}
	if c.Pending, err = l.st.CountPending(ctx); err != nil {
		return c, err
	}
	c.StoreActive, c.IndexDocs = len(want), len(got)
	have := make(map[string]bool, len(got))
	for _, id := range got {
		have[id] = true
	}
	for _, id := range want {
		if !have[id] {
			c.Missing++
		}
		delete(have, id)
	}
	c.Stray = len(have)
	c.FileCheck, err = l.checkFiles(ctx)
	return c, err
}
