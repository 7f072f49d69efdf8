package crawl

import "sync"

// item is a URL waiting to be fetched.
type item struct {
	url   string
	depth int
	// known marks a document remembered from earlier runs and no longer
	// linked: it is fetched (conditionally) to see whether it changed or
	// is gone, and its links are not followed.
	known bool
}

// frontier is the bounded FIFO of URLs to fetch (breadth first), with
// the set of URLs already queued or handled. Workers take items with next
// and report with done; next returns false once the queue is empty and
// nothing is in flight (after one call of onDrain, which may add more), or
// once closed.
type frontier struct {
	mu       sync.Mutex
	cond     *sync.Cond
	queue    []item
	head     int
	seen     map[string]bool
	inflight int
	added    int
	max      int
	closed   bool
	onDrain  func() []item
	drained  bool
}

func newFrontier(max int, onDrain func() []item) *frontier {
	f := &frontier{seen: map[string]bool{}, max: max, onDrain: onDrain}
	f.cond = sync.NewCond(&f.mu)
	return f
}

// add queues it unless its URL was seen or the bound is reached.
func (f *frontier) add(it item) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addLocked(it)
}

func (f *frontier) addLocked(it item) bool {
	if f.closed || f.seen[it.url] || f.added >= f.max {
		return false
	}
	f.seen[it.url] = true
	f.added++
	f.queue = append(f.queue, it)
	f.cond.Signal()
	return true
}

// markSeen records u as handled without queueing it; it reports false when
// u was already seen.
func (f *frontier) markSeen(u string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[u] {
		return false
	}
	f.seen[u] = true
	return true
}

// next waits for an item.
func (f *frontier) next() (item, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		if f.closed {
			return item{}, false
		}
		if f.head < len(f.queue) {
			it := f.queue[f.head]
			f.queue[f.head] = item{}
			f.head++
			if f.head > 1024 && f.head*2 > len(f.queue) {
				f.queue = append([]item(nil), f.queue[f.head:]...)
				f.head = 0
			}
			f.inflight++
			return it, true
		}
		if f.inflight == 0 {
			if !f.drained && f.onDrain != nil {
				f.drained = true
				more := f.onDrain()
				for _, it := range more {
					f.addLocked(it)
				}
				if len(more) > 0 {
					continue
				}
			}
			f.cond.Broadcast()
			return item{}, false
		}
		f.cond.Wait()
	}
}

// done reports that an item taken with next is finished.
func (f *frontier) done() {
	f.mu.Lock()
	f.inflight--
	if f.inflight == 0 {
		f.cond.Broadcast()
	}
	f.mu.Unlock()
}

// close wakes every waiting worker and makes next return false.
func (f *frontier) close() {
	f.mu.Lock()
	f.closed = true
	f.cond.Broadcast()
	f.mu.Unlock()
}

// queued returns the number of URLs waiting.
func (f *frontier) queued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue) - f.head
}
