package store

import (
	"context"
	"strings"
	"testing"
)

// TestQueriesOverEveryRowUseCoveringIndexes guards the start-up check and
// the dashboard counts and the loading of a search's hits: reading status
// (or any column stored after body) from the table itself walks every long
// body.
func TestQueriesOverEveryRowUseCoveringIndexes(t *testing.T) {
	s := openTestStore(t)
	for _, q := range []string{
		`SELECT id FROM resources WHERE status = 'active' ORDER BY id`,
		`SELECT status, count(*) FROM resources GROUP BY status`,
		`SELECT source, type, status, count(*) FROM resources GROUP BY source, type, status ORDER BY source, type, status`,
		// a search's hits, loaded without their bodies (Resources)
		`SELECT ` + resourceCols + ` FROM ` + resourcesFrom(false) + ` WHERE id IN ('a', 'b')`,
	} {
		rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "COVERING INDEX") {
			t.Errorf("%s\nplan: %s (want a covering index)", q, p)
		}
	}
}
