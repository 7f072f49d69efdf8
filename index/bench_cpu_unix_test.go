//go:build unix

package index

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user+system) this process has used. The
// benchmarks report it next to wall time because the shared machine they
// run on is often busy with other work.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
