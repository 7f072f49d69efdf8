package catalog

import (
	"encoding/json"
	"time"
)

// Outbox states of a message.
const (
	MailPending = "pending"
	MailSending = "sending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// OutMail is one message in the outbox. Its bodies are complete: the
// sender only wraps them in MIME.
type OutMail struct {
	ID        int64
	Kind      string // reset, invite, test, digest, ... (for admins and tests)
	To        string
	Subject   string
	Text      string
	HTML      string
	Headers   map[string]string
	MessageID string // <...@host>, unique: the server and tests recognise a repeat by it
	// Recheck is what the sender checks again just before sending a
	// message built for one reader (JSON, see MailRecheck); "" for none.
	Recheck   string
	State     string
	Attempts  int
	Created   time.Time
	Next      time.Time
	FirstTry  time.Time
	LastTry   time.Time
	Sent      time.Time
	LastError string
}

// MailRecheck is what a message built for one reader showed, so the
// sender can check it again just before sending: the reader's access may
// have lapsed, or an item been withdrawn or closed to members, since.
type MailRecheck struct {
	UserID int64 `json:"user_id"`
	// Members says the message was built for a reader who could read
	// members-only items.
	Members bool `json:"members"`
	// Full are the items shown with their summary or text; Items every
	// item shown (teasers too).
	Full  []string `json:"full,omitempty"`
	Items []string `json:"items"`
	// Plan is the kind's own description of the message, for rebuilding
	// it (a digest: its alerts and items).
	Plan json.RawMessage `json:"plan,omitempty"`
}

// JobRun is a scheduled job's last run, kept so a restart neither skips
// nor repeats a run.
type JobRun struct {
	Name    string
	LastRun time.Time
	Summary string // JSON
	Error   string
}
