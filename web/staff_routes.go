package web

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// The staff area (/staff, staff and admins): dashboard, add a link, edit,
// withdraw and restore, theme confirmation, history, broken links, bulk
// import and export. The group requires the role (routes.go); the library
// checks it again in every method, and the global csrf middleware checks
// every form's csrf_token.

// curationRoutes registers the staff area on the /staff group.
func (s *Server) curationRoutes(g *gin.RouterGroup) {
	g.Use(noStore())
	g.GET("", s.staffDashboard)
	g.GET("/", s.staffDashboard)
	g.GET("/add", s.staffAddForm)
	g.GET("/upload", s.staffUploadForm)
	g.POST("/upload", s.staffUploadSave)
	g.POST("/resources/:id/versions", s.staffVersionSave)
	g.POST("/resources/:id/files/:n/withdraw", s.staffWithdrawFile)
	g.POST("/add", s.staffAddFetch)
	g.POST("/add/save", s.staffAddSave)
	g.GET("/go", s.staffGo)
	g.GET("/resources/:id", s.staffEditForm)
	g.POST("/resources/:id", s.staffEditSave)
	g.POST("/resources/:id/withdraw", s.staffWithdraw)
	g.POST("/resources/:id/restore", s.staffRestore)
	g.POST("/resources/:id/themes", s.staffConfirmThemes)
	g.GET("/broken", s.staffBroken)
	g.GET("/import", s.staffImportForm)
	g.POST("/import", s.staffImport)
	g.GET("/export", s.staffExport)
}

func init() {
	// Flash messages of the staff area (codes carried by the cookie).
	flashes["staff-saved"] = "Saved. The change is searchable now."
	flashes["staff-added"] = "Added to the library. It is searchable now."
	flashes["staff-exists"] = "That link is already in the library: here it is."
	flashes["staff-withdrawn"] = "Withdrawn: hidden from search and from members. Restore it at any time."
	flashes["staff-restored"] = "Restored: it is back in search."
	flashes["staff-themes"] = "Themes updated."
	flashes["staff-unchanged"] = "Nothing had changed, so nothing was saved."
}

// formField is one field of the resource form, with its value and the
// message about it, so the template shows each message beside its field.
type formField struct {
	Name, Label, Hint string
	// Kind is text, url, date-ish text, textarea or select.
	Kind     string
	Value    string
	Error    string
	Options  []formOption
	Required bool
	Max      int
}

type formOption struct {
	Value, Label string
	Selected     bool
}

// themeChoice is one theme checkbox.
type themeChoice struct {
	Slug, Label string
	Checked     bool
	Suggested   bool
}

// resourceForm is the staff form for a resource: what was typed, and the
// messages about it.
type resourceForm struct {
	ID      string
	Version int64
	// Token is the add-a-link draft the form confirms.
	Token  string
	Fields []formField
	Themes []themeChoice
	// ThemesError is the message about the themes.
	ThemesError string
	// Errors without a field.
	Other string
}

// formValues is a resource as the form's fields hold it.
type formValues struct {
	URL, Title, Publisher, Type, Published, Area, Region, Summary, Access string
	Sport, Phone, Email, LastVerified, LastReviewed                       string
	Themes, MachineThemes                                                 []string
}

func valuesOf(r *catalog.Resource) formValues {
	return formValues{URL: r.URL, Title: r.Title, Publisher: r.Publisher, Type: r.Type,
		Published: string(r.Published), Area: r.Area, Region: r.Region, Summary: r.Summary,
		Access: string(r.Access), Sport: r.Sport, Phone: r.Phone, Email: r.Email,
		LastVerified: string(r.LastVerified), LastReviewed: string(r.LastReviewed),
		Themes: r.Themes, MachineThemes: r.MachineThemes}
}

// maxFormValue bounds a text field read from a form.
const maxFormValue = catalog.MaxSummary

