package auth

import (
	"net/netip"
	"sync"
	"time"
)

// Throttle counts failures per key (an email or an address) in memory: a
// key with limit failures within window is locked for lock. State is per
// process; with several instances each would count on its own.
type Throttle struct {
	limit        int
	window, lock time.Duration
	now          func() time.Time
	mu           sync.Mutex
	keys         map[string]*failures
}

type failures struct {
	at     []time.Time // within the window, oldest first
	locked time.Time   // locked until then
}

// maxKeys bounds the memory a flood of distinct emails or addresses can
// take; when full, stale keys go first, then arbitrary ones.
const maxKeys = 100_000

// NewThrottle makes a throttle.
func NewThrottle(limit int, window, lock time.Duration, now func() time.Time) *Throttle {
	return &Throttle{limit: limit, window: window, lock: lock, now: now, keys: map[string]*failures{}}
}

// Wait returns how long key is still locked (0 when not).
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.keys[key]
	if f == nil {
		return 0
	}
	if d := f.locked.Sub(t.now()); d > 0 {
		return d
	}
	return 0
}

// Fail records a failure and reports whether it locked key.
func (t *Throttle) Fail(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.keys[key]
	if f == nil {
		if len(t.keys) >= maxKeys {
			t.prune(now)
		}
		f = &failures{}
		t.keys[key] = f
	}
	f.at = recent(f.at, now.Add(-t.window))
	f.at = append(f.at, now)
	if len(f.at) >= t.limit {
		f.locked = now.Add(t.lock)
		f.at = nil
		return true
	}
	return false
}

// Reset forgets key's failures (after a successful sign-in).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

func recent(at []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(at) && !at[i].After(since) {
		i++
	}
	return at[i:]
}

// prune drops keys with nothing recent and no lock; if that frees too
// little, it drops arbitrary keys down to three quarters of the cap.
func (t *Throttle) prune(now time.Time) {
	since := now.Add(-t.window)
	for k, f := range t.keys {
		if f.locked.Before(now) && len(recent(f.at, since)) == 0 {
			delete(t.keys, k)
		}
	}
	for k := range t.keys {
		if len(t.keys) < maxKeys*3/4 {
			break
		}
		delete(t.keys, k)
	}
}

// addrKey is the throttling key of a client address: IPv6 addresses count
// by /64, since one host usually holds a whole /64.
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}
