package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"safelib/internal/catalog"

	"safelib/internal/store"
)

// GiveUpAfter is how long temporary failures are retried, counted from a
// message's first attempt. After it the message is failed for good.
const GiveUpAfter = 26 * time.Hour

// Backoff is the wait after the nth failed attempt (n from 1): 30 s, then
// four times longer each time, at most 4 h, so a message is retried within
// a minute and then for over a day (GiveUpAfter).
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 4*time.Hour; i++ {
		d *= 4
	}
	return min(d, 4*time.Hour)
}

// SenderOptions configure a Sender.
type SenderOptions struct {
	// Server is where mail goes; nil: nothing is sent, messages wait.
	Server *Server
	// From is --mail-from.
	From string
	// PerMinute is the rate limit (--mail-rate); 0: none.
	PerMinute int
	Log       *slog.Logger
	// Now is the clock (tests move it); nil: time.Now.
	Now func() time.Time
	// AfterAccept, when set, runs after the server accepted a message and
	// before the outbox records it: tests stop here to show the one window
	// for a repeat. An error leaves the row in sending, as a crash would.
	AfterAccept func(*catalog.OutMail) error
	// Recheck, when set, is asked about every message built for one
	// reader (Recheck not "") just before it is sent: it returns the
	// message to send (as built, or rebuilt for the reader's access now)
	// or nil and why it must not go (library.MailChecker.Recheck).
	Recheck func(context.Context, *catalog.OutMail) (*catalog.OutMail, string, error)
}

// Sender drains the outbox: one message at a time, claimed (state
// sending) in its own commit just before it is handed to the server and
// marked sent right after the server's 250, so a crash can repeat at most
// the one message in that window, and the restart logs it.
type Sender struct {
	st   *store.Store
	opt  SenderOptions
	log  *slog.Logger
	wake chan struct{}
	mu   sync.Mutex // one drain at a time: overlapping runs never double
	last time.Time  // when the previous message went, for the rate limit
}

// NewSender makes a sender over st.
func NewSender(st *store.Store, opt SenderOptions) *Sender {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Sender{st: st, opt: opt, log: log, wake: make(chan struct{}, 1)}
}

// Configured reports whether there is a server to send to.
func (s *Sender) Configured() bool { return s.opt.Server != nil }

// Server is the configured server ("" when none), without its password.
func (s *Sender) Server() string {
	if s.opt.Server == nil {
		return ""
	}
	return s.opt.Server.String()
}

// Notify wakes the sender: a message was queued.
func (s *Sender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Summary is what one drain did.
type Summary struct {
	Sent    int `json:"sent"`
	Retried int `json:"retried"`
	Failed  int `json:"failed"`
	// Dropped are messages the check at sending time stopped.
	Dropped   int `json:"dropped"`
	Remaining int `json:"remaining"`
}

// Recover puts messages a crash left in sending back in the queue, logging
// each: the server may have accepted it before the crash, and it will be
// sent again.
func (s *Sender) Recover(ctx context.Context) error {
	ms, err := s.st.RecoverSending(ctx, s.opt.Now())
	if err != nil {
		return err
	}
	for _, m := range ms {
		s.log.Warn("mail: the process stopped while this message was with the SMTP server; sending it again (a repeat if the server had accepted it)",
			"message_id", m.MessageID, "to", m.To, "kind", m.Kind, "outbox_id", m.ID)
	}
	return nil
}

// Drain sends every message due now, over one connection, and returns
// what it did. Without a server it sends nothing.
func (s *Sender) Drain(ctx context.Context) (sum Summary, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if c, err := s.st.MailCounts(context.WithoutCancel(ctx)); err == nil {
			sum.Remaining = c[catalog.MailPending] + c[catalog.MailSending]
		}
	}()
	if s.opt.Server == nil {
		return sum, nil
	}
	var conn *Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for ctx.Err() == nil {
		if err := s.pace(ctx); err != nil {
			return sum, nil
		}
		var ms []*catalog.OutMail
		ms, err = s.st.ClaimMail(ctx, s.opt.Now(), 1)
		if err != nil {
			return sum, err
		}
		if len(ms) == 0 {
			return sum, nil
		}
		m := ms[0]
		if s.opt.Recheck != nil && m.Recheck != "" {
			var drop bool
			if m, drop, err = s.recheck(ctx, m, &sum); err != nil {
				return sum, err
			}
			if drop {
				continue
			}
		}
		if conn == nil {
			conn, err = s.opt.Server.Dial(ctx, s.opt.From)
			if err != nil {
				conn = nil
				if rerr := s.retry(ctx, m, err, &sum); rerr != nil {
					return sum, rerr
				}
				// No connection: the rest waits for its own turn.
				return sum, nil
			}
		}
		err = conn.Send(m)
		s.last = time.Now()
		if err == nil {
			if s.opt.AfterAccept != nil {
				if herr := s.opt.AfterAccept(m); herr != nil {
					return sum, herr
				}
			}
			// The window: accepted, not yet recorded.
			if err := s.st.MailSent(context.WithoutCancel(ctx), m.ID, s.opt.Now()); err != nil {
				return sum, err
			}
			sum.Sent++
			s.log.Info("mail sent", "to", m.To, "kind", m.Kind, "message_id", m.MessageID)
			continue
		}
		var perm *PermanentError
		if errors.As(err, &perm) {
			if err := s.st.MailFailed(context.WithoutCancel(ctx), m.ID, perm.Reason); err != nil {
				return sum, err
			}
			sum.Failed++
			s.log.Warn("mail refused for good", "to", m.To, "kind", m.Kind, "reason", perm.Reason)
			continue
		}
		if rerr := s.retry(ctx, m, err, &sum); rerr != nil {
			return sum, rerr
		}
		// A temporary failure may have broken the connection: start a new one.
		conn.Close()
		conn = nil
	}
	return sum, nil
}

