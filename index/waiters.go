package index

import (
	"sync"
	"sync/atomic"
	"time"
)

// waiters counts the searches waiting for a turn, so writes can give way
// to them (Options.YieldToSearches) without polling: idle is closed while
// none waits, busy while some do.
type waiters struct {
	n          atomic.Int32 // read without the lock on the hot path
	mu         sync.Mutex
	idle, busy chan struct{}
}

func newWaiters() *waiters {
	w := &waiters{idle: make(chan struct{}), busy: make(chan struct{})}
	close(w.idle)
	return w
}

// add notes a search starting to wait.
func (w *waiters) add() {
	w.mu.Lock()
	if w.n.Add(1) == 1 {
		w.idle = make(chan struct{})
		close(w.busy)
	}
	w.mu.Unlock()
}

// done notes a waiting search getting its turn (or giving up).
func (w *waiters) done() {
	w.mu.Lock()
	if w.n.Add(-1) == 0 {
		w.busy = make(chan struct{})
		close(w.idle)
	}
	w.mu.Unlock()
}

// count is how many searches wait now.
func (w *waiters) count() int32 { return w.n.Load() }

// signals returns the channels that close when none waits and when some do.
func (w *waiters) signals() (idle, busy <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.idle, w.busy
}

// yield waits, at most max, while searches wait for a turn.
func (w *waiters) yield(max time.Duration) {
	if w.count() == 0 {
		return
	}
	idle, _ := w.signals()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	}
}
