package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Shared answers (listings, embeds, feeds, the public API) are fetched by
// every view of every partnership page that embeds them, so they must
// cost little:
//
//   - every 200 answer gets a strong ETag (a hash of its body), and a
//     request whose If-None-Match matches gets 304 with no body;
//   - an anonymous answer says Cache-Control: public, max-age=300, so
//     browsers and proxies reuse it for five minutes;
//   - an answer computed without credentials is kept in memory, keyed by
//     host and request URI, and valid while the library's change marker
//     (a counter the database moves on every write) stays the same, so
//     thousands of views after one change cost one search.
//
// Answers that depend on who asks (a member's private feed, the API as a
// signed-in member on our own pages) are neither kept nor marked public.

const (
	// shareMaxAge is how long (seconds) browsers and proxies may reuse an
	// anonymous answer without asking again.
	shareMaxAge = 300
	// cacheTTL bounds how long a kept answer is served even when the
	// marker has not moved: a safety net for changes the marker can't
	// see (an index rebuilt in place).
	cacheTTL = time.Minute
	// cacheMaxBytes bounds the memory all kept answers take, and
	// cacheMaxEntry one answer.
	cacheMaxBytes = 32 << 20
	cacheMaxEntry = 1 << 20
)

// cachedAnswer is a kept 200 answer.
type cachedAnswer struct {
	marker int64
	stored time.Time
	header http.Header
	body   []byte
	etag   string
}

// responseCache keeps anonymous answers in memory.
type responseCache struct {
	mu      sync.Mutex
	entries map[string]*cachedAnswer
	bytes   int
	now     func() time.Time
	marker  markerReads
}

func newResponseCache() *responseCache {
	return &responseCache{entries: map[string]*cachedAnswer{}, now: time.Now}
}

// get returns the answer kept under key if it is still valid at marker.
func (rc *responseCache) get(key string, marker int64) *cachedAnswer {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a := rc.entries[key]
	if a == nil {
		return nil
	}
	if a.marker != marker || rc.now().Sub(a.stored) > cacheTTL {
		rc.drop(key, a)
		return nil
	}
	return a
}

// put keeps a, evicting other answers (in no particular order, expired
// ones first) while the cache is over its budget.
func (rc *responseCache) put(key string, a *cachedAnswer) {
	if len(a.body) > cacheMaxEntry {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if old := rc.entries[key]; old != nil {
		rc.drop(key, old)
	}
	rc.entries[key] = a
	rc.bytes += len(key) + len(a.body)
	if rc.bytes <= cacheMaxBytes {
		return
	}
	now := rc.now()
	for k, e := range rc.entries {
		if now.Sub(e.stored) > cacheTTL {
			rc.drop(k, e)
		}
	}
	for k, e := range rc.entries {
		if rc.bytes <= cacheMaxBytes*3/4 {
			break
		}
		if k != key {
			rc.drop(k, e)
		}
	}
}

func (rc *responseCache) drop(key string, a *cachedAnswer) {
	delete(rc.entries, key)
	rc.bytes -= len(key) + len(a.body)
}

// serve answers a shared GET: from the cache when it can, else by running
// the rest of the chain with its output captured, then adding the ETag and
// caching headers and answering 304 when the client already has it.
// public is false for answers no other site may read (a private feed).
func (rc *responseCache) serve(c *gin.Context, s *Server, kind shareKind, public bool) {
	r := c.Request
	// Only an answer computed with no credentials at all is the same for
	// everyone who asks.
	keep := public && r.Header.Get("Cookie") == "" && r.Header.Get("Authorization") == ""
	key := r.Host + " " + r.URL.RequestURI()
	marker := int64(-1)
	if keep {
		m, err := rc.marker.read(r.Context(), s.lib.ChangeMarker)
		if err != nil {
			s.log.Warn("change marker", "err", err)
			keep = false
		} else if a := rc.get(key, m); a != nil {
			h := c.Writer.Header()
			for k, v := range a.header {
				h[k] = v
			}
			writeAnswer(c, c.Writer, a.etag, a.body)
			c.Abort()
			return
		} else {
			marker = m
		}
	}

	orig := c.Writer
	cw := &captureWriter{ResponseWriter: orig, status: http.StatusOK}
	c.Writer = cw
	defer func() { c.Writer = orig }() // also when a handler panics
	c.Next()
	c.Writer = orig

	if cw.status != http.StatusOK {
		orig.WriteHeader(cw.status)
		if cw.buf.Len() > 0 {
			orig.Write(cw.buf.Bytes())
		} else {
			orig.WriteHeaderNow()
		}
		return
	}
	body := cw.buf.Bytes()
	etag := strongETag(body)
	h := orig.Header()
	h.Set("ETag", etag)
	if public && identity(c) == nil {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(shareMaxAge))
		if kind == sharedAPI {
			// The same address answers a signed-in member on our own
			// pages with more: a browser must not reuse this for them.
			h.Add("Vary", "Cookie, Authorization") // Add: gzip has set Vary: Accept-Encoding (compress.go)
		}
		if keep {
			rc.put(key, &cachedAnswer{marker: marker, stored: rc.now(), header: h.Clone(),
				body: bytes.Clone(body), etag: etag})
		}
	}
	writeAnswer(c, orig, etag, body)
}

// writeAnswer writes a 200 answer, or 304 when If-None-Match names etag.
func writeAnswer(c *gin.Context, w gin.ResponseWriter, etag string, body []byte) {
	if etagMatch(c.GetHeader("If-None-Match"), etag) {
		h := w.Header()
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		w.WriteHeaderNow()
		return
	}
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(body); err != nil {
		slog.Debug("write answer", "err", err) // the client went away
	}
}

// strongETag is a strong validator: a hash of the exact bytes.
func strongETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// etagMatch applies If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == etag {
			return true
		}
	}
	return false
}

// captureWriter holds a handler's answer so that headers computed from
// the whole body (ETag) can go before it.
type captureWriter struct {
	gin.ResponseWriter
	status int
	wrote  bool
	buf    bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int) {
	if code > 0 && !w.wrote {
		w.status = code
	}
}

func (w *captureWriter) WriteHeaderNow() { w.wrote = true }

func (w *captureWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.buf.Write(b)
}

func (w *captureWriter) WriteString(s string) (int, error) {
	w.wrote = true
	return w.buf.WriteString(s)
}

func (w *captureWriter) Status() int   { return w.status }
func (w *captureWriter) Written() bool { return w.wrote }
func (w *captureWriter) Flush()        {}

func (w *captureWriter) Size() int {
	if !w.wrote {
		return -1
	}
	return w.buf.Len()
}

// markerReads coalesces concurrent reads of the change marker: a request
// that arrives while a read is under way shares its result instead of
// taking another database connection, so a burst of page views costs one
// query. (A read that started just before a write may answer the old
// value: as if the request had come a moment earlier.)
type markerReads struct {
	mu   sync.Mutex
	call *markerCall
}

type markerCall struct {
	done chan struct{}
	val  int64
	err  error
}

func (m *markerReads) read(ctx context.Context, f func(context.Context) (int64, error)) (int64, error) {
	m.mu.Lock()
	if c := m.call; c != nil {
		m.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	c := &markerCall{done: make(chan struct{})}
	m.call = c
	m.mu.Unlock()
	// Others wait on this read: it must not end with this request.
	c.val, c.err = f(context.WithoutCancel(ctx))
	m.mu.Lock()
	m.call = nil
	m.mu.Unlock()
	close(c.done)
	return c.val, c.err
}