// parseValues reads the resource fields of a posted form.
func parseValues(c *gin.Context) formValues {
	get := func(name string) string {
		v := c.PostForm(name)
		if len(v) > maxFormValue {
			v = v[:maxFormValue]
		}
		return strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	}
	v := formValues{URL: get("url"), Title: get("title"), Publisher: get("publisher"), Type: get("type"),
		Published: get("published"), Area: get("area"), Region: get("region"), Summary: get("summary"),
		Access: get("access"), Sport: get("sport"), Phone: get("phone"), Email: get("email"),
		LastVerified: get("last_verified"), LastReviewed: get("last_reviewed")}
	themes := c.PostFormArray("themes")
	if len(themes) > 100 {
		themes = themes[:100]
	}
	v.Themes = themes
	return v
}

// edit is the change the form asks for: every field it shows.
func (v formValues) edit() library.Edit {
	themes := append([]string{}, v.Themes...)
	return library.Edit{URL: &v.URL, Title: &v.Title, Publisher: &v.Publisher, Type: &v.Type,
		Published: &v.Published, Area: &v.Area, Region: &v.Region, Summary: &v.Summary, Access: &v.Access,
		Sport: &v.Sport, Phone: &v.Phone, Email: &v.Email, LastVerified: &v.LastVerified,
		LastReviewed: &v.LastReviewed, Themes: &themes}
}

func (v formValues) resource() *catalog.Resource {
	return &catalog.Resource{URL: v.URL, Title: v.Title, Publisher: v.Publisher, Type: v.Type,
		Published: catalog.Date(v.Published), Area: v.Area, Region: v.Region, Summary: v.Summary,
		Access: catalog.Access(v.Access), Sport: v.Sport, Phone: v.Phone, Email: v.Email,
		LastVerified: catalog.Date(v.LastVerified), LastReviewed: catalog.Date(v.LastReviewed),
		Themes: v.Themes, MachineThemes: v.MachineThemes}
}

// form builds the form for values v with the messages errs (field name ->
// message, as library.FieldErrors gives).
func (s *Server) form(id string, version int64, v formValues, errs map[string]string) resourceForm {
	f := resourceForm{ID: id, Version: version}
	types := make([]formOption, 0, len(catalog.Types))
	for _, t := range catalog.Types {
		types = append(types, formOption{Value: t, Label: typeLabel(t), Selected: t == v.Type})
	}
	access := []formOption{
		{Value: "public", Label: "Public: anyone can read it", Selected: v.Access != "members"},
		{Value: "members", Label: "Members only", Selected: v.Access == "members"},
	}
	f.Fields = []formField{
		{Name: "title", Label: "Title", Kind: "text", Value: v.Title, Required: true, Max: catalog.MaxTitle},
		{Name: "url", Label: "Link", Hint: "The address of the original (http or https).", Kind: "url", Value: v.URL, Max: catalog.MaxURL},
		{Name: "publisher", Label: "Publisher", Kind: "text", Value: v.Publisher, Max: 300},
		{Name: "type", Label: "Type", Kind: "select", Value: v.Type, Options: types},
		{Name: "published", Label: "Published", Hint: "YYYY, YYYY-MM or YYYY-MM-DD.", Kind: "text", Value: v.Published, Max: 10},
		{Name: "summary", Label: "Summary", Kind: "textarea", Value: v.Summary, Max: catalog.MaxSummary},
		{Name: "access", Label: "Who can read it", Kind: "select", Value: v.Access, Options: access},
		{Name: "area", Label: "Area (local partnership)", Hint: "For example local policies: the partnership they come from.", Kind: "text", Value: v.Area, Max: 200},
		{Name: "region", Label: "Region", Hint: "For example North West, London.", Kind: "text", Value: v.Region, Max: 200},
		{Name: "last_reviewed", Label: "Last reviewed", Hint: "Local policies: when the partnership last reviewed it. YYYY, YYYY-MM or YYYY-MM-DD.", Kind: "text", Value: v.LastReviewed, Max: 10},
		{Name: "sport", Label: "Sport", Hint: "Sport safeguarding listings only.", Kind: "text", Value: v.Sport, Max: 200},
		{Name: "phone", Label: "Phone", Hint: "Listings only.", Kind: "text", Value: v.Phone, Max: 100},
		{Name: "email", Label: "Email", Hint: "Listings only.", Kind: "text", Value: v.Email, Max: 300},
		{Name: "last_verified", Label: "Contact last checked", Hint: "Listings only. YYYY, YYYY-MM or YYYY-MM-DD.", Kind: "text", Value: v.LastVerified, Max: 10},
	}
	for i := range f.Fields {
		f.Fields[i].Error = errs[f.Fields[i].Name]
	}
	checked := map[string]bool{}
	for _, t := range v.Themes {
		checked[t] = true
	}
	suggested := map[string]bool{}
	for _, t := range v.MachineThemes {
		suggested[t] = true
	}
	for _, th := range s.lib.Taxonomy().Themes() {
		f.Themes = append(f.Themes, themeChoice{Slug: th.Slug, Label: th.Label, Checked: checked[th.Slug],
			Suggested: suggested[th.Slug]})
	}
	sort.SliceStable(f.Themes, func(i, j int) bool { return f.Themes[i].Label < f.Themes[j].Label })
	f.ThemesError = errs["themes"] + errs["machine_themes"]
	known := map[string]bool{"themes": true, "machine_themes": true}
	for _, fd := range f.Fields {
		known[fd.Name] = true
	}
	var other []string
	for k, msg := range errs {
		if !known[k] {
			if k != "" {
				msg = k + ": " + msg
			}
			other = append(other, msg)
		}
	}
	sort.Strings(other)
	f.Other = strings.Join(other, "; ")
	return f
}

