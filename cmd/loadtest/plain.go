package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"safelib/index"
)

// plainFloor measures the floor the load-test issue names: plain Bleve
// (Plain, plainbleve.go) searching the same generated corpus in process, with the
// same mix, sequentially and from `clients` goroutines. Its index is built
// in dir from the corpus (n resources, seed), or reused when dir already
// holds all of them; built says how long building took (0: reused).
func plainFloor(dir string, n int, seed int64, mix []query, clients int, d time.Duration) (r floorResult, built time.Duration, err error) {
	p, built, err := openPlainCorpus(dir, n, seed)
	if err != nil {
		return r, 0, err
	}
	defer p.Close()
	ctx := context.Background()
	search := func(i int) error {
		q := mix[i]
		_, err := p.Search(ctx, q.Q, q.Filters, q.Sort, (q.Page-1)*20, 20, 100)
		return err
	}
	for i := 0; i < min(20, len(mix)); i++ {
		search(i)
	}
	took, err := onePass(len(mix), search)
	if err != nil {
		return r, built, err
	}
	r = summary(took)
	lat, _, elapsed := drive(clients, d, len(mix), search)
	r.rps = float64(len(lat)) / elapsed.Seconds()
	return r, built, nil
}

// openPlainCorpus opens the plain Bleve index of the corpus (n resources,
// seed) in dir, building it first unless dir already holds all of them;
// built says how long building took (0: reused).
func openPlainCorpus(dir string, n int, seed int64) (p *Plain, built time.Duration, err error) {
	if p, err = OpenPlain(dir); err != nil {
		return nil, 0, err
	}
	if c, _ := p.Count(); c == uint64(n) {
		return p, 0, nil
	}
	p.Close()
	if err := os.RemoveAll(dir); err != nil {
		return nil, 0, err
	}
	if p, err = OpenPlain(dir); err != nil {
		return nil, 0, err
	}
	t := time.Now()
	if err := loadPlain(p, n, seed); err != nil {
		p.Close()
		return nil, 0, err
	}
	return p, time.Since(t), nil
}

// loadPlain indexes the generated corpus into p in batches of 500.
func loadPlain(p *Plain, n int, seed int64) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeCorpus(pw, n, seed)) }()
	defer pr.Close()
	dec := json.NewDecoder(pr)
	batch := make([]index.Document, 0, 500)
	done := 0
	flush := func() error {
		if err := p.Batch(batch); err != nil {
			return err
		}
		done += len(batch)
		batch = batch[:0]
		if done%10000 == 0 || done == n {
			step("plain Bleve: %d of %d indexed", done, n)
		}
		return nil
	}
	for done+len(batch) < n {
		var rec record
		if err := dec.Decode(&rec); err != nil {
			return fmt.Errorf("plain Bleve: corpus: %w", err)
		}
		year, _ := strconv.Atoi(rec.Published[:min(4, len(rec.Published))])
		batch = append(batch, index.Document{
			ID: rec.ID, Title: rec.Title, Summary: rec.Summary, Body: rec.Body,
			Publisher: rec.Publisher, Type: rec.Type, Themes: rec.Themes, Year: year,
			Published: rec.Published, Area: rec.Area, Region: rec.Region, Access: rec.Access,
		})
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}
