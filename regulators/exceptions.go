package regulators

import (
	"fmt"
	"slices"
)

// Ids of the statutory exceptions that apply only once a documented
// determination is recorded on the incident ("determinations").
const (
	// ExceptionFLNoHarm is Fla. Stat. § 501.171(4)(c): after an appropriate
	// investigation and consultation with law enforcement, a written
	// determination that the breach has not and will not likely result in
	// identity theft or any other financial harm.
	ExceptionFLNoHarm = "no_financial_harm"
	// ExceptionHIPAALowProbability is 45 CFR § 164.402(2): a documented
	// four-factor risk assessment showing a low probability that the PHI has
	// been compromised.
	ExceptionHIPAALowProbability = "low_probability_of_compromise"
	// ExceptionNYInadvertent is N.Y. Gen. Bus. Law § 899-aa(2)(a): a
	// written determination that an inadvertent disclosure by authorised
	// persons will not likely result in misuse or harm.
	ExceptionNYInadvertent = "inadvertent_disclosure"
)

// Exceptions maps each jurisdiction id to the ids of its exceptions that
// need a documented determination; assess rejects a determination naming
// any other.
var Exceptions = map[string][]string{
	usFLID:    {ExceptionFLNoHarm},
	usHIPAAID: {ExceptionHIPAALowProbability},
	usNYID:    {ExceptionNYInadvertent},
}

// KnownException reports whether exception is one of jurisdiction's.
func KnownException(jurisdiction, exception string) bool {
	return slices.Contains(Exceptions[jurisdiction], exception)
}

// documented applies an exception that needs a documented determination:
// it reports whether the determination is recorded on the incident, and
// records the reason and the counsel point either way. what describes the
// exception; cite is its citation.
func documented(b *builder, f Facts, exception, what, cite string) bool {
	_, ok := documentedAt(b, f, exception, what, cite)
	return ok
}

// documentedAt is documented returning the determination, whose time starts
// the duties that run from it.
func documentedAt(b *builder, f Facts, exception, what, cite string) (Determination, bool) {
	d, ok := f.determination(b.o.Jurisdiction, exception)
	if !ok {
		b.judgment(fmt.Sprintf("%s may apply (%s), but it needs a documented determination that is not recorded on the incident: until one is (determinations: jurisdiction %q, exception %q, by, at, text), notice is due", what, cite, b.o.Jurisdiction, exception))
		b.because(fmt.Sprintf("The assessment's risk score suggests %s could apply, but the law requires a documented determination, and none is recorded on the incident: until it is, notice is given as if the exception did not apply.", what), cite)
		return d, false
	}
	b.judgment(fmt.Sprintf("%s rests on the determination recorded by %s at %s; counsel confirms it meets %s", what, d.By, d.At.UTC().Format("2006-01-02 15:04 MST"), cite))
	b.because(fmt.Sprintf("The determination that %s applies was recorded by %s at %s: %q.", what, d.By, d.At.UTC().Format("2006-01-02 15:04 MST"), d.Text), cite)
	return d, true
}
