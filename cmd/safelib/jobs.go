package main

import (
	"context"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/jobs"
	"safelib/internal/library"
	"safelib/internal/mail"
	"safelib/web"
)

// outboxSummary is the mail-outbox job's answer.
type outboxSummary struct {
	Job string `json:"job"`
	mail.Summary
}

// digestHour is when digests go (UK time): daily ones every day, weekly
// ones on each alert's day, monthly ones on the 1st.
const digestHour = 7

// digests makes the alert digests and the checker that looks at every
// message built for one reader again just before it is sent (rebuilding
// digests and newsletter editions for what their reader may read then).
func (a *app) digests(ctx context.Context, h *library.Handle, au *auth.Auth, notify func()) (*library.Digests, *library.MailChecker, error) {
	signer, err := au.MailSigner(ctx)
	if err != nil {
		return nil, nil, err
	}
	base := a.composer().BaseURL
	links := func(u *catalog.User, cadence string, alertID int64) (catalog.MailLinks, error) {
		everything := signer.Token(u, auth.ScopeAll, 0)
		l := catalog.MailLinks{
			Everything: auth.MailLink(base, auth.ActionUnsubscribe, everything),
			Manage:     auth.MailLink(base, auth.ActionManage, everything),
		}
		if alertID != 0 {
			one := signer.Token(u, auth.ScopeAlert, alertID)
			l.Unsubscribe = auth.MailLink(base, auth.ActionUnsubscribe, one)
			l.Pause = auth.MailLink(base, auth.ActionPause, one)
			l.Change = auth.MailLink(base, auth.ActionChange, one)
		} else {
			l.Unsubscribe = auth.MailLink(base, auth.ActionUnsubscribe, signer.DigestToken(u, cadence))
		}
		return l, nil
	}
	d := h.Library.NewDigests(library.DigestOptions{Reader: au.ReaderFor, Mailer: a.composer(), Links: links,
		Slot: func(cadence, day string, t time.Time) time.Time {
			return library.DefaultSlot(cadence, day, t, digestHour, london())
		}, OnQueued: notify})
	c := h.Library.NewMailChecker(au.ReaderFor)
	c.RegisterDigests(d)
	c.Register("newsletter", web.NewsletterRebuild(a.cfg, h.Library, au))
	return d, c, nil
}

// startJobs schedules serve's jobs: renewal reminders and the digests at
// 07:00 UK time (the weekly job daily, for each alert's own day; the
// monthly one on the 1st), and a drain of the mail outbox every minute
// (the sender also drains whenever a message is queued; the two never
// send at once). Their last runs are kept in the database.
func (a *app) startJobs(ctx context.Context, h *library.Handle, au *auth.Auth, sender *mail.Sender, d *library.Digests) (*jobs.Runner, func(), error) {
	r := jobs.New(a.log, nil)
	if err := r.Persist(ctx, h.Store()); err != nil {
		return nil, nil, err
	}
	uk := london()
	r.Add(jobs.Job{Name: "renewal-reminders", Next: jobs.DailyAt(7, 0, uk),
		Run: func(ctx context.Context) (any, error) { return au.RemindRenewals(ctx) }})
	r.Add(jobs.Job{Name: "mail-outbox", Next: jobs.Every(time.Minute),
		Run: func(ctx context.Context) (any, error) {
			s, err := sender.Drain(ctx)
			return outboxSummary{Job: "mail-outbox", Summary: s}, err
		}})
	for _, j := range []struct {
		cadence string
		next    func(time.Time) time.Time
	}{
		{catalog.Daily, jobs.DailyAt(digestHour, 0, uk)},
		{catalog.Weekly, jobs.DailyAt(digestHour, 0, uk)},
		{catalog.Monthly, jobs.MonthlyAt(1, digestHour, 0, uk)},
	} {
		r.Add(jobs.Job{Name: "digest-" + j.cadence, Next: j.next,
			Run: func(ctx context.Context) (any, error) { return d.Run(ctx, j.cadence) }})
	}
	return r, r.Start(ctx, 30*time.Second), nil
}
