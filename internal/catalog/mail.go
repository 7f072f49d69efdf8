package catalog

import "time"

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
	State     string
	Attempts  int
	Created   time.Time
	Next      time.Time
	FirstTry  time.Time
	LastTry   time.Time
	Sent      time.Time
	LastError string
}
