// Package jobs runs serve's scheduled work (renewal reminders, the mail
// outbox) by name: each job on its own schedule, one run of a job at a
// time (a run asked for while one is running is refused, never doubled),
// with its last and next run for GET /api/v1/jobs. What a job does lives
// in the packages that own it; this package only schedules.
package jobs

import (
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"sync"
	"time"

	"safelib/internal/catalog"
)

// Job is one named piece of scheduled work.
type Job struct {
	Name string
	// Next is the first run after t.
	Next func(t time.Time) time.Time
	// Run does the work and returns its summary (JSON-encodable).
	Run func(ctx context.Context) (any, error)
}

// Every runs a job every d.
func Every(d time.Duration) func(time.Time) time.Time {
	return func(t time.Time) time.Time { return t.Add(d) }
}

// DailyAt runs a job every day at hour:minute in loc (a clock change
// keeps the local time).
func DailyAt(hour, minute int, loc *time.Location) func(time.Time) time.Time {
	return func(t time.Time) time.Time {
		l := t.In(loc)
		next := time.Date(l.Year(), l.Month(), l.Day(), hour, minute, 0, 0, loc)
		if !next.After(t) {
			next = time.Date(l.Year(), l.Month(), l.Day()+1, hour, minute, 0, 0, loc)
		}
		return next
	}
}

// MonthlyAt runs a job on day (1-28) of every month at hour:minute in loc.
func MonthlyAt(day, hour, minute int, loc *time.Location) func(time.Time) time.Time {
	return func(t time.Time) time.Time {
		l := t.In(loc)
		next := time.Date(l.Year(), l.Month(), day, hour, minute, 0, 0, loc)
		if !next.After(t) {
			next = time.Date(l.Year(), l.Month()+1, day, hour, minute, 0, 0, loc)
		}
		return next
	}
}

// Status is a job as GET /api/v1/jobs shows it.
type Status struct {
	Name        string     `json:"name"`
	LastRun     *time.Time `json:"last_run"`
	NextRun     time.Time  `json:"next_run"`
	Running     bool       `json:"running"`
	LastError   string     `json:"last_error,omitempty"`
	LastSummary any        `json:"last_summary,omitempty"`
}

type entry struct {
	job  Job
	busy sync.Mutex // held while the job runs
	mu   sync.Mutex // guards the fields below
	run  bool
	last time.Time
	next time.Time
	sum  any
	err  string
}

// Store keeps each job's last run (the database: store.Store), so that
// a restart neither skips a run that fell due while the process was down
// (it runs at the first tick) nor repeats one already done.
type Store interface {
	JobRuns(ctx context.Context) (map[string]catalog.JobRun, error)
	SaveJobRun(ctx context.Context, r catalog.JobRun) error
}

// Runner holds the jobs.
type Runner struct {
	now  func() time.Time
	log  *slog.Logger
	mu   sync.Mutex
	jobs map[string]*entry
	st   Store
	runs map[string]catalog.JobRun
}

// New makes a runner; now nil means time.Now.
func New(log *slog.Logger, now func() time.Time) *Runner {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{now: now, log: log, jobs: map[string]*entry{}}
}

// Persist keeps the jobs' last runs in st and reads those kept, for the
// jobs added after it.
func (r *Runner) Persist(ctx context.Context, st Store) error {
	runs, err := st.JobRuns(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.st, r.runs = st, runs
	return nil
}

// Add registers j. Its first run is j.Next of its last recorded run (due
// at once when that time has passed: a run missed while the process was
// down), or j.Next(now) when it never ran.
func (r *Runner) Add(j Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := &entry{job: j, next: j.Next(r.now())}
	if last, ok := r.runs[j.Name]; ok && !last.LastRun.IsZero() {
		e.last, e.next, e.err = last.LastRun, j.Next(last.LastRun), last.Error
		if last.Summary != "" {
			e.sum = json.RawMessage(last.Summary)
		}
	}
	r.jobs[j.Name] = e
}

// Statuses lists the jobs by name.
func (r *Runner) Statuses() []Status {
	r.mu.Lock()
	es := make([]*entry, 0, len(r.jobs))
	for _, e := range r.jobs {
		es = append(es, e)
	}
	r.mu.Unlock()
	sort.Slice(es, func(i, j int) bool { return es[i].job.Name < es[j].job.Name })
	out := make([]Status, 0, len(es))
	for _, e := range es {
		e.mu.Lock()
		s := Status{Name: e.job.Name, NextRun: e.next.UTC(), Running: e.run, LastError: e.err, LastSummary: e.sum}
		if !e.last.IsZero() {
			t := e.last.UTC()
			s.LastRun = &t
		}
		e.mu.Unlock()
		out = append(out, s)
	}
	return out
}

// RunNow runs job name at once and returns its summary. A job already
// running is refused (catalog.Conflict); an unknown name is not found.
func (r *Runner) RunNow(ctx context.Context, name string) (any, error) {
	r.mu.Lock()
	e, ok := r.jobs[name]
	r.mu.Unlock()
	if !ok {
		return nil, catalog.Errorf(catalog.NotFound, "no job %q", name)
	}
	return r.run(ctx, e)
}

func (r *Runner) run(ctx context.Context, e *entry) (any, error) {
	if !e.busy.TryLock() {
		return nil, catalog.Errorf(catalog.Conflict, "job %s is running; try again when it ends", e.job.Name)
	}
	defer e.busy.Unlock()
	start := r.now()
	e.mu.Lock()
	e.run = true
	e.mu.Unlock()
	sum, err := e.job.Run(ctx)
	e.mu.Lock()
	e.run, e.last, e.sum, e.err = false, start, sum, ""
	if err != nil {
		e.err = err.Error()
	}
	e.next = e.job.Next(r.now())
	e.mu.Unlock()
	r.save(ctx, e.job.Name, start, sum, err)
	if err != nil {
		r.log.Error("job failed", "job", e.job.Name, "err", err)
	} else {
		r.log.Info("job done", "job", e.job.Name, "took", r.now().Sub(start).Round(time.Millisecond), "summary", sum)
	}
	return sum, err
}

// save records a finished run in the Store, if any. A run cut short by a
// crash is never recorded, so the next start runs it again.
func (r *Runner) save(ctx context.Context, name string, at time.Time, sum any, err error) {
	r.mu.Lock()
	st := r.st
	r.mu.Unlock()
	if st == nil {
		return
	}
	run := catalog.JobRun{Name: name, LastRun: at}
	if b, jerr := json.Marshal(sum); jerr == nil && sum != nil {
		run.Summary = string(b)
	}
	if err != nil {
		run.Error = err.Error()
	}
	if serr := st.SaveJobRun(context.WithoutCancel(ctx), run); serr != nil {
		r.log.Error("job: record last run", "job", name, "err", serr)
	}
}

// Tick runs every job that is due now (each in turn; one still running
// from before is left alone).
func (r *Runner) Tick(ctx context.Context) {
	r.mu.Lock()
	var due []*entry
	now := r.now()
	for _, e := range r.jobs {
		e.mu.Lock()
		if !e.next.After(now) && !e.run {
			due = append(due, e)
		}
		e.mu.Unlock()
	}
	r.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].job.Name < due[j].job.Name })
	for _, e := range due {
		if ctx.Err() != nil {
			return
		}
		r.run(ctx, e) // refused when a RunNow holds it: it runs at its next time
	}
}

// Start ticks every interval until ctx ends; the returned stop waits for
// the loop to finish.
func (r *Runner) Start(ctx context.Context, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.Tick(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}
