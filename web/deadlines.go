package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// serve's http.Server cuts every request at --read-timeout and
// --write-timeout (60 s), which protects it from slow clients; a staff
// import of a large file takes longer to upload and to write. Those routes
// get a deadline of their own, --import-timeout, set through
// http.ResponseController before anything reads the body (the csrf check
// parses the form), and only for signed-in staff: an anonymous request
// to the same address keeps the short deadlines. The nginx and Caddy
// examples' timeouts (deploy/) are as long.

// longRoutes are the requests that may take as long as an import.
var longRoutes = map[string]string{
	"/staff/import": http.MethodPost,
	"/staff/export": http.MethodGet,
}

// longDeadlines extends the read and write deadlines of long staff
// requests. It runs after identify, so the reader is known.
func (s *Server) longDeadlines() gin.HandlerFunc {
	return func(c *gin.Context) {
		if m, ok := longRoutes[c.Request.URL.Path]; ok && m == c.Request.Method && s.cfg.ImportTimeout > 0 && s.reader(c).IsStaff() {
			rc := http.NewResponseController(c.Writer)
			until := time.Now().Add(s.cfg.ImportTimeout)
			for _, set := range []func(time.Time) error{rc.SetReadDeadline, rc.SetWriteDeadline} {
				if err := set(until); err != nil && !errors.Is(err, http.ErrNotSupported) {
					s.log.Warn("extend request deadline", "path", c.Request.URL.Path, "err", err)
				}
			}
		}
		c.Next()
	}
}
