//go:build ignore

// generate writes the Flat ODT sources of the PDF title set (src/*.fodt)
// and the manifest of expected titles (expected.tsv), then has LibreOffice
// turn every source into a PDF (pdf/*.pdf):
//
//	cd internal/extract/testdata/pdftitles && go run generate.go
//
// -nopdf writes the sources and manifest only. See README.md.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// doc is one document of the set.
type doc struct {
	name     string
	expected string // the title a reader would give it
	meta     string // dc:title, written only when not ""
	header   string // running header paragraphs (XML), on every page
	footer   string // running footer paragraphs (XML)
	body     string // the body (XML)
}

// style is a paragraph style, named on first use.
type style struct {
	size   float64
	bold   bool
	align  string // "", "center", "end"
	color  string // "", "#777777"
	font   string // "" is Liberation Serif
	caps   bool
	italic bool
	before float64 // space above, cm
}

var (
	styles     = map[style]string{}
	styleOrder []style
)

func (s style) name() string {
	if n, ok := styles[s]; ok {
		return n
	}
	n := fmt.Sprintf("P%d", len(styles)+1)
	styles[s] = n
	styleOrder = append(styleOrder, s)
	return n
}

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// p is a paragraph; text may hold the field markers {page} and {pages}.
func p(s style, text string) string {
	t := esc(text)
	t = strings.ReplaceAll(t, "{page}", `<text:page-number text:select-page="current">1</text:page-number>`)
	t = strings.ReplaceAll(t, "{pages}", `<text:page-count>2</text:page-count>`)
	t = strings.ReplaceAll(t, "{roman}", `<text:page-number style:num-format="i" text:select-page="current">i</text:page-number>`)
	return fmt.Sprintf(`<text:p text:style-name="%s">%s</text:p>`, s.name(), t) + "\n"
}

// Common styles.
var (
	body     = style{size: 11}
	bodySans = style{size: 11, font: "Liberation Sans"}
	small    = style{size: 9, color: "#555555"}
	hdrRight = style{size: 9, align: "end", color: "#666666", font: "Liberation Sans"}
	hdrLeft  = style{size: 9, color: "#666666", font: "Liberation Sans"}
	hdrMid   = style{size: 9, align: "center", color: "#666666", font: "Liberation Sans"}
	tiny     = style{size: 6, color: "#888888", font: "Liberation Sans"}
)

func title(size float64) style { return style{size: size, bold: true, font: "Liberation Sans"} }
func titleC(size float64) style {
	return style{size: size, bold: true, font: "Liberation Sans", align: "center"}
}
func heading(size float64) style {
	return style{size: size, bold: true, font: "Liberation Sans", before: 0.3}
}

// Paragraphs of ordinary prose, so that pages look like real documents.
var prose = []string{
	"This document sets out how the partner agencies work together to keep children and young people safe from harm, and what each agency expects of the people who work for it, whether they are paid staff, volunteers or contractors.",
	"It was agreed by the partnership board after consultation with schools, health services, the police and the voluntary sector, and it replaces the guidance issued in 2014. Practitioners should read it alongside the local threshold document.",
	"Where a practitioner is worried about a child, they should talk to the designated safeguarding lead in their own organisation without delay. If a child is in immediate danger, call the police on 999.",
	"Records should be clear, factual and made at the time. They should say what was seen or heard, who was told, what was decided and why. Opinions should be marked as such and kept apart from facts.",
	"The board will review this document every two years, or sooner if the law or national guidance changes. Comments are welcome at any time and should be sent to the business unit.",
	"Information may be shared without consent where there is a risk of significant harm to a child or an adult. The reasons for sharing, or for not sharing, must always be recorded.",
}

func paras(s style, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(p(s, prose[i%len(prose)]))
	}
	return b.String()
}

const pageBreak = `<text:p text:style-name="PB"/>` + "\n"

