package crawl

import (
	"context"
	"errors"
	"fmt"
	"time"

	"safelib/internal/catalog"
)

// op is one thing a worker wants written: a resource with the states of
// the URLs that lead to it, a state alone, a resource to mark gone, or a
// failure for crawl history.
type op struct {
	res     *catalog.Resource
	url     string // the URL fetched, for messages
	states  []*catalog.URLState
	gone    string
	failure *catalog.CrawlFailure
}

// writer is the run's single writer: it batches what the workers found so
// the store and the index see a few large writes rather than one per page
// (and searches stay fast while a crawl runs). A URL's state is written
// after its resource, so a crash in between only costs a re-fetch.
type writer struct {
	r    *run
	ch   chan op
	done chan struct{}
	err  error
}

func newWriter(r *run) *writer {
	w := &writer{r: r, ch: make(chan op, 4*writerBatch), done: make(chan struct{})}
	go w.loop()
	return w
}

// send queues o, waiting when the writer is behind.
func (w *writer) send(o op) { w.ch <- o }

// close writes what is queued and returns the first write error.
func (w *writer) close() error {
	close(w.ch)
	<-w.done
	return w.err
}

func (w *writer) loop() {
	defer close(w.done)
	tick := time.NewTicker(writerFlushEvery)
	defer tick.Stop()
	batch := make([]op, 0, writerBatch)
	for {
		select {
		case o, ok := <-w.ch:
			if !ok {
				w.flush(batch)
				return
			}
			batch = append(batch, o)
			if len(batch) >= writerBatch {
				w.flush(batch)
				batch = batch[:0]
			}
		case <-tick.C:
			if len(batch) > 0 {
				w.flush(batch)
				batch = batch[:0]
			}
		}
	}
}

// flush writes a batch. What was fetched before an interrupt is still
// saved, so the writes use a context that outlives the run's.
func (w *writer) flush(batch []op) {
	if len(batch) == 0 || w.err != nil {
		return
	}
	r := w.r
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), time.Minute)
	defer cancel()
	var rs []*catalog.Resource
	var resOps []int
	for i, o := range batch {
		if o.res != nil {
			rs = append(rs, o.res)
			resOps = append(resOps, i)
		}
	}
	var failures []catalog.CrawlFailure
	if len(rs) > 0 {
		outs, err := r.c.lib.SaveCrawled(ctx, rs)
		if err != nil {
			w.fatal(fmt.Errorf("save crawled resources: %w", err))
			return
		}
		for k, out := range outs {
			o := batch[resOps[k]]
			switch {
			case out.Err != nil:
				// Not remembered, so the next run tries again.
				for _, s := range o.states {
					s.BodyHash, s.ResourceURL = "", ""
				}
				reason := "not saved: " + out.Err.Error()
				r.count(func(rec *catalog.CrawlRun) { rec.Failed++ }, reason)
				failures = append(failures, catalog.CrawlFailure{RunID: r.rec.ID, URL: o.url, Reason: reason, At: time.Now()})
			case out.New:
				r.count(func(rec *catalog.CrawlRun) { rec.New++ }, "")
			case out.Changed:
				r.count(func(rec *catalog.CrawlRun) { rec.Changed++ }, "")
			default:
				r.count(func(rec *catalog.CrawlRun) { rec.Unchanged++ }, "")
			}
		}
	}
	var states []*catalog.URLState
	for _, o := range batch {
		states = append(states, o.states...)
		if o.failure != nil {
			failures = append(failures, *o.failure)
		}
	}
	if err := r.c.st.SaveURLStates(ctx, states); err != nil {
		w.fatal(err)
		return
	}
	for _, o := range batch {
		if o.gone == "" {
			continue
		}
		changed, err := r.c.lib.MarkGone(ctx, o.gone)
		switch {
		case errors.Is(err, catalog.ErrNotFound):
			// Deleted by staff meanwhile: nothing to mark.
		case err != nil:
			w.fatal(err)
			return
		case changed:
			r.count(func(rec *catalog.CrawlRun) { rec.Gone++ }, "")
			failures = append(failures, catalog.CrawlFailure{RunID: r.rec.ID, URL: o.gone,
				Reason: "answered 404 or 410 twice in a row: marked gone", At: time.Now()})
		}
	}
	if err := r.c.st.AddCrawlFailures(ctx, failures); err != nil {
		w.fatal(err)
	}
}

// fatal stops the run: the store or index can't be written.
func (w *writer) fatal(err error) {
	w.err = err
	w.r.c.log.Error("crawl stopped: cannot write", "source", w.r.src.Name, "err", err)
	w.r.cancel()
}
