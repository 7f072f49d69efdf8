package auth

import (
	"context"
	"fmt"
	"math"
	"time"

	"safelib/internal/catalog"
)

// Reminder stages: 30 and 7 days before a membership's end date, and the
// day after it lapses.
const (
	Stage30     = "30"
	Stage7      = "7"
	StageLapsed = "lapsed"
)

// stageFor is the reminder due when a membership ends in days (the end
// date is the last day of access: -1 is the day after). A missed run
// catches up with the latest stage only; a membership that lapsed over a
// week ago, or ends in over 30 days, gets none.
func stageFor(days int) string {
	switch {
	case days > 30:
		return ""
	case days > 7:
		return Stage30
	case days >= 0:
		return Stage7
	case days >= -7:
		return StageLapsed
	}
	return ""
}

// RemindersSummary is what one run of renewal reminders did.
type RemindersSummary struct {
	Job     string `json:"job"`
	Members int    `json:"members"`
	Emails  int    `json:"emails"`
	Skipped int    `json:"skipped"`
}

// RemindRenewals queues the renewal reminders due today (UK time): each
// (member, end date, stage) once, recorded in the transaction that queues
// the message. A renewal moves the end date, so no reminder about the old
// date follows it; disabled accounts get none.
func (a *Auth) RemindRenewals(ctx context.Context) (*RemindersSummary, error) {
	sum := &RemindersSummary{Job: "renewal-reminders"}
	if a.mailer == nil {
		return sum, catalog.Errorf(catalog.Unavailable, "email is not set up")
	}
	now := a.now()
	today, err := time.ParseInLocation(dateLayout, a.Today(), a.loc)
	if err != nil {
		return sum, err
	}
	us, err := a.st.ListUsers(ctx, catalog.UserFilter{Role: catalog.RoleMember,
		ExpiresFrom: today.AddDate(0, 0, -7).Format(dateLayout), ExpiresTo: today.AddDate(0, 0, 30).Format(dateLayout)})
	if err != nil {
		return sum, err
	}
	queued := false
	for _, u := range us {
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
		sum.Members++
		end := u.EffectiveExpires()
		endDay, err := time.ParseInLocation(dateLayout, end, a.loc)
		if err != nil || u.Disabled {
			sum.Skipped++
			continue
		}
		// Whole civil days (a clock change makes a day 23 or 25 hours).
		stage := stageFor(int(math.Round(endDay.Sub(today).Hours() / 24)))
		if stage == "" {
			sum.Skipped++
			continue
		}
		m, err := a.mailer.Reminder(stage, u, end)
		if err != nil {
			return sum, err
		}
		sent, err := a.st.RecordReminder(ctx, u.ID, end, stage, now, m)
		if err != nil {
			return sum, fmt.Errorf("remind %s: %w", u.Email, err)
		}
		if !sent {
			sum.Skipped++
			continue
		}
		sum.Emails++
		queued = true
	}
	if queued {
		a.queued()
	}
	return sum, nil
}

// LastReminders returns each reminded person's latest renewal reminder
// (staff and admins: the people pages show who was reminded when).
func (a *Auth) LastReminders(ctx context.Context, actor Actor) (map[int64]catalog.Reminder, error) {
	if actor.Role != catalog.RoleStaff && actor.Role != catalog.RoleAdmin {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff see reminders")
	}
	return a.st.LastReminders(ctx)
}
