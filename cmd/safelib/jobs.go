package main

import (
	"context"
	"time"

	"safelib/internal/auth"
	"safelib/internal/jobs"
	"safelib/internal/mail"
)

// outboxSummary is the mail-outbox job's answer.
type outboxSummary struct {
	Job string `json:"job"`
	mail.Summary
}

// startJobs schedules serve's jobs: renewal reminders daily at 07:00 UK
// time, and a drain of the mail outbox every minute (the sender also
// drains whenever a message is queued; the two never send at once).
func (a *app) startJobs(ctx context.Context, au *auth.Auth, sender *mail.Sender) (*jobs.Runner, func()) {
	r := jobs.New(a.log, nil)
	r.Add(jobs.Job{Name: "renewal-reminders", Next: jobs.DailyAt(7, 0, london()),
		Run: func(ctx context.Context) (any, error) { return au.RemindRenewals(ctx) }})
	r.Add(jobs.Job{Name: "mail-outbox", Next: jobs.Every(time.Minute),
		Run: func(ctx context.Context) (any, error) {
			s, err := sender.Drain(ctx)
			return outboxSummary{Job: "mail-outbox", Summary: s}, err
		}})
	return r, r.Start(ctx, 30*time.Second)
}
