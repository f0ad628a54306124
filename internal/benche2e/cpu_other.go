//go:build !unix

package benche2e

import "time"

// processCPU returns zero where the process's processor time is not read
// (Rate.CPU then says nothing).
func processCPU() time.Duration { return 0 }
