package store

import (
	"context"
	"testing"
	"time"

	"safelib/internal/catalog"
)

func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i, e := range []*catalog.AuditEntry{
		{Actor: "ann@example.org", ActorID: 1, Action: "login", IP: "192.0.2.1"},
		{Actor: "", Action: "login.failed", Target: "bob@example.org", Details: map[string]string{"reason": "password"}},
		{Actor: "system", Action: "user.role", Target: "bob@example.org", Details: map[string]string{"from": "member", "to": "staff"}},
		{Actor: "ann@example.org", Action: "user.expires", Target: "cat@example.org"},
	} {
		e.At = t0.Add(time.Duration(i) * time.Minute)
		if err := s.AddAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.ListAudit(ctx, catalog.AuditFilter{})
	if err != nil || len(all) != 4 || all[0].Action != "user.expires" || !all[3].At.Equal(t0) || all[3].IP != "192.0.2.1" {
		t.Fatalf("%v %v", all, err)
	}
	if all[1].Details["to"] != "staff" {
		t.Fatalf("details %v", all[1].Details)
	}
	cases := []struct {
		f    catalog.AuditFilter
		want int
	}{
		{catalog.AuditFilter{Action: "user."}, 2},
		{catalog.AuditFilter{Action: "login"}, 1},
		{catalog.AuditFilter{Actor: "ANN@example.org"}, 2},
		{catalog.AuditFilter{Target: "bob@example.org"}, 2},
		{catalog.AuditFilter{Before: all[1].ID}, 2},
		{catalog.AuditFilter{Limit: 1}, 1},
	}
	for _, c := range cases {
		got, err := s.ListAudit(ctx, c.f)
		if err != nil || len(got) != c.want {
			t.Errorf("%+v: got %d (%v), want %d", c.f, len(got), err, c.want)
		}
	}
}
