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
	views := map[string]themeView{}
	for _, t := range themes {
		views[t.Slug] = themeView{apiTheme: t, URL: "/search?theme=" + url.QueryEscape(t.Slug)}
	}
	// A tree: themes under no other, in label order, each broader one
	// with its narrower ones under it.
	for _, t := range themes {
		if t.Parent != nil {
			continue
		}
		v := views[t.Slug]
		for _, ch := range t.Children {
			v.Narrower = append(v.Narrower, views[ch])
		}
		d.Themes = append(d.Themes, v)
	}
	s.render(c, http.StatusOK, "themes", d)
}

type themesData struct {
	Page
	Themes []themeView
}

type themeView struct {
	apiTheme
	URL      string
	Narrower []themeView
}
