package web

// passwordData is the data of password.html.
type passwordData struct {
	Page
	Error string
}
