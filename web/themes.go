package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// themesPage answers GET /themes: browse the library by theme.
func (s *Server) themesPage(c *gin.Context) {
	themes, err := s.themes(c.Request.Context(), s.reader(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := themesData{Page: s.basePage(c, "Browse by theme")}
	for _, t := range themes {
		d.Themes = append(d.Themes, themeView{apiTheme: t, URL: "/search?theme=" + url.QueryEscape(t.Slug)})
	}
	s.render(c, http.StatusOK, "themes", d)
}

type themesData struct {
	Page
	Themes []themeView
}

type themeView struct {
	apiTheme
	URL string
}
