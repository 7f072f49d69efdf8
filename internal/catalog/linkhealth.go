package catalog

import "time"

// LinkCheck is what the last check of one URL found.
type LinkCheck struct {
	URL     string
	Checked time.Time
	// Status is the last HTTP status, 0 when there was no answer.
	Status int
	// Reason says why the last check failed; "" when it passed.
	Reason string
	// Failures counts failed checks in a row.
	Failures int
	// LastGood is the last time the link answered well (zero: never seen).
	LastGood time.Time
	Took     time.Duration
}

// BrokenAfter is the number of failed checks in a row that make a link
// broken; a good answer mends it.
const BrokenAfter = 2

// LinkResult is the outcome of checking one URL once.
type LinkResult struct {
	URL    string
	At     time.Time
	Status int
	Reason string
	// OK means a good answer; Inconclusive means neither good nor bad
	// (the server asked us to slow down): the failure count is kept.
	OK, Inconclusive bool
	Took             time.Duration
}

// BrokenLink is a resource whose link failed at least the asked number of
// checks in a row.
type BrokenLink struct {
	Resource *Resource // without text
	Check    *LinkCheck
	// HasText is set when the library holds the document's text, which
	// members can still read.
	HasText bool
}

// LinkRun is one link check run.
type LinkRun struct {
	ID       int64
	Started  time.Time
	Finished time.Time // zero while running
	Checked  int
	OK       int
	Failed   int
	// Broken counts links broken at the end of the run.
	Broken int
	Error  string
}
