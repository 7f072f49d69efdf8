package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// Withdrawing one version of a held file (staff): the edit page's
// "Withdraw this version" button posts to
// /staff/resources/{id}/files/{n}/withdraw (with csrf_token and an
// optional reason), and scripts send DELETE
// /api/v1/resources/{id}/versions/{n} (?reason=), 204. The version's file
// is then served to no one (410); withdrawing the current version makes
// the newest left current, and search finds its text.

func init() {
	flashes["staff-file-withdrawn"] = "Version withdrawn: its file is no longer served to anyone. The item's text is its current version's."
	flashes["staff-uploaded-notext"] = "Uploaded and kept, but its text could not be read, so search finds it by its details only: see the note below."
}

// fileVersionParam reads the {n} of a version route (0 when it is none).
func fileVersionParam(c *gin.Context) int {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// staffWithdrawFile answers POST /staff/resources/:id/files/:n/withdraw.
func (s *Server) staffWithdrawFile(c *gin.Context) {
	s.afterStatus(c, "staff-file-withdrawn", func() error {
		_, err := s.lib.WithdrawFileVersion(c.Request.Context(), s.reader(c), c.Param("id"), fileVersionParam(c), c.PostForm("reason"))
		if errors.Is(err, catalog.ErrNotIndexed) {
			return nil
		}
		return err
	})
}

// apiWithdrawFile answers DELETE /api/v1/resources/:id/versions/:n: 204.
func (s *Server) apiWithdrawFile(c *gin.Context) {
	rd, ok := s.apiStaff(c)
	if !ok {
		return
	}
	reason := c.Query("reason")
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	if _, err := s.lib.WithdrawFileVersion(c.Request.Context(), rd, c.Param("id"), fileVersionParam(c), reason); err != nil && !errors.Is(err, catalog.ErrNotIndexed) {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// textNote is why item id has no text, for staff ("" for anyone else, or
// when it has text).
func (s *Server) textNote(c *gin.Context, rd catalog.Reader, id string) string {
	v, err := s.lib.Resource(c.Request.Context(), rd, id)
	if err != nil {
		s.log.Warn("text note", "id", id, "err", err)
		return ""
	}
	return v.TextNote
}
