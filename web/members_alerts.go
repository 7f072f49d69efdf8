package web

import (
	"net/http"
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

// alertCreate answers POST /members/alerts (from a search, theme or
// resource page): fields search, cadence, day.
func (s *Server) alertCreate(c *gin.Context) {
	q, err := canonicalSearch(c.PostForm("search"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	a := &catalog.Alert{Search: q, Cadence: c.DefaultPostForm("cadence", catalog.Weekly), Day: c.PostForm("day")}
	if err := s.lib.CreateAlert(c.Request.Context(), s.reader(c), a); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "alert-created")
	c.Redirect(http.StatusSeeOther, "/members/account#alerts")
}

// alertChange answers POST /members/alerts/:id with action pause, resume
// or delete (one's own alerts only).
func (s *Server) alertChange(c *gin.Context) {
	id, err := parseID(c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx, rd := c.Request.Context(), s.reader(c)
	switch c.PostForm("action") {
	case "delete":
		err = s.lib.DeleteAlert(ctx, rd, id)
	case "pause", "resume":
		paused := c.PostForm("action") == "pause"
		_, err = s.lib.UpdateAlert(ctx, rd, id, func(a *catalog.Alert) error { a.Paused = paused; return nil })
	default:
		err = invalid("action must be pause, resume or delete")
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, "saved")
	c.Redirect(http.StatusSeeOther, "/members/account#alerts")
}
