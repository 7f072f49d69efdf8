package library

import "time"

// SearchObserver receives the time of every search (the process's
// metrics; see internal/metrics).
type SearchObserver interface {
	ObserveSearch(took time.Duration)
}

// ObserveSearches makes o receive the time of every search from now on.
// Call it once, before serving.
func (l *Library) ObserveSearches(o SearchObserver) { l.searchObs.Store(&o) }

func (l *Library) observeSearch(took time.Duration) {
	if o := l.searchObs.Load(); o != nil && *o != nil {
		(*o).ObserveSearch(took)
	}
}
