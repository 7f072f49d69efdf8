package main

import (
	"os"
	"runtime/pprof"
	"slices"
	"time"
)

// onePass runs fn for each of n queries once, in order, and returns the
// time of each, in that order.
func onePass(n int, fn func(i int) error) ([]time.Duration, error) {
	took := make([]time.Duration, n)
	for i := range took {
		t := time.Now()
		if err := fn(i); err != nil {
			return nil, err
		}
		took[i] = time.Since(t)
	}
	return took, nil
}

// summary is took sorted (for percentiles) and its mean.
func summary(took []time.Duration) floorResult {
	r := floorResult{seq: slices.Sorted(slices.Values(took))}
	for _, x := range took {
		r.mean += x
	}
	if len(took) > 0 {
		r.mean /= time.Duration(len(took))
	}
	return r
}

// profileCPU starts a CPU profile written to path (none when path is
// empty); stop ends it.
func profileCPU(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