// historyRow is one change in a resource's history.
type historyRow struct {
	At, Actor, Action, Reason string
	Changes                   []library.FieldDiff
}

var actionLabels = map[string]string{
	library.ActionCreate:   "Added",
	library.ActionUpdate:   "Edited",
	library.ActionWithdraw: "Withdrawn",
	library.ActionRestore:  "Restored",
	library.ActionThemes:   "Themes",
}

// historyRows turns audit entries into rows: field, before, after.
func historyRows(entries []*catalog.AuditEntry) []historyRow {
	labels := map[string]string{}
	for _, d := range library.Diff(&catalog.Resource{}, &catalog.Resource{Title: "x", URL: "x", Publisher: "x",
		Type: "x", Published: "x", Themes: []string{"x"}, MachineThemes: []string{"x"}, Area: "x", Region: "x",
		LastReviewed: "x", Summary: "x", Access: "x", Sport: "x", Phone: "x", Email: "x", LastVerified: "x",
		Status: "x", Body: "x"}) {
		labels[d.Field] = d.Label
	}
	out := make([]historyRow, 0, len(entries))
	for _, e := range entries {
		row := historyRow{At: clock(e.At, ""), Actor: e.Actor, Action: actionLabels[e.Action], Reason: e.Details["reason"]}
		if row.Action == "" {
			row.Action = e.Action
		}
		var fields []string
		for k := range e.Details {
			if f, ok := strings.CutSuffix(k, ".after"); ok {
				fields = append(fields, f)
			}
		}
		sort.Strings(fields)
		for _, f := range fields {
			label := labels[f]
			if label == "" {
				label = f
			}
			row.Changes = append(row.Changes, library.FieldDiff{Field: f, Label: label,
				Before: e.Details[f+".before"], After: e.Details[f+".after"]})
		}
		out = append(out, row)
	}
	return out
}

// postedVersion reads the version a form edited.
func postedVersion(c *gin.Context) int64 {
	v, err := strconv.ParseInt(c.PostForm("version"), 10, 64)
	if err != nil || v < 0 {
		return 0
	}
	return v
}

func staffURL(id string) string { return "/staff/resources/" + id }
