package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"safelib/internal/config"
	"safelib/internal/jobs"
)

func TestJobsAPI(t *testing.T) {
	e := newMailEnv(t)
	r := jobs.New(nil, e.clock.Now)
	r.Add(jobs.Job{Name: "renewal-reminders", Next: jobs.Every(24 * 3600e9),
		Run: func(ctx context.Context) (any, error) { return e.auth.RemindRenewals(ctx) }})
	srv, err := New(Options{Config: config.Default(), Library: e.lib, Auth: e.auth, Mail: e.sender, Jobs: r})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	admin, staff, member := withBearer(e.token(t, adminEmail)), withBearer(e.token(t, staffEmail)), withBearer(e.token(t, memberEmail))
	w := e.jsonAs(t, staff, "GET", "/api/v1/jobs", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"name":"renewal-reminders"`) || !strings.Contains(w.Body.String(), `"last_run":null`) {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	if w := e.jsonAs(t, member, "GET", "/api/v1/jobs", ""); w.Code != http.StatusForbidden {
		t.Fatalf("member lists jobs: %d", w.Code)
	}
	if w := e.jsonAs(t, staff, "POST", "/api/v1/jobs/renewal-reminders", ""); w.Code != http.StatusForbidden {
		t.Fatalf("staff runs a job: %d", w.Code)
	}
	w = e.jsonAs(t, admin, "POST", "/api/v1/jobs/renewal-reminders", "")
	var sum map[string]any
	json.Unmarshal(w.Body.Bytes(), &sum)
	if w.Code != 200 || sum["job"] != "renewal-reminders" || sum["emails"] != 1.0 || sum["members"] == nil || sum["skipped"] == nil {
		t.Fatalf("run: %d %s", w.Code, w.Body)
	}
	// Run again: each reminder goes once.
	w = e.jsonAs(t, admin, "POST", "/api/v1/jobs/renewal-reminders", "")
	if !strings.Contains(w.Body.String(), `"emails":0`) {
		t.Fatalf("second run: %s", w.Body)
	}
	if w := e.jsonAs(t, admin, "POST", "/api/v1/jobs/nope", ""); w.Code != http.StatusNotFound {
		t.Fatalf("unknown job: %d", w.Code)
	}
	if w := e.jsonAs(t, staff, "GET", "/api/v1/jobs", ""); strings.Contains(w.Body.String(), `"last_run":null`) {
		t.Fatalf("last run not recorded: %s", w.Body)
	}
	// A session needs its CSRF token.
	sess := e.session(t, adminEmail)
	if w := e.jsonAs(t, withSession(sess), "POST", "/api/v1/jobs/renewal-reminders", ""); w.Code != http.StatusForbidden {
		t.Fatalf("session without CSRF: %d", w.Code)
	}
}