// recheck asks opt.Recheck about m just before sending: it returns the
// message to send, or drop when it was stopped (recorded as failed, with
// why). A failing check puts the message back for a retry.
func (s *Sender) recheck(ctx context.Context, m *catalog.OutMail, sum *Summary) (*catalog.OutMail, bool, error) {
	nm, reason, err := s.opt.Recheck(ctx, m)
	if err != nil {
		return m, true, s.retry(ctx, m, fmt.Errorf("check before sending: %w", err), sum)
	}
	ctx = context.WithoutCancel(ctx)
	if nm == nil {
		sum.Dropped++
		s.log.Info("mail not sent: checked again before sending", "to", m.To, "kind", m.Kind, "reason", reason)
		return m, true, s.st.MailFailed(ctx, m.ID, "not sent: "+reason)
	}
	if nm != m {
		nm.ID, nm.MessageID = m.ID, m.MessageID
		if err := s.st.MailRebuilt(ctx, nm); err != nil {
			return m, true, err
		}
	}
	return nm, false, nil
}

// retry puts m back with its backoff, or fails it once it has been
// retried for GiveUpAfter.
func (s *Sender) retry(ctx context.Context, m *catalog.OutMail, cause error, sum *Summary) error {
	now := s.opt.Now()
	first := m.FirstTry
	if first.IsZero() {
		first = now
	}
	ctx = context.WithoutCancel(ctx)
	if now.Sub(first) >= GiveUpAfter {
		reason := fmt.Sprintf("gave up after %d attempts over %s: %v", m.Attempts, now.Sub(first).Round(time.Minute), cause)
		sum.Failed++
		s.log.Warn("mail failed", "to", m.To, "kind", m.Kind, "reason", reason)
		return s.st.MailFailed(ctx, m.ID, reason)
	}
	next := now.Add(Backoff(m.Attempts))
	sum.Retried++
	s.log.Info("mail deferred", "to", m.To, "kind", m.Kind, "attempt", m.Attempts, "retry_at", next, "err", cause)
	return s.st.MailRetry(ctx, m.ID, next, cause.Error())
}

// pace waits until the rate limit lets the next message go.
func (s *Sender) pace(ctx context.Context) error {
	if s.opt.PerMinute <= 0 || s.last.IsZero() {
		return nil
	}
	wait := time.Until(s.last.Add(time.Minute / time.Duration(s.opt.PerMinute)))
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run recovers, then drains whenever a message is due or queued, until
// ctx ends. Without a server it only returns at the end.
func (s *Sender) Run(ctx context.Context) {
	if err := s.Recover(ctx); err != nil {
		s.log.Error("mail: recover", "err", err)
	}
	if s.opt.Server == nil {
		<-ctx.Done()
		return
	}
	for {
		if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("mail: drain", "err", err)
		}
		wait := time.Minute
		if next, err := s.st.NextMailDue(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(time.Until(next), time.Second))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Status is the outbox as admins see it.
type Status struct {
	Configured bool
	Server     string
	Counts     map[string]int
	// Failed are the latest permanent failures, with the server's words.
	Failed []*catalog.OutMail
	// Deferred are the latest messages waiting after a temporary failure.
	Deferred []*catalog.OutMail
}

// Status reads the outbox's counts and latest failures.
func (s *Sender) Status(ctx context.Context, limit int) (*Status, error) {
	st := &Status{Configured: s.Configured(), Server: s.Server()}
	var err error
	if st.Counts, err = s.st.MailCounts(ctx); err != nil {
		return nil, err
	}
	if st.Failed, err = s.st.Mails(ctx, catalog.MailFailed, limit); err != nil {
		return nil, err
	}
	pending, err := s.st.Mails(ctx, catalog.MailPending, limit)
	if err != nil {
		return nil, err
	}
	for _, m := range pending {
		if m.LastError != "" {
			st.Deferred = append(st.Deferred, m)
		}
	}
	return st, nil
}
