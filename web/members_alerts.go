package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// accountAlert is one alert as the account page shows it.
type accountAlert struct {
	ID      int64
	Search  string // a readable description of the search
	URL     string // the search page
	Cadence string
	Paused  bool
}

// describeSearch says what a search string asks for, for people.
func describeSearch(search string) string {
	v, err := url.ParseQuery(search)
	if err != nil || search == "" {
		return "Everything new in the library"
	}
	out := ""
	if q := v.Get("q"); q != "" {
		out = "“" + q + "”"
	}
	for _, f := range filterParams {
		for _, x := range v[f] {
			if out != "" {
				out += ", "
			}
			out += facetNames[f] + ": " + x
		}
		for _, x := range v["-"+f] {
			if out != "" {
				out += ", "
			}
			out += facetNames[f] + ": not " + x
		}
	}
	if out == "" {
		return "Everything new in the library"
	}
	return out
}

func (s *Server) accountAlerts(c *gin.Context) ([]accountAlert, error) {
	as, err := s.lib.Alerts(c.Request.Context(), s.reader(c))
	if err != nil {
		return nil, err
	}
	var out []accountAlert
	for _, a := range as {
		cad := a.Cadence
		if a.Cadence == catalog.Weekly {
			cad += " (" + a.Day + ")"
		}
		out = append(out, accountAlert{ID: a.ID, Search: describeSearch(a.Search), URL: "/search?" + a.Search,
			Cadence: cad, Paused: a.Paused})
	}
	return out, nil
}
