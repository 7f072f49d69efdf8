package mail

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/mail/mailtest"
)

// BenchmarkSendLoopback drains b.N queued messages (text and HTML parts,
// List-Unsubscribe headers) through the outbox to a real SMTP server on
// loopback, one connection, no rate limit: each message is claimed,
// sent and marked sent in its own commits, as in serve.
//
//	go test ./internal/mail -run '^$' -bench SendLoopback -benchtime 2000x
func BenchmarkSendLoopback(b *testing.B) {
	st := openStore(b)
	ts := mailtest.Start(b, mailtest.Options{})
	srv, err := ParseURL("smtp://" + ts.Addr)
	if err != nil {
		b.Fatal(err)
	}
	ms := make([]*catalog.OutMail, b.N)
	for i := range ms {
		ms[i] = &catalog.OutMail{Kind: "digest", To: fmt.Sprintf("m%d@example.org", i), Subject: "New in the library",
			Text: "Three new reports match your alerts.\n", HTML: "<p>Three new reports match your alerts.</p>",
			MessageID: NewMessageID(from), Headers: map[string]string{
				"List-Unsubscribe":      "<http://127.0.0.1:8080/unsubscribe/abc>",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	}
	if err := st.QueueMail(context.Background(), time.Now(), ms...); err != nil {
		b.Fatal(err)
	}
	s := NewSender(st, SenderOptions{Server: srv, From: from})
	b.ResetTimer()
	start := time.Now()
	sum, err := s.Drain(context.Background())
	if err != nil || sum.Sent != b.N {
		b.Fatalf("%+v %v", sum, err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
