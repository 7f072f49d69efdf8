package web

import (
	"safelib/internal/catalog"

	"github.com/gin-gonic/gin"
)

// reader returns who is making the request, for every call into the
// library: the reader the identify middleware found (a session cookie or
// an API token), else anonymous. Embed routes never get one.
func (s *Server) reader(c *gin.Context) catalog.Reader {
	if id := identity(c); id != nil {
		return id.Reader
	}
	return catalog.Anonymous
}

// Context keys that middleware fills in and basePage reads:
// the CSRF token for forms, a one-shot flash message, and a CSP nonce (only
// needed if a page ever gets an inline script; none has one now).
const (
	ctxCSRFToken = "web.csrf_token"
	ctxFlash     = "web.flash"
	ctxNonce     = "web.csp_nonce"
)
