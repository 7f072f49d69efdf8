package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// parseRIS reads RIS records: tag -> values, one map per record.
func parseRIS(t *testing.T, s string) []map[string][]string {
	t.Helper()
	line := regexp.MustCompile(`^([A-Z][A-Z0-9])  - ?(.*)$`)
	var out []map[string][]string
	var cur map[string][]string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l == "" {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("RIS line %q is not TAG  - value", l)
		}
		switch {
		case m[1] == "TY":
			if cur != nil {
				t.Fatal("TY inside a record")
			}
			cur = map[string][]string{"TY": {m[2]}}
		case cur == nil:
			t.Fatalf("RIS tag %s outside a record", m[1])
		case m[1] == "ER":
			out = append(out, cur)
			cur = nil
		default:
			cur[m[1]] = append(cur[m[1]], m[2])
		}
	}
	if cur != nil {
		t.Fatal("RIS record without ER")
	}
	return out
}

type bibEntry struct {
	Type, Key string
	Fields    map[string]string
}

// parseBibTeX reads @type{key, name = {value} | value, ...} entries,
// checking braces balance.
func parseBibTeX(t *testing.T, s string) []bibEntry {
	t.Helper()
	var out []bibEntry
	i := 0
	skip := func() {
		for i < len(s) && strings.ContainsRune(" \t\r\n", rune(s[i])) {
			i++
		}
	}
	word := func() string {
		j := i
		for i < len(s) && (s[i] == '_' || s[i] == '-' || s[i] == ':' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		return s[j:i]
	}
	expect := func(c byte) {
		skip()
		if i >= len(s) || s[i] != c {
			t.Fatalf("BibTeX: want %q at %d: %q", c, i, s[i:min(len(s), i+40)])
		}
		i++
	}
	for skip(); i < len(s); skip() {
		expect('@')
		e := bibEntry{Type: word(), Fields: map[string]string{}}
		expect('{')
		skip()
		e.Key = word()
		expect(',')
		for skip(); i < len(s) && s[i] != '}'; skip() {
			name := word()
			expect('=')
			skip()
			var val string
			if s[i] == '{' {
				depth, j := 0, i
				for ; j < len(s); j++ {
					if s[j] == '\\' {
						j++
						continue
					}
					if s[j] == '{' {
						depth++
					} else if s[j] == '}' {
						if depth--; depth == 0 {
							break
						}
					}
				}
				if j >= len(s) {
					t.Fatal("BibTeX: unbalanced braces")
				}
				val, i = s[i+1:j], j+1
			} else {
				val = word()
			}
			e.Fields[name] = val
			skip()
			if i < len(s) && s[i] == ',' {
				i++
			}
		}
		expect('}')
		out = append(out, e)
	}
	return out
}

// TestCitations: a resource, a search and a list export as RIS, BibTeX
// and CSL-JSON, read back by parsers; members-only fields never reach a
// reader without access; resource pages carry citation and Dublin Core
// meta tags.
func TestCitations(t *testing.T) {
	e := newAuthEnv(t)
	member := withBearer(e.token(t, memberEmail))
	get := func(who as, target string) string {
		t.Helper()
		w := e.getAs(t, who, target)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		return w.Body.String()
	}
	base := "/api/v1/resources/" + pdfID + "?format="
	ris := parseRIS(t, get(anonymous, base+"ris"))
	if len(ris) != 1 {
		t.Fatalf("%d RIS records", len(ris))
	}
	r := ris[0]
	if r["TY"][0] != "RPRT" || r["TI"][0] != "Neglect thematic review (PDF)" || r["AU"][0] != "Example Safeguarding Partnership" ||
		r["PY"][0] != "2022" || r["UR"][0] != "https://example.org/neglect.pdf" || !contains(r["KW"], "Neglect") || r["AB"][0] != "A thematic review of neglect cases." {
		t.Errorf("RIS %v", r)
	}
	bib := parseBibTeX(t, get(anonymous, base+"bibtex"))
	if len(bib) != 1 || bib[0].Type != "techreport" || bib[0].Key != pdfID || bib[0].Fields["year"] != "2022" ||
		bib[0].Fields["title"] != "Neglect thematic review (PDF)" || bib[0].Fields["url"] != "https://example.org/neglect.pdf" {
		t.Errorf("BibTeX %+v", bib)
	}
	var csl []map[string]any
	if err := json.Unmarshal([]byte(get(anonymous, base+"csl")), &csl); err != nil || len(csl) != 1 {
		t.Fatalf("CSL %v %v", csl, err)
	}
	if csl[0]["type"] != "report" || csl[0]["title"] != "Neglect thematic review (PDF)" || csl[0]["URL"] != "https://example.org/neglect.pdf" {
		t.Errorf("CSL %v", csl[0])
	}
	if issued, _ := json.Marshal(csl[0]["issued"]); string(issued) != `{"date-parts":[[2022]]}` {
		t.Errorf("CSL issued %s", issued)
	}

	// TeX specials are escaped and braces stay balanced.
	xb := parseBibTeX(t, get(anonymous, "/api/v1/resources/"+xssID+"?format=bibtex"))
	if len(xb) != 1 || !strings.Contains(xb[0].Fields["abstract"], "<img src=x onerror=alert(2)>") {
		t.Errorf("BibTeX of the escaping fixture %+v", xb)
	}

	// Members-only fields: never without access, in any format.
	for _, f := range []string{"ris", "bibtex", "csl"} {
		target := "/api/v1/resources/" + membersID + "?format=" + f
		for _, who := range []as{anonymous, withBearer(e.token(t, lapsedEmail))} {
			body := get(who, target)
			mustContain(t, body, membersTitle)
			for _, s := range []string{membersSummary, membersURL, secretWord} {
				mustNotContain(t, body, s)
			}
		}
		mustContain(t, get(member, target), membersSummary)
	}

	// A search exports every item (not just the page), a list its items.
	var total struct {
		Total int `json:"total"`
	}
	total = decode[struct {
		Total int `json:"total"`
	}](t, e.getAs(t, anonymous, "/api/v1/search?q=neglect&per_page=2").Body)
	recs := parseRIS(t, get(anonymous, "/api/v1/search?q=neglect&per_page=2&format=ris"))
	if len(recs) != total.Total || total.Total <= 2 {
		t.Errorf("search export: %d records, %d results", len(recs), total.Total)
	}
	for _, bad := range []string{"/api/v1/search?format=pdf", "/api/v1/search?format=ris&format=csl", "/api/v1/resources/" + pdfID + "?format=doc"} {
		if w := e.getAs(t, anonymous, bad); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
	_, sharePath := sharedList(t, e)
	lb := parseBibTeX(t, get(anonymous, sharePath+"/export/bibtex"))
	if len(lb) != 2 || lb[0].Key != membersID || lb[0].Fields["abstract"] != "" {
		t.Errorf("shared list BibTeX %+v", lb)
	}

	// Meta tags for reference managers.
	page := get(anonymous, "/resources/"+pdfID)
	for _, tag := range []string{
		`<meta name="citation_title" content="Neglect thematic review (PDF)">`,
		`<meta name="citation_author" content="Example Safeguarding Partnership">`,
		`<meta name="citation_publication_date" content="2022">`,
		`<meta name="citation_pdf_url" content="https://example.org/neglect.pdf">`,
		`<meta name="DC.title" content="Neglect thematic review (PDF)">`,
		`<meta name="DC.date" content="2022">`,
		`<meta name="DC.subject" content="Neglect">`,
		`href="/api/v1/resources/` + pdfID + `?format=ris"`,
	} {
		mustContain(t, page, tag)
	}
	teaser := get(anonymous, "/resources/"+membersID)
	mustContain(t, teaser, `<meta name="citation_title" content="`+membersTitle+`">`)
	for _, s := range []string{"citation_pdf_url", membersSummary, membersURL} {
		mustNotContain(t, teaser, s)
	}
}
