package fault_test

import (
	"errors"
	"fmt"

	"github.com/breach-notify/breach/fault"
)

// ErrNoIncident is how a domain package declares a sentinel.
var ErrNoIncident = fault.New(fault.NotFound, "no such incident")

func Example() {
	// A store wraps its sentinel with context; a handler returns it as it is.
	err := fmt.Errorf("get INC-7: %w", ErrNoIncident)
	fmt.Println(errors.Is(err, ErrNoIncident), fault.CodeOf(err), fault.MessageOf(err))

	// A failure with its own wording, quoting the sentinel it stands for.
	err = fault.Errorf(fault.NotFound, "incident %s: %w", "INC-7", ErrNoIncident)
	fmt.Println(errors.Is(err, ErrNoIncident), fault.CodeOf(err), fault.MessageOf(err))

	// A driver's error: logged with the message, never shown.
	err = fault.Wrap(errors.New("dial tcp 10.0.0.5:5432: connection refused"), fault.Unavailable, "the store is unavailable; retry later")
	fmt.Println(fault.CodeOf(err), fault.MessageOf(err))
	fmt.Println(err)

	// An error without a code is internal, and says nothing of itself.
	err = errors.New("nil map write")
	fmt.Println(fault.CodeOf(err), fault.MessageOf(err))
	// Output:
	// true not_found no such incident
	// true not_found incident INC-7: no such incident
	// unavailable the store is unavailable; retry later
	// the store is unavailable; retry later: dial tcp 10.0.0.5:5432: connection refused
	// internal internal error
}
