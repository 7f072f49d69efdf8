package web

// staffAddData is the data of staff_add.html: first the URL field, then
// (after the fetch) the form to confirm or correct what was found.
type staffAddData struct {
	Page
	URL      string
	URLError string
	// Form is set once the page was fetched.
	Form *resourceForm
	// Fetched says where the draft came from.
	Fetched string
}