// watermark is a large rotated word drawn behind page 1, as a shape anchored
// to the page (what Writer's Format > Watermark and Word's watermarks look
// like to a text extractor: rotated text).
func watermark(word string, size float64) string {
	s := style{size: size, bold: true, align: "center", color: "#d8d8d8", font: "Liberation Sans"}
	return fmt.Sprintf(`<draw:custom-shape text:anchor-type="page" text:anchor-page-number="1" draw:z-index="0" draw:style-name="gr1" draw:text-style-name="%s" svg:width="20cm" svg:height="5cm" draw:transform="rotate (0.785398) translate (1.5cm 23cm)"><text:p text:style-name="%[1]s">%s</text:p><draw:enhanced-geometry svg:viewBox="0 0 21600 21600" draw:type="rectangle" draw:enhanced-path="M 0 0 L 21600 0 21600 21600 0 21600 Z N"/></draw:custom-shape>`, s.name(), esc(word)) + "\n"
}

// table writes rows of cells; the first row is bold.
func table(rows ...[]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table:table table:name="T%d" table:style-name="Tbl"><table:table-column table:number-columns-repeated="%d"/>`, len(rows), len(rows[0]))
	for i, r := range rows {
		b.WriteString("<table:table-row>")
		st := style{size: 10, font: "Liberation Sans"}
		if i == 0 {
			st.bold = true
		}
		for _, c := range r {
			fmt.Fprintf(&b, `<table:table-cell table:style-name="Cell" office:value-type="string">%s</table:table-cell>`, strings.TrimSuffix(p(st, c), "\n"))
		}
		b.WriteString("</table:table-row>")
	}
	b.WriteString("</table:table>\n")
	return b.String()
}

// columns puts content in a two-column section.
func columns(content string) string {
	return `<text:section text:style-name="Cols" text:name="Columns">` + "\n" + content + "</text:section>\n"
}

func docs() []doc {
	org := "Northshire Safeguarding Children Partnership"
	return []doc{
		// Watermarks.
		{name: "01-watermark-draft-policy", expected: "Safeguarding Children Policy",
			body: watermark("DRAFT", 96) + p(title(26), "Safeguarding Children Policy") + paras(body, 5) + pageBreak + paras(body, 6)},
		{name: "02-watermark-confidential", expected: "Multi-agency audit of neglect cases",
			header: p(hdrRight, org),
			body:   watermark("CONFIDENTIAL", 60) + p(style{size: 10, bold: true, color: "#555555", font: "Liberation Sans"}, "Briefing note") + p(title(20), "Multi-agency audit of neglect cases") + paras(body, 4)},
		{name: "03-watermark-two-line-title", expected: "Joint Protocol for the Management of Allegations Against Staff and Volunteers",
			header: p(hdrRight, org), footer: p(hdrMid, "Page {page} of {pages}"),
			body: watermark("DRAFT", 96) + p(title(24), "Joint Protocol for the Management of Allegations Against Staff and Volunteers") + paras(body, 6) + pageBreak + paras(body, 5)},
		{name: "04-watermark-minutes", expected: "Minutes of the Partnership Board meeting held on 14 March 2017",
			body: watermark("DRAFT", 96) + p(heading(14), "Minutes of the Partnership Board meeting held on 14 March 2017") + p(body, "Present: Jane Hill (Chair), Tom Baker, Priya Shah, Alan Cole") + p(heading(12), "1. Welcome and apologies") + paras(body, 2) + p(heading(12), "2. Minutes of the last meeting") + paras(body, 2)},
		{name: "05-watermark-google-docs", expected: "Early Help Strategy 2018 to 2021",
			body: watermark("DRAFT - NOT FOR CIRCULATION", 40) + p(style{size: 26, font: "Liberation Sans"}, "Early Help Strategy 2018 to 2021") + p(style{size: 15, color: "#666666", font: "Liberation Sans"}, "Consultation version") + paras(bodySans, 4)},
		{name: "06-watermark-word-header", expected: "Private Fostering Guidance for Schools",
			header: p(hdrLeft, "Westmere Council | Children's Services"), footer: p(hdrRight, "{page}"),
			body: watermark("DRAFT", 110) + p(title(28), "Private Fostering Guidance for Schools") + paras(bodySans, 5) + pageBreak + paras(bodySans, 4)},

		// Running headers and footers, page numbers.
		{name: "07-header-org-report", expected: "Annual Report 2016 to 2017",
			header: p(hdrRight, org), footer: p(hdrMid, "{page}"),
			body: p(title(26), "Annual Report 2016 to 2017") + paras(body, 5) + pageBreak + paras(body, 5)},
		{name: "08-header-page-of", expected: "Children Missing Education Procedure",
			header: p(hdrLeft, "Page {page} of {pages}"), footer: p(hdrRight, org),
			body: p(title(20), "Children Missing Education Procedure") + paras(body, 5) + pageBreak + paras(body, 5)},
		{name: "09-header-bold-org", expected: "Self-neglect and hoarding",
			header: p(style{size: 12, bold: true, font: "Liberation Sans", align: "center"}, "Westmere Safeguarding Adults Board"), footer: p(hdrRight, "Version 2.1, May 2018"),
			body: p(title(18), "Self-neglect and hoarding") + p(style{size: 13, font: "Liberation Sans"}, "Multi-agency practice guidance") + paras(body, 4)},
		{name: "10-header-big-repeated", expected: "Domestic abuse and children: a guide for practitioners",
			header: p(style{size: 20, bold: true, font: "Liberation Sans"}, "EASTFIELD COUNCIL"), footer: p(hdrRight, "{page}"),
			body: p(title(18), "Domestic abuse and children: a guide for practitioners") + paras(body, 5) + pageBreak + paras(body, 6)},
		{name: "11-page-number-top", expected: "Safer Recruitment Policy",
			header: p(hdrRight, "{page}"),
			body:   p(title(22), "Safer Recruitment Policy") + paras(body, 4) + pageBreak + paras(body, 3)},
		{name: "12-page-number-dashes", expected: "Escalation and Resolution of Professional Disagreements",
			header: p(hdrMid, "Policies and procedures"), footer: p(hdrMid, "- {page} -"),
			body: p(titleC(20), "Escalation and Resolution of Professional Disagreements") + paras(body, 5) + pageBreak + paras(body, 4)},
		{name: "13-page-number-roman", expected: "Learning and Improvement Framework",
			footer: p(hdrMid, "{roman}"),
			body:   p(titleC(24), "Learning and Improvement Framework") + p(style{size: 14, align: "center", font: "Liberation Sans"}, "April 2019") + paras(body, 4)},
		{name: "14-header-tiny-notice", expected: "Lone Working Policy",
			header: p(tiny, "Printed copies of this document are uncontrolled. Check the intranet for the current version."), footer: p(hdrRight, "Page {page} of {pages}"),
			body: p(title(22), "Lone Working Policy") + paras(body, 5)},
		{name: "15-header-and-date-line", expected: "Child Sexual Exploitation Strategy",
			header: p(hdrLeft, "OFFICIAL") + p(hdrRight, "Issued 1 September 2017"), footer: p(hdrMid, "Page {page}"),
			body: p(title(24), "Child Sexual Exploitation Strategy") + paras(body, 5) + pageBreak + paras(body, 3)},

		// Covers with a big short word above the title.
		{name: "16-cover-acronym", expected: "Neglect Strategy 2018 to 2021",
			body: p(style{size: 54, bold: true, font: "Liberation Sans", color: "#1f4e79"}, "NSCP") + p(title(28), "Neglect Strategy 2018 to 2021") + p(style{size: 14, font: "Liberation Sans"}, "Working together to tackle neglect") + paras(body, 3)},
		{name: "17-cover-logo-word", expected: "Thresholds of Need: Continuum of Help and Support",
			body: p(style{size: 44, bold: true, font: "Liberation Sans", align: "end", color: "#2e7d32"}, "safeguard") + p(title(24), "Thresholds of Need: Continuum of Help and Support") + paras(body, 4)},
		{name: "18-cover-acronym-version", expected: "Serious Case Review: Child K",
			footer: p(hdrMid, "Final version, March 2016"),
			body:   p(style{size: 64, bold: true, font: "Liberation Sans", align: "center"}, "LSCB") + p(titleC(26), "Serious Case Review: Child K") + p(style{size: 14, align: "center", font: "Liberation Sans"}, "Overview report") + pageBreak + paras(body, 5)},

		// Titles over two or three lines.
		{name: "19-two-line-title", expected: "Learning from Serious Case Reviews: Themes and Lessons for Practitioners in 2016",
			body: p(title(24), "Learning from Serious Case Reviews: Themes and Lessons for Practitioners in 2016") + paras(body, 5)},
		{name: "20-three-line-title", expected: "Guidance on the Use of Restrictive Physical Intervention in Special Schools, Residential Settings and Short Breaks",
			body: p(titleC(22), "Guidance on the Use of Restrictive Physical Intervention in Special Schools, Residential Settings and Short Breaks") + paras(body, 5)},
		{name: "21-two-line-title-subtitle", expected: "Female Genital Mutilation: Multi-Agency Practice Guidelines for Professionals",
			header: p(hdrRight, org),
			body:   p(title(22), "Female Genital Mutilation: Multi-Agency Practice Guidelines for Professionals") + p(style{size: 14, color: "#555555", font: "Liberation Sans"}, "Second edition, revised in line with the 2016 statutory guidance") + paras(body, 4)},
		{name: "22-two-line-title-meta-junk", expected: "Transitions from Children's to Adults' Services: a Joint Protocol", meta: "Microsoft Word - transitions protocol v4.docx",
			body: p(title(26), "Transitions from Children's to Adults' Services: a Joint Protocol") + paras(body, 5)},

		// Two-column papers.
		{name: "23-two-column-paper", expected: "Professional curiosity in child protection practice: a qualitative study",
			body: p(titleC(18), "Professional curiosity in child protection practice: a qualitative study") + p(style{size: 11, align: "center"}, "A. Morgan and R. Patel, University of Northshire") + p(style{size: 10, italic: true}, "Abstract. "+prose[0]) + columns(paras(style{size: 10}, 8))},
		{name: "24-two-column-journal-header", expected: "Voice of the Child in Early Help Assessments: Findings from a Regional Audit",
			header: p(style{size: 8, italic: true, color: "#444444"}, "Child Protection Review, Vol. 26, 2017, pp. 112-124"),
			body:   p(title(17), "Voice of the Child in Early Help Assessments: Findings from a Regional Audit") + p(body, "S. Okafor") + columns(paras(style{size: 10}, 9))},
		{name: "25-two-column-newsletter-style", expected: "Safeguarding Adults Review: Mr B",
			header: p(hdrLeft, "Westmere Safeguarding Adults Board") + p(hdrRight, "Seven minute briefing"),
			body:   p(titleC(22), "Safeguarding Adults Review: Mr B") + columns(p(heading(13), "Background")+paras(style{size: 10}, 3)+p(heading(13), "Learning")+paras(style{size: 10}, 3))},

		// Report tables.
		{name: "26-report-table", expected: "Performance Report: Quarter 3, 2017 to 2018",
			header: p(hdrRight, org), footer: p(hdrMid, "Page {page} of {pages}"),
			body: p(title(20), "Performance Report: Quarter 3, 2017 to 2018") + paras(body, 1) + table([]string{"Measure", "Q1", "Q2", "Q3"}, []string{"Referrals", "1,204", "1,187", "1,312"}, []string{"Assessments in 45 days", "82%", "85%", "88%"}, []string{"Child protection plans", "312", "298", "305"}) + paras(body, 3)},
		{name: "27-document-control-table-first", expected: "Information Sharing Agreement",
			body: table([]string{"Version", "Date", "Author", "Status"}, []string{"1.3", "12/06/2017", "Business unit", "Final"}) + p(title(22), "Information Sharing Agreement") + paras(body, 5)},
		{name: "28-table-stats-header", expected: "Section 11 Audit Summary",
			header: p(hdrLeft, "Northshire LSCB"), footer: p(hdrRight, "{page}"),
			body: p(heading(16), "Section 11 Audit Summary") + table([]string{"Agency", "Returned", "Fully met", "Actions"}, []string{"Health", "Yes", "14 of 16", "2"}, []string{"Police", "Yes", "15 of 16", "1"}, []string{"Schools", "Partly", "11 of 16", "5"}) + paras(body, 3)},

		// A small label above the title.
		{name: "29-label-briefing-note", expected: "Contextual Safeguarding in Schools",
			body: p(style{size: 10, font: "Liberation Sans", color: "#777777"}, "Briefing note") + p(title(20), "Contextual Safeguarding in Schools") + paras(body, 5)},
		{name: "30-label-seven-minute", expected: "Neglect and the Graded Care Profile",
			footer: p(hdrRight, "{page}"),
			body:   p(style{size: 12, bold: true, font: "Liberation Sans", color: "#c00000"}, "7 minute briefing") + p(title(24), "Neglect and the Graded Care Profile") + paras(body, 4)},
		{name: "31-label-caps-guidance", expected: "Working with Families who Move Across Borders",
			header: p(hdrRight, org),
			body:   p(style{size: 9, bold: true, caps: true, font: "Liberation Sans"}, "Practice guidance") + p(title(21), "Working with Families who Move Across Borders") + paras(body, 5)},

		// Word-like and Google-Docs-like layouts.
		{name: "32-word-like-junk-meta", expected: "Whistleblowing Policy", meta: "Microsoft Word - draft.docx",
			header: p(hdrRight, "Westmere Council"), footer: p(hdrLeft, "Whistleblowing Policy v3") + p(hdrRight, "Page {page} of {pages}"),
			body: p(style{size: 28, font: "Liberation Sans"}, "Whistleblowing Policy") + p(heading(16), "1. Introduction") + paras(bodySans, 3) + p(heading(16), "2. Scope") + paras(bodySans, 2)},
		{name: "33-word-like-document1", expected: "Allegations Management: Guidance for Employers", meta: "Document1",
			header: p(hdrLeft, org),
			body:   p(style{size: 28, font: "Liberation Sans", color: "#1f3864"}, "Allegations Management: Guidance for Employers") + p(heading(16), "Purpose") + paras(bodySans, 4)},
		{name: "34-google-docs-title-subtitle", expected: "Youth Violence Prevention Plan",
			body: p(style{size: 26, font: "Liberation Sans"}, "Youth Violence Prevention Plan") + p(style{size: 15, color: "#666666", font: "Liberation Sans"}, "Summary for partners, June 2019") + p(style{size: 20, font: "Liberation Sans"}, "Why this plan") + paras(bodySans, 3)},
		{name: "35-google-docs-untitled-meta", expected: "Online Safety Guidance for Parents and Carers", meta: "Untitled document",
			body: p(style{size: 20, font: "Liberation Sans"}, "Online Safety Guidance for Parents and Carers") + p(style{size: 16, font: "Liberation Sans"}, "Talking to your child") + paras(bodySans, 4)},

		// Minutes whose largest text is a heading.
		{name: "36-minutes-heading", expected: "Minutes of the meeting held on 3 May 2017",
			header: p(hdrRight, "Westmere Safeguarding Adults Board"),
			body:   p(heading(14), "Minutes of the meeting held on 3 May 2017") + p(body, "Present: Jane Hill (Chair), Tom Baker, Priya Shah") + p(heading(12), "1. Apologies") + paras(body, 1) + p(heading(12), "2. Matters arising") + paras(body, 2)},
		{name: "37-minutes-file-name-meta", expected: "Executive Group: minutes, 12 June 2018", meta: "Microsoft Word - Exec minutes 12.06.18.doc",
			footer: p(hdrRight, "Page {page} of {pages}"),
			body:   p(heading(16), "Executive Group: minutes, 12 June 2018") + p(body, "Present: A. Cole, P. Shah, T. Baker. Apologies: J. Hill.") + p(heading(12), "1. Welcome") + paras(body, 2) + p(heading(12), "2. Budget") + paras(body, 2)},

		// Real metadata titles, preferred over anything on the page.
		{name: "38-meta-real-title", expected: "Private Fostering: A Guide for Professionals", meta: "Private Fostering: A Guide for Professionals",
			header: p(hdrRight, org),
			body:   watermark("DRAFT", 96) + p(title(24), "Private Fostering") + p(style{size: 16, font: "Liberation Sans"}, "A Guide for Professionals") + paras(body, 4)},
		{name: "39-plain-memo", expected: "Memo: changes to the referral form from 1 April",
			body: p(style{size: 11, bold: true}, "Memo: changes to the referral form from 1 April") + p(body, "To: all designated safeguarding leads") + paras(body, 3)},
	}
}

func main() {
	noPDF := flag.Bool("nopdf", false, "write the sources and manifest only")
	flag.Parse()
	all := docs()
	names := map[string]bool{}
	for _, d := range all {
		if names[d.name] {
			log.Fatalf("duplicate %s", d.name)
		}
		names[d.name] = true
	}
	if err := os.MkdirAll("src", 0o755); err != nil {
		log.Fatal(err)
	}
	var manifest strings.Builder
	manifest.WriteString("# file\texpected title (written by generate.go)\n")
	var srcs []string
	for _, d := range all {
		path := filepath.Join("src", d.name+".fodt")
		if err := os.WriteFile(path, []byte(fodt(d)), 0o644); err != nil {
			log.Fatal(err)
		}
		srcs = append(srcs, path)
		fmt.Fprintf(&manifest, "%s.pdf\t%s\n", d.name, d.expected)
	}
	if err := os.WriteFile("expected.tsv", []byte(manifest.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	if *noPDF {
		return
	}
	sort.Strings(srcs)
	args := append([]string{"--headless", "--convert-to", "pdf", "--outdir", "pdf"}, srcs...)
	cmd := exec.Command("soffice", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
}

// fodt renders the document as Flat ODT, with the styles it uses (they are
// named while docs builds the bodies).
func fodt(d doc) string {
	pageBreakStyle := `<style:style style:name="PB" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/><style:text-properties fo:font-size="2pt"/></style:style>`
	content := d.body
	header, footer := d.header, d.footer
	var auto strings.Builder
	all := header + footer + content
	for _, s := range styleOrder {
		if !strings.Contains(all, `"`+styles[s]+`"`) {
			continue
		}
		var pp, tp []string
		if s.align != "" {
			pp = append(pp, fmt.Sprintf(`fo:text-align="%s"`, s.align))
		}
		pp = append(pp, fmt.Sprintf(`fo:margin-top="%.2fcm" fo:margin-bottom="0.2cm"`, s.before))
		tp = append(tp, fmt.Sprintf(`fo:font-size="%gpt"`, s.size))
		font := s.font
		if font == "" {
			font = "Liberation Serif"
		}
		tp = append(tp, fmt.Sprintf(`style:font-name="%s" fo:font-family="'%[1]s'"`, font))
		if s.bold {
			tp = append(tp, `fo:font-weight="bold"`)
		}
		if s.italic {
			tp = append(tp, `fo:font-style="italic"`)
		}
		if s.color != "" {
			tp = append(tp, fmt.Sprintf(`fo:color="%s"`, s.color))
		}
		if s.caps {
			tp = append(tp, `fo:text-transform="uppercase" fo:letter-spacing="0.05cm"`)
		}
		fmt.Fprintf(&auto, `<style:style style:name="%s" style:family="paragraph"><style:paragraph-properties %s/><style:text-properties %s/></style:style>`+"\n",
			styles[s], strings.Join(pp, " "), strings.Join(tp, " "))
	}
	meta := ""
	if d.meta != "" {
		meta = "<dc:title>" + esc(d.meta) + "</dc:title>"
	}
	master := `<style:master-page style:name="Standard" style:page-layout-name="pm1">`
	if header != "" {
		master += "<style:header>" + header + "</style:header>"
	}
	if footer != "" {
		master += "<style:footer>" + footer + "</style:footer>"
	}
	master += "</style:master-page>"
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta>` + meta + `</office:meta>
<office:font-face-decls><style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'"/><style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'"/></office:font-face-decls>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="2cm" fo:margin-right="2cm"/><style:header-style><style:header-footer-properties fo:min-height="0.4cm" fo:margin-bottom="0.6cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.4cm" fo:margin-top="0.6cm"/></style:footer-style></style:page-layout>
<style:style style:name="gr1" style:family="graphic"><style:graphic-properties draw:stroke="none" draw:fill="none" style:wrap="run-through" style:run-through="background" draw:textarea-vertical-align="middle" draw:textarea-horizontal-align="center"/></style:style>
<style:style style:name="Cols" style:family="section"><style:section-properties><style:columns fo:column-count="2" fo:column-gap="0.6cm"/></style:section-properties></style:style>
<style:style style:name="Tbl" style:family="table"><style:table-properties style:width="17cm" table:align="left" fo:margin-bottom="0.3cm"/></style:style>
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #999999"/></style:style>
` + pageBreakStyle + "\n" + auto.String() + `</office:automatic-styles>
<office:master-styles>` + master + `</office:master-styles>
<office:body><office:text>
` + content + `</office:text></office:body></office:document>
`
}
