package crawl

import (
	"context"

	"safelib/internal/catalog"
)

// State is the crawl state crawl owns: its runs, their failures and what
// it remembers per URL. The store implements it (cmd passes *store.Store);
// it carries no resource text, so crawl never reads or writes resources
// except through the library.
type State interface {
	StartCrawlRun(ctx context.Context, source string) (*catalog.CrawlRun, error)
	FinishCrawlRun(ctx context.Context, r *catalog.CrawlRun) error
	// CloseStaleCrawlRuns marks runs a crash left open as finished.
	CloseStaleCrawlRuns(ctx context.Context) (int, error)
	LastCrawlRun(ctx context.Context, source string) (*catalog.CrawlRun, error)
	AddCrawlFailures(ctx context.Context, fs []catalog.CrawlFailure) error
	URLStates(ctx context.Context, source string, limit int) ([]*catalog.URLState, error)
	SaveURLStates(ctx context.Context, states []*catalog.URLState) error
}
