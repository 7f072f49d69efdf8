package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// Responses are gzip-compressed (github.com/klauspost/compress/gzhttp)
// when the client accepts it: pages, the API, embed.js, feeds, exports.
// Bodies under 1 KiB are sent as they are, and so are types that are
// already compressed (images but SVG, archives, audio, video, PDF and the
// zipped Office formats: compressing them again costs time for nothing).
//
// ETags: a compressed answer must not carry the plain answer's strong
// ETag, so gzhttp suffixes it ("abc" becomes "abc-gzip"); a revalidation
// naming the suffixed tag is read as the plain one (unsuffixETags), so
// If-None-Match still earns a 304 from the response cache and from
// static files. Every answer carries Vary: Accept-Encoding.

// etagSuffix is what gzhttp adds inside a compressed answer's ETag.
const etagSuffix = "-gzip"

// notCompressed are content types already compressed.
var notCompressed = []string{
	"application/pdf",
	"application/zip",
	"application/gzip",
	"application/vnd.openxmlformats-officedocument.",
	"application/vnd.oasis.opendocument.",
	"application/epub+zip",
	"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif",
	"font/woff", "font/woff2",
}

func compressible(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(ct))
	for _, p := range notCompressed {
		if strings.HasPrefix(ct, p) {
			return false
		}
	}
	return gzhttp.DefaultContentTypeFilter(ct)
}

// compress wraps h with gzip compression.
func compress(h http.Handler) (http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(1024),
		gzhttp.EnableZstd(false),
		gzhttp.ContentTypeFilter(compressible),
		gzhttp.SuffixETag(etagSuffix),
	)
	if err != nil {
		return nil, fmt.Errorf("web: gzip: %w", err)
	}
	return wrap(unsuffixETags(h)), nil
}

// unsuffixETags reads If-None-Match tags that name a
// compressed answer ("abc-gzip") as the plain answer's ("abc"), which is
// what the handlers compute. Our own tags never end in the suffix.
func unsuffixETags(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("If-None-Match"); strings.Contains(v, etagSuffix+`"`) {
			r.Header.Set("If-None-Match", strings.ReplaceAll(v, etagSuffix+`"`, `"`))
		}
		h.ServeHTTP(w, r)
	})
}
