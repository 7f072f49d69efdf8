package web

import (
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
		out = append(out, accountAlert{ID: a.ID, Search: s.lib.DescribeSearch(c.Request.Context(), a.Search), URL: "/search?" + a.Search,
			Cadence: cad, Paused: a.Paused})
	}
	return out, nil
}
