// Package index is safelib's full-text search index and the only importer of
// Bleve in the project.
//
// It owns the Bleve mapping (one function beside MappingVersion), turning a
// Document into index fields, our own query language (Parse builds a small
// typed tree, LikeQuery one for "similar items"; raw user text never
// reaches Bleve's query-string parser), the translation of that tree plus
// filters and the reader's access into Bleve queries, facets with
// multi-select semantics (counted from postings bitmaps, facets.go), sorting, spelling suggestions, and cutting
// highlighted snippets from text the caller supplies.
//
// It must not import anything from safelib/internal/, must not know about
// HTTP, users or the database, and stores no document text: it returns ids,
// totals and facet counts, and the caller loads everything else from the
// database. Members-only summaries, bodies and extra text are indexed into
// separate fields that are only queried when Request.Members is true, so a
// forgotten filter cannot leak them.
package index
