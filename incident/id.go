package incident

import (
	"crypto/rand"
	"time"

	"github.com/oklog/ulid/v2"
)

// NewID returns a fresh, time-sortable incident id such as
// "INC-01JD3W4Q7XK4N8S8R6Y2ZC9T1M".
func NewID(now time.Time) string {
	return "INC-" + ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()
}
