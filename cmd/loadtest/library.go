package main

import (
	"context"

	"safelib/internal/catalog"
	"safelib/internal/library"
	"safelib/internal/taxonomy"
)

// libraryFloor runs the mix through library.Search in process: the index
// search plus what the library adds (loading hits from the store, access,
// snippets), without HTTP. Between the floor and the HTTP figures, it says
// where time goes. With profile set, a CPU profile of the sequential pass
// is written there.
func libraryFloor(dataDir string, mix []query, profile string) (floorResult, error) {
	ctx := context.Background()
	h, err := library.Open(ctx, dataDir, taxonomy.Default(), nil, library.OpenOptions{})
	if err != nil {
		return floorResult{}, err
	}
	defer h.Close()
	search := func(i int) error {
		q := mix[i]
		_, err := h.Library.Search(ctx, catalog.Anonymous, library.SearchParams{
			Q: q.Q, Filters: q.Filters, Sort: q.Sort, Page: q.Page, PerPage: 20})
		return err
	}
	for i := 0; i < min(20, len(mix)); i++ {
		search(i)
	}
	stop, err := profileCPU(profile)
	if err != nil {
		return floorResult{}, err
	}
	defer stop()
	took, err := onePass(len(mix), search)
	if err != nil {
		return floorResult{}, err
	}
	return summary(took), nil
}
