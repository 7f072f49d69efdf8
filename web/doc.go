// Package web serves the library over HTTP: the server-rendered search site
// (html/template, no JavaScript needed) and the JSON API. It is the only
// importer of Gin, and *gin.Context never leaves this package.
//
// Handlers are thin, one file per action: they parse input, call
// internal/library as the current reader (Server.reader) and render. Access
// rules live in the library, never here. Errors become HTTP statuses in one
// place (errors.go). Templates and static files are embedded and parsed once
// at New, so a broken template fails the start, not a request; pages are
// rendered into a buffer and written only on success.
//
// Route groups (routes.go): public pages, the API, accounts and admin,
// members, staff, embeds and shared endpoints. Security headers are per
// group, because embeds must be frameable and the rest must not.
package web
