package catalog

import (
	"slices"
	"time"
)

// Alert cadences.
const (
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
)

// Weekdays are the days a weekly alert may go, as the API spells them.
var Weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Alert is a member's saved search, emailed when something new matches.
// Search is the query string of /api/v1/search, canonical.
type Alert struct {
	ID      int64
	UserID  int64
	Search  string
	Cadence string
	// Day is the weekday of a weekly alert ("" otherwise).
	Day      string
	Paused   bool
	Created  time.Time
	LastSent time.Time
}

// Normalize fills defaults: weekly alerts go on Mondays unless told;
// other cadences have no day.
func (a *Alert) Normalize() {
	if a.Cadence == Weekly && a.Day == "" {
		a.Day = "monday"
	}
	if a.Cadence != Weekly && slices.Contains(Weekdays, a.Day) {
		a.Day = ""
	}
}

// Validate checks the cadence and day (the search is checked where
// searches are parsed).
func (a *Alert) Validate() error {
	switch a.Cadence {
	case Daily, Weekly, Monthly:
	default:
		return Errorf(Invalid, "cadence %q: want daily, weekly or monthly", a.Cadence)
	}
	if a.Day != "" && !slices.Contains(Weekdays, a.Day) {
		return Errorf(Invalid, "day %q: want monday, tuesday, wednesday, thursday, friday, saturday or sunday", a.Day)
	}
	if len(a.Search) > 4000 {
		return Errorf(Invalid, "search longer than 4000 bytes")
	}
	return nil
}
