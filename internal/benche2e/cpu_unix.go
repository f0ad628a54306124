//go:build unix

package benche2e

import (
	"syscall"
	"time"
)

// processCPU returns the processor time this process has used so far,
// user and system, all threads.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
