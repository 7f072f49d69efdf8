-- Resources whose resource_pages are the slides of a presentation (PPTX,
-- ODP, PPT) rather than the pages of a PDF, so snippets say "slide 4"
-- (issue 12).
CREATE TABLE resource_slides (
    resource_id TEXT PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE
);
