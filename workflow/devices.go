package workflow

import (
	"context"
	"fmt"

	"github.com/breach-notify/breach/notify"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/store"
)

// goneDevices is the set of push devices a push service reported gone
// (store.Devices), read once per campaign step: the people a campaign,
// follow-up, re-send or preview yields carry none of them, so no push is
// planned to a device that can never receive it. Replicas share the
// store, so every replica skips the same devices. A nil *goneDevices
// skips nothing.
type goneDevices struct {
	digests *pushmsg.Digester
	set     map[string]bool // platform + "/" + digest
	// skipped counts the devices removed from the people yielded.
	skipped int
}

// loadGoneDevices reads the gone devices of st; with no secret (no
// notice key) nothing can be matched and nothing is skipped.
func loadGoneDevices(ctx context.Context, st store.Devices, secret []byte) (*goneDevices, error) {
	if st == nil || len(secret) == 0 {
		return nil, nil
	}
	rows, err := st.GoneDevices(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the gone push devices: %w", err)
	}
	g := &goneDevices{digests: pushmsg.NewDigester(secret), set: make(map[string]bool, len(rows))}
	for _, d := range rows {
		g.set[d.Platform+"/"+d.Digest] = true
	}
	return g, nil
}

// filter removes from r's devices those recorded gone and counts them.
func (g *goneDevices) filter(r *notify.Recipient) {
	if g == nil || len(g.set) == 0 || len(r.Devices) == 0 {
		return
	}
	kept := r.Devices[:0]
	for _, d := range r.Devices {
		// The planner addresses a push as "<platform>:<token>"; the
		// push channel reports it gone under the same address.
		dev, err := pushmsg.Parse(d.Platform + ":" + d.Token)
		if err == nil && g.set[dev.Platform+"/"+g.digests.Digest(dev)] {
			g.skipped++
			continue
		}
		kept = append(kept, d)
	}
	r.Devices = kept
}

// Skipped is how many devices the filter removed (0 for nil).
func (g *goneDevices) Skipped() int {
	if g == nil {
		return 0
	}
	return g.skipped
}
