package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// apiAlert is an alert in the API (README: Alerts; the fields are a contract).
type apiAlert struct {
	ID      int64  `json:"id"`
	Search  string `json:"search"`
	Cadence string `json:"cadence"`
	Day     string `json:"day"`
	Paused  bool   `json:"paused"`
	Created string `json:"created"`
}

func alertJSON(a *catalog.Alert) apiAlert {
	return apiAlert{ID: a.ID, Search: a.Search, Cadence: a.Cadence, Day: a.Day, Paused: a.Paused,
		Created: a.Created.UTC().Format(time.RFC3339)}
}

// alertInput is the body of POST and PATCH: absent fields are unchanged.
type alertInput struct {
	Search  *string `json:"search"`
	Cadence *string `json:"cadence"`
	Day     *string `json:"day"`
	Paused  *bool   `json:"paused"`
}

const maxAlertBytes = 8 << 10

// alertRoutes registers /api/v1/alerts (signed in: session with CSRF, or
// a Bearer token; each person reaches only their own alerts).
func (s *Server) alertRoutes(api *gin.RouterGroup) {
	g := api.Group("/alerts", s.requireSignIn())
	g.GET("", s.apiAlerts)
	g.POST("", s.apiCreateAlert)
	g.PATCH("/:id", s.apiPatchAlert)
	g.DELETE("/:id", s.apiDeleteAlert)
}

// canonicalSearch checks a search string exactly as /api/v1/search
// checks its query string, and writes it back canonically (page and
// per_page dropped: an alert follows the whole search).
func canonicalSearch(raw string) (string, error) {
	if len(raw) > 4000 {
		return "", invalid("search longer than 4000 bytes")
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return "", invalid("search is not a query string: %v", err)
	}
	p, err := parseSearch(v)
	if err != nil {
		return "", err
	}
	sort := library.Sort(v.Get("sort"))
	if sort == library.SortRelevance {
		sort = ""
	}
	return alertQuery(p, sort), nil
}

// alertQuery writes p as an alert's search string: canonical, without
// page or per_page.
func alertQuery(p library.SearchParams, sort library.Sort) string {
	p.PerPage = 0
	return strings.TrimPrefix(strings.TrimPrefix(encodeSearch(p, sort, 1), "/search"), "?")
}

func (s *Server) readAlertInput(c *gin.Context) (*alertInput, bool) {
	var in alertInput
	if !s.decodeJSON(c, &in, maxAlertBytes, "an alert") {
		return nil, false
	}
	return &in, true
}

// apply sets in's fields on a, checking the search.
func (in *alertInput) apply(a *catalog.Alert) error {
	if in.Search != nil {
		q, err := canonicalSearch(*in.Search)
		if err != nil {
			return err
		}
		a.Search = q
	}
	if in.Cadence != nil {
		a.Cadence = *in.Cadence
	}
	if in.Day != nil {
		a.Day = *in.Day
	}
	if in.Paused != nil {
		a.Paused = *in.Paused
	}
	return nil
}
