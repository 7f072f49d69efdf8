package web

import (
	"github.com/gin-gonic/gin"

	"safelib/internal/library"
)

// reader returns who is making the request, for every call into the
// library. Until sign-in exists everyone is anonymous; the auth middleware
// will put the signed-in reader in the context and this will read it.
func (s *Server) reader(c *gin.Context) library.Reader {
	return library.Anonymous
}

// Context keys that middleware of later issues fills in and basePage reads:
// the CSRF token for forms, a one-shot flash message, and a CSP nonce (only
// needed if a page ever gets an inline script; none has one now).
const (
	ctxCSRFToken = "web.csrf_token"
	ctxFlash     = "web.flash"
	ctxNonce     = "web.csp_nonce"
)
