package notify

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrStranded means the channel policy would leave people unreachable
// who have a usable contact on a channel without a provider.
var ErrStranded = errors.New("people with a usable contact would be unreachable for lack of a provider")

// ErrUntranslated means more people than allowed would get the incident's
// text in a language other than theirs.
var ErrUntranslated = errors.New("too many people would get the incident's text untranslated")

// Preview is what a campaign would do under a policy, computed before it
// is approved: how many people each channel, locale and jurisdiction has,
// who is unreachable, and who would be unreachable only because a channel
// they have an address on has no provider.
type Preview struct {
	People int `json:"people"`
	// ByChannel counts the primary legal-notice routes by channel.
	ByChannel map[Channel]int `json:"by_channel"`
	// ByLocale counts people by locale ("" when the directory has none).
	ByLocale map[string]int `json:"by_locale"`
	// ByJurisdiction counts people by jurisdiction.
	ByJurisdiction map[string]int `json:"by_jurisdiction"`
	// Unreachable counts the people with no legal-notice route.
	Unreachable int `json:"unreachable"`
	// Stranded counts the unreachable people who have an address on a
	// channel of the policy that has no provider (Policy.Disabled).
	Stranded int `json:"stranded"`
	// StrandedBy counts, per channel without a provider, the stranded
	// people with an address on it.
	StrandedBy map[Channel]int `json:"stranded_by,omitempty"`
	// NoProvider lists the policy's legal-notice channels without a
	// provider, in policy order.
	NoProvider []Channel `json:"no_provider,omitempty"`
	// Untranslated counts, per locale, the people whose notice would
	// carry the incident's own text in a language other than theirs.
	Untranslated map[string]int `json:"untranslated,omitempty"`
	// PushDevicesGone counts the push devices of these people that are
	// skipped because a push service reported them gone in an earlier
	// campaign (filled by the campaign's people source, not by Policy.Preview).
	PushDevicesGone int `json:"push_devices_gone,omitempty"`
}

// PreviewOptions are what a preview needs beyond the policy.
type PreviewOptions struct {
	// HighRisk adds SMS alongside e-mail for everyone (Campaign.HighRisk).
	HighRisk bool
	// Translated reports whether the incident's text is available in a
	// locale (its own language or a translation). Nil: every locale is.
	Translated func(locale string) bool
}

// Preview counts what the policy would plan for everyone people yields,
// without planning anything.
func (p Policy) Preview(opts PreviewOptions, people People) (Preview, error) {
	pv := Preview{ByChannel: map[Channel]int{}, ByLocale: map[string]int{}, ByJurisdiction: map[string]int{},
		StrandedBy: map[Channel]int{}, Untranslated: map[string]int{}}
	for _, c := range p.Order {
		if !p.enabled(c) {
			pv.NoProvider = append(pv.NoProvider, c)
		}
	}
	err := people(func(r *Recipient) error {
		pv.People++
		pv.ByLocale[r.Locale]++
		pv.ByJurisdiction[r.Jurisdiction]++
		if opts.Translated != nil && !opts.Translated(r.Locale) {
			pv.Untranslated[r.Locale]++
		}
		plan := p.Plan(r, opts.HighRisk || r.HighRisk)
		for _, route := range plan.Primary {
			pv.ByChannel[route.Channel]++
		}
		if plan.Reachable() {
			return nil
		}
		pv.Unreachable++
		guardian := r.Minor && (r.GuardianEmail != "" || r.GuardianPhone != "")
		stranded := false
		for _, c := range pv.NoProvider {
			if address(r, c, guardian) != "" {
				pv.StrandedBy[c]++
				stranded = true
			}
		}
		if stranded {
			pv.Stranded++
		}
		return nil
	})
	if err != nil {
		return pv, fmt.Errorf("preview campaign: %w", err)
	}
	return pv, nil
}

// Refusal returns why a campaign with this preview must not be approved,
// or nil: people stranded for lack of a provider (ErrStranded, naming the
// channels and how many people each would reach), or more people than
// maxUntranslated getting the incident's text in another language
// (ErrUntranslated, naming the locales); maxUntranslated < 0 allows any
// number.
func (pv Preview) Refusal(maxUntranslated int) error {
	var errs []error
	if pv.Stranded > 0 {
		parts := make([]string, 0, len(pv.StrandedBy))
		for _, c := range pv.NoProvider {
			if n := pv.StrandedBy[c]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s (%d with an address there)", c, n))
			}
		}
		errs = append(errs, fmt.Errorf("%w: %d people; no provider for %s: configure the channel's provider, or set campaign.outbox_fallback: true to keep it in the outbox",
			ErrStranded, pv.Stranded, strings.Join(parts, ", ")))
	}
	if n := pv.untranslated(); maxUntranslated >= 0 && n > maxUntranslated {
		parts := make([]string, 0, len(pv.Untranslated))
		for _, loc := range slices.Sorted(maps.Keys(pv.Untranslated)) {
			name := loc
			if name == "" {
				name = "(no locale)"
			}
			parts = append(parts, fmt.Sprintf("%s: %d", name, pv.Untranslated[loc]))
		}
		errs = append(errs, fmt.Errorf("%w: %d people, more than campaign.max_untranslated (%d); add the incident's translations for %s",
			ErrUntranslated, n, maxUntranslated, strings.Join(parts, ", ")))
	}
	return errors.Join(errs...)
}

func (pv Preview) untranslated() int {
	n := 0
	for _, k := range pv.Untranslated {
		n += k
	}
	return n
}
