package extract

import (
	"strings"
	"testing"
)

func TestMachineDate(t *testing.T) {
	cases := map[string]string{
		"2016-10-12T09:30:00+01:00":     "2016-10-12",
		"2016-10-12T23:30:00-05:00":     "2016-10-12", // the date as written, not UTC
		"2016-10-12":                    "2016-10-12",
		"2016-10":                       "2016-10",
		"2016":                          "2016",
		"2016-10-12 09:30":              "2016-10-12",
		"20161012":                      "2016-10-12",
		"20161012T093000Z":              "2016-10-12",
		"2016/10/12":                    "2016-10-12",
		"12/10/2016":                    "2016-10-12", // UK day first
		"04/03/2025":                    "2025-03-04",
		"4.3.2025":                      "2025-03-04",
		"Wed, 12 Oct 2016 10:00:00 GMT": "2016-10-12",
		"12 October 2016":               "2016-10-12",
		"October 12, 2016":              "2016-10-12",
		"October 2016":                  "2016-10",
		" 2016-10-12 ":                  "2016-10-12",
		"2016-13-01":                    "",
		"2016-02-30":                    "",
		"1850-01-01":                    "",
		"3016-01-01":                    "",
		"":                              "",
		"yesterday":                     "",
		"13/13/2016":                    "",
	}
	for in, want := range cases {
		if got := machineDate(in); got != want {
			t.Errorf("machineDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextDate(t *testing.T) {
	cases := []struct {
		texts []string
		want  string
	}{
		{[]string{"Published 12 October 2016. Last updated 5 May 2024."}, "2016-10-12"},
		{[]string{"Last updated 5 May 2024\n\nFirst published: 3rd March 2019"}, "2019-03-03"},
		{[]string{"Date: 04/03/2025"}, "2025-03-04"},
		{[]string{"Posted on March 4, 2025 by Staff"}, "2025-03-04"},
		{[]string{"Report, October 2016\n\nMore text"}, "2016-10"},
		{[]string{"Issued: Sept 2019"}, "2019-09"},
		{[]string{"Nothing here", "By Jane Smith, 1 June 2020"}, "2020-06-01"},
		{[]string{"In a report released in November 2012, Mozilla reported that most of its users were outside the United States."}, ""},
		{[]string{"The Children Act 1989 is old."}, ""}, // a year alone is not a date
		{[]string{"Version 1.2.3 of 4/5-2016"}, ""},
		{[]string{"Published 31/02/2016"}, ""},
		{[]string{"29 February 2016 was a leap day"}, "2016-02-29"},
		{[]string{"On 12th of December 2018 we met"}, "2018-12-12"},
		{[]string{"Long first paragraph of running prose that mentions 3 May 2001 in passing, as articles often do when they recount history.\n\nJane Smith\n\n12 October 2016"}, "2016-10-12"},
	}
	for _, tc := range cases {
		if got := textDate(tc.texts...); got != tc.want {
			t.Errorf("textDate(%q) = %q, want %q", tc.texts, got, tc.want)
		}
	}
}

func TestPDFDate(t *testing.T) {
	cases := map[string]string{
		"D:20161012093000+01'00'": "2016-10-12",
		"D:20161012":              "2016-10-12",
		"D:201610":                "2016-10",
		"D:2016":                  "2016",
		"20161012093000Z":         "2016-10-12",
		"D:20161312":              "",
		"12/10/2016":              "2016-10-12",
		"":                        "",
	}
	for in, want := range cases {
		if got := pdfDate(in); got != want {
			t.Errorf("pdfDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPDFTitle(t *testing.T) {
	cases := map[string]string{
		"Annual report 2016":                       "Annual report 2016",
		"Microsoft Word - annual-report-2016.docx": "annual-report-2016",
		"untitled":          "",
		"  Spaced\n title ": "Spaced title",
	}
	for in, want := range cases {
		if got := pdfTitle(in); got != want {
			t.Errorf("pdfTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPDFParagraphs(t *testing.T) {
	cases := map[string]string{
		"A heading\r\nThis is a long line of body text that goes on\r\nand continues on the next line.\r\n": "A heading\n\nThis is a long line of body text that goes on and continues on the next line.",
		"This is a long line with a word that is hyph-\r\nenated across the break, as in print.":            "This is a long line with a word that is hyphenated across the break, as in print.",
		"This is a long line with a soft break in regu\x02\r\nlation text, as PDFium marks it.":             "This is a long line with a soft break in regulation text, as PDFium marks it.",
		"This is a long line with a hyphen PDFium found at the end of a line: regu\ufffelation.":            "This is a long line with a hyphen PDFium found at the end of a line: regulation.",
		"This is a long line with a hyphen PDFium left at the end of the regu\ufffe\r\nlation line.":        "This is a long line with a hyphen PDFium left at the end of the regulation line.",
		"Line one\r\n\r\nLine two": "Line one\n\nLine two",
		"":                         "",
	}
	for in, want := range cases {
		if got := pdfParagraphs(in); got != want {
			t.Errorf("pdfParagraphs(%q) =\n%q, want\n%q", in, got, want)
		}
	}
}

func TestTextHelpers(t *testing.T) {
	if got := plainText("Report <script>alert(1)</script>"); got != "Report" {
		t.Errorf("plainText script: %q", got)
	}
	if got := plainText("a < b &amp; c"); got != "a < b & c" {
		t.Errorf("plainText lone <: %q", got)
	}
	if got := truncate("one two three four", 12); got != "one two…" {
		t.Errorf("truncate: %q", got)
	}
	if got := truncate("short", 12); got != "short" {
		t.Errorf("truncate short: %q", got)
	}
	if got := normaliseText("  a\u00a0 b \n\n\n c\u200b \t"); got != "a b\n\nc" {
		t.Errorf("normaliseText: %q", got)
	}
	for title, want := range map[string]string{
		"Annual report | Example Trust":  "Annual report",
		"Annual report - example trust":  "Annual report",
		"Example Trust | Annual report":  "Annual report",
		"Example Trust":                  "Example Trust",
		"Annual report":                  "Annual report",
		"Example Trust Annual report":    "Example Trust Annual report",
		"Hermitian matrix - Wikipedia":   "Hermitian matrix",
		"Keeping children safe - GOV.UK": "Keeping children safe",
		"Report | UK":                    "Report | UK",
	} {
		if got := trimSiteName(title, "Example Trust", "wikipedia", "gov.uk", "uk"); got != want {
			t.Errorf("trimSiteName(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestURLDate(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.org/news/2016/10/12/new-guidance":                       "2016-10-12",
		"https://example.org/blog/2019-03-04-working-together":                   "2019-03-04",
		"https://example.org/2021/06/":                                           "2021-06",
		"https://example.org/reports/2016/annual":                                "",
		"https://example.org/item?id=2016/10/12":                                 "",
		"https://2016.example.org/10/12/x":                                       "",
		"https://example.org/1999/13/40/x":                                       "",
		"/2018/02/page":                                                          "2018-02",
		"https://example.org/20200428/meet-the-team":                             "2020-04-28",
		"https://example.org/texte/20220127-gedenkstunde.html;jsessionid=FD52.1": "2022-01-27",
		"https://example.org/Reden/2003/03/20030331_Rede2.html":                  "2003-03-31",
		"https://example.org/2003/04/20030331_Rede2.html":                        "2003-04",
		"https://web.archive.org/web/20110106023242/http://example.org/news":     "",
		"https://example.org/item/20201399":                                      "",
	} {
		if got := urlDate(in); got != want {
			t.Errorf("urlDate(%q) = %q, want %q", in, got, want)
		}
	}
	p, err := HTML([]byte(`<html><head><title>News</title></head><body><article><p>`+strings.Repeat("Guidance for partnerships on neglect. ", 20)+`</p></article></body></html>`), "text/html", "https://example.org/news/2016/10/12/new-guidance")
	if err != nil || p.Published != "2016-10-12" {
		t.Fatalf("published %q, %v", p.Published, err)
	}
}

// TestMarkedDate: a date in an element marked as one (class "meta__date")
// is read when metadata and cues have none, even outside the article; one
// in navigation is not.
func TestMarkedDate(t *testing.T) {
	article := `<article><p>` + strings.Repeat("Guidance for partnerships on neglect and early help. ", 12) + `</p></article>`
	for _, c := range []struct{ html, want string }{
		{`<div class="head"><span class="meta__date">02.11.2021</span></div>` + article, "2021-11-02"},
		{`<div class="head"><span class="textbox__box-date">Thursday 3 February 2022</span></div>` + article, "2022-02-03"},
		{`<nav><span class="nav-date">02.11.2021</span></nav>` + article, ""},
	} {
		p, err := HTML([]byte(`<html><body>`+c.html+`</body></html>`), "text/html", "https://example.org/news/item")
		if err != nil || p.Published != c.want {
			t.Errorf("%s: published %q (%v), want %q", c.html, p.Published, err, c.want)
		}
	}
}
