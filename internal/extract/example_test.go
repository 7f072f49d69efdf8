package extract_test

import (
	"context"
	"errors"
	"fmt"

	"safelib/internal/extract"
)

func ExampleDocument() {
	body := []byte(`<!doctype html>
<html lang="en-GB"><head>
<title>Neglect: a practice briefing | Example Trust</title>
<meta property="og:site_name" content="Example Trust">
<meta property="article:published_time" content="2019-03-04T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/briefings/">Briefings</a></nav>
<main><h1>Neglect: a practice briefing</h1>
<p>Neglect is the most common reason for a child protection plan in England. This briefing brings together research on how it is recognised and responded to.</p>
<p>Read <a href="/briefings/neglect.pdf#page=2">the full briefing</a>.</p></main>
</body></html>`)
	page, err := extract.Document(context.Background(), body, "text/html; charset=utf-8", "https://example.org/briefings/neglect")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(page.Title)
	fmt.Println(page.Published, page.Language, page.ContentType)
	fmt.Println(page.Links)

	_, err = extract.Document(context.Background(), []byte("%PDF-1.7\n"), "application/pdf", "https://example.org/cut.pdf")
	fmt.Println(errors.Is(err, extract.ErrPDF))
	// Output:
	// Neglect: a practice briefing
	// 2019-03-04 en-GB html
	// [https://example.org/ https://example.org/briefings/ https://example.org/briefings/neglect.pdf]
	// true
}
