package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// worstCase is the slowest of three answers to one extreme request.
type worstCase struct {
	name   string
	status int
	took   time.Duration
}

// worstCases times the largest requests the API accepts (deepest page,
// most facet values, longest query) and oversized ones, which must be
// refused at once, on the full corpus.
func worstCases(s *server, token string) ([]worstCase, error) {
	vals := func(name string, n int) string {
		var b []string
		for i := 0; i < n; i++ {
			b = append(b, name+"="+url.QueryEscape(fmt.Sprintf("%s %d", types[i%len(types)], i)))
		}
		return strings.Join(b, "&")
	}
	var words []string
	for i := 0; i < 64; i++ {
		words = append(words, topicWords[i%len(topicWords)])
	}
	longQ := strings.Join(words, " OR ")
	cases := []struct{ name, query string }{
		{"deepest page allowed (results 9,901-10,000), relevance", "q=neglect&page=100&per_page=100"},
		{"deepest page allowed (results 9,901-10,000), by title", "page=100&per_page=100&sort=title"},
		{"50 values in each of 5 facets", strings.Join([]string{vals("theme", 50), vals("publisher", 50),
			vals("type", 50), vals("area", 50), vals("-region", 50)}, "&")},
		{"64 OR-ed words (the most terms allowed)", "q=" + url.QueryEscape(longQ)},
		{"oversized: query of 100 KB", "q=" + strings.Repeat("a", 100<<10)},
		{"oversized: 10,000 facet values", vals("theme", 10_000)},
		{"too deep: page=101&per_page=100", "q=neglect&page=101&per_page=100"},
		{"too many terms: 65 words", "q=" + url.QueryEscape(longQ+" OR extra")},
		{"oversized: page=100000", "page=100000"},
	}
	c := loopbackClient(30*time.Second, 1)
	var out []worstCase
	for _, tc := range cases {
		w := worstCase{name: tc.name}
		for i := 0; i < 3; i++ {
			req, err := http.NewRequest(http.MethodGet, s.base+"/api/v1/search?"+tc.query, nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			t := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			w.status = resp.StatusCode
			w.took = max(w.took, time.Since(t))
		}
		out = append(out, w)
	}
	return out, nil
}
