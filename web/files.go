package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// Files the library holds (uploads, issue 12): each version is served at
// /files/{id}/{version}/{name} (file_download.go), uploaded by staff in the
// staff area (staff_upload.go) or by API (api_upload.go), and listed on the
// resource's page and in its JSON.

// apiFile is a held file in API answers. Field names are a contract.
type apiFile struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	// URL is where the file is served (absolute).
	URL string `json:"url"`
}

// apiVersion is one version of a held file. Withdrawn and TextNote are
// staff's only (the library gives neither to anyone else).
type apiVersion struct {
	Label     string  `json:"label"`
	Published string  `json:"published"`
	File      apiFile `json:"file"`
	// Withdrawn is when staff withdrew it (its url then answers 410).
	Withdrawn *time.Time `json:"withdrawn,omitempty"`
	// TextNote says why its text was not read ("kept without text: ...").
	TextNote string `json:"text_note,omitempty"`
}

// filePath is where version f of resource id is served.
func filePath(id string, f catalog.File) string {
	return "/files/" + url.PathEscape(id) + "/" + strconv.Itoa(f.Version) + "/" + url.PathEscape(f.Name)
}

// fileJSON fills the file and versions of a resource answer (none for a
// resource holding no file, or a teaser).
func (s *Server) fileJSON(c *gin.Context, out *apiResource, id string, files []catalog.File) {
	if len(files) == 0 {
		return
	}
	base := s.baseURL(c)
	out.Versions = make([]apiVersion, len(files))
	for i, f := range files {
		out.Versions[i] = apiVersion{Label: f.Label, Published: string(f.Published), File: apiFile{Name: f.Name,
			Size: f.Size, ContentType: f.ContentType, SHA256: f.SHA256, URL: base + filePath(id, f)}, TextNote: f.TextNote}
		if !f.Withdrawn.IsZero() {
			w := f.Withdrawn.UTC()
			out.Versions[i].Withdrawn = &w
		}
	}
	if c := catalog.CurrentFile(files); c >= 0 {
		cur := out.Versions[c].File
		out.File = &cur
	}
}

// fileRow is a version on the resource page (Withdrawn and TextNote on
// the staff page only: the library gives neither to anyone else).
type fileRow struct {
	Label, Name, Published, Added, Size, Kind, URL string
	Version                                        int
	Current                                        bool
	// Withdrawable: staff may withdraw it (another version is served).
	Withdrawable bool
	Withdrawn    string // when, "" while served
	TextNote     string
}

// fileRows lists the versions for the resource page, newest first.
func fileRows(id string, files []catalog.File) []fileRow {
	out := make([]fileRow, 0, len(files))
	cur, served := catalog.CurrentFile(files), 0
	for _, f := range files {
		if f.Withdrawn.IsZero() {
			served++
		}
	}
	for i := len(files) - 1; i >= 0; i-- {
		f := files[i]
		row := fileRow{Label: f.Label, Name: f.Name, Published: formatDate(f.Published),
			Added: f.Added.Format("2 January 2006"), Size: formatSize(f.Size), Kind: kindOfMedia(f.ContentType),
			URL: filePath(id, f), Version: f.Version, Current: i == cur, TextNote: f.TextNote,
			Withdrawable: f.Withdrawn.IsZero() && served > 1}
		if !f.Withdrawn.IsZero() {
			row.Withdrawn = f.Withdrawn.In(london).Format("2 January 2006")
		}
		out = append(out, row)
	}
	return out
}

// kindOfMedia names a held file's type for people ("PDF", "Word").
func kindOfMedia(mt string) string {
	switch mt {
	case "application/pdf":
		return "PDF"
	case catalog.DocumentTypes["docx"].MediaType, catalog.DocumentTypes["doc"].MediaType:
		return "Word"
	case catalog.DocumentTypes["pptx"].MediaType, catalog.DocumentTypes["ppt"].MediaType:
		return "PowerPoint"
	case catalog.DocumentTypes["xlsx"].MediaType, catalog.DocumentTypes["xls"].MediaType:
		return "Excel"
	case catalog.DocumentTypes["odt"].MediaType, catalog.DocumentTypes["odp"].MediaType:
		return "OpenDocument"
	case catalog.DocumentTypes["rtf"].MediaType:
		return "RTF"
	}
	return "file"
}

// formatSize writes a byte count for people: "512 bytes", "23 KB", "1.4 MB".
func formatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// contentDisposition is an RFC 6266 Content-Disposition value that names
// the file safely: an ASCII fallback in filename (quotes, backslashes,
// controls and non-ASCII replaced) and the real name in filename*
// (RFC 8187, UTF-8, percent-encoded), which browsers prefer.
func contentDisposition(disposition, name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' || r == '/' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, disposition, ascii.String(), ext.String())
}
