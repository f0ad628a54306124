// Package announce is the public (substitute) notice of an incident: the
// announcement that tells everyone what the individual notices tell one
// person, for when telling people one by one is impractical or the law asks
// for it.
//
// An announcement is a list of versions per incident — publish, update,
// correction, withdrawal — each kept with its time and approver; a
// withdrawal leaves a tombstone. The content of a version is built from the
// incident and its assessment through the same gate and templates as the
// notices (Builder), frozen in every supported language, so the page says
// what the notices say. The package also writes the Atom feed, the press
// text (Markdown and plain text) and a static export of the site, and holds
// the keyed lookups of the "is this notice genuine?" and "am I affected?"
// indexes (lookup.go). The pages themselves are rendered by a Renderer
// (web/public implements it).
package announce

import (
	"fmt"
	"time"

	"github.com/breach-notify/breach/fault"
)

// Kind is what a version does to the announcement.
type Kind string

// Kinds of version. The first version is always KindPublish; a withdrawn
// announcement can be published again.
const (
	KindPublish    Kind = "publish"
	KindUpdate     Kind = "update"
	KindCorrection Kind = "correction"
	KindWithdrawal Kind = "withdrawal"
)

// Kinds lists every Kind.
var Kinds = []Kind{KindPublish, KindUpdate, KindCorrection, KindWithdrawal}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// ErrNotFound is returned (wrapped) when an incident has no announcement.
var ErrNotFound = fault.New(fault.NotFound, "no announcement")

// ErrConflict is returned (wrapped) when a version contradicts the
// announcement's history: an update of a withdrawn announcement, a second
// first publication, or a version number taken by a concurrent publisher.
var ErrConflict = fault.New(fault.Conflict, "announcement conflict")

// ErrInvalid is returned (wrapped) for a request that cannot be accepted:
// an unknown kind, no approver, a correction or withdrawal without a note.
var ErrInvalid = fault.New(fault.Invalid, "invalid announcement request")

// Version is one published version of an incident's announcement.
type Version struct {
	IncidentID string `json:"incident"`
	// Version counts from 1.
	Version     int       `json:"version"`
	Kind        Kind      `json:"kind"`
	PublishedAt time.Time `json:"published_at"`
	// Approver is who approved the version; it is kept for the record and
	// not shown on the public page.
	Approver string `json:"approver"`
	// Note says what changed (update, correction) or why the announcement
	// was withdrawn; it is shown on the page.
	Note string `json:"note,omitempty"`
	// Content is what the version publishes; nil for a withdrawal.
	Content *Content `json:"content,omitempty"`
}

// Content is the frozen text of one version in every language.
type Content struct {
	Reference string `json:"reference"`
	// Title is the incident's title as the organisation wrote it.
	Title string `json:"title"`
	Org   Org    `json:"org"`
	// DiscoveredAt is when the organisation became aware of the incident.
	DiscoveredAt time.Time `json:"discovered_at"`
	// Jurisdictions are where affected people live, from the assessment.
	Jurisdictions []string `json:"jurisdictions,omitempty"`
	// Texts holds one text per language and variant.
	Texts []Text `json:"texts"`
}

// Org is the organisation that publishes the announcement.
type Org struct {
	Name         string `json:"name"`
	Website      string `json:"website,omitempty"`
	ContactName  string `json:"contact_name,omitempty"`
	ContactEmail string `json:"contact_email,omitempty"`
	ContactPhone string `json:"contact_phone,omitempty"`
}

// Variants of a Text: the general one, and the one with the statutory
// headings of California law for readers there.
const (
	VariantGeneral    = ""
	VariantCalifornia = "US-CA"
)

// Text is the announcement in one language and variant: sections with a
// heading and blocks, in reading order.
type Text struct {
	Locale   string    `json:"locale"`
	Variant  string    `json:"variant,omitempty"`
	Sections []Section `json:"sections"`
}

// Section is one heading and what follows it.
type Section struct {
	Heading string  `json:"heading"`
	Blocks  []Block `json:"blocks"`
}

// Block is a paragraph (Text) or a list (Items). Pre keeps the line breaks
// of Text (postal addresses of credit bureaus, say).
type Block struct {
	Text  string   `json:"text,omitempty"`
	Items []string `json:"items,omitempty"`
	Pre   bool     `json:"pre,omitempty"`
}

// Locales returns the languages of c, in the order they were built.
func (c *Content) Locales() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range c.Texts {
		if !seen[t.Locale] {
			seen[t.Locale] = true
			out = append(out, t.Locale)
		}
	}
	return out
}

// HasVariant reports whether c has texts of variant.
func (c *Content) HasVariant(variant string) bool {
	for _, t := range c.Texts {
		if t.Variant == variant {
			return true
		}
	}
	return false
}

// Text returns the text of locale and variant, falling back to the general
// variant and then to the first text; nil when c has none.
func (c *Content) Text(locale, variant string) *Text {
	var general, first *Text
	for i := range c.Texts {
		t := &c.Texts[i]
		if first == nil {
			first = t
		}
		if t.Locale != locale {
			continue
		}
		if t.Variant == variant {
			return t
		}
		if t.Variant == VariantGeneral {
			general = t
		}
	}
	if general != nil {
		return general
	}
	return first
}

// Notice is the announcement of one incident as the site shows it: every
// version, oldest first.
type Notice struct {
	IncidentID string
	Versions   []Version
}

// Latest returns the newest version.
func (n *Notice) Latest() Version { return n.Versions[len(n.Versions)-1] }

// Withdrawn reports whether the newest version withdrew the announcement.
func (n *Notice) Withdrawn() bool {
	return len(n.Versions) > 0 && n.Latest().Kind == KindWithdrawal
}

// Content returns the content of the newest version that has one (for a
// withdrawn announcement, what was withdrawn), or nil.
func (n *Notice) Content() *Content {
	for i := len(n.Versions) - 1; i >= 0; i-- {
		if c := n.Versions[i].Content; c != nil {
			return c
		}
	}
	return nil
}

// FirstPublished is when the announcement was first published.
func (n *Notice) FirstPublished() time.Time { return n.Versions[0].PublishedAt }

// check validates a version before it is stored.
func (v *Version) check() error {
	switch {
	case v.IncidentID == "":
		return fmt.Errorf("announcement: no incident id: %w", ErrInvalid)
	case v.Version < 1:
		return fmt.Errorf("announcement %s: version %d is below 1: %w", v.IncidentID, v.Version, ErrInvalid)
	case !v.Kind.Valid():
		return fmt.Errorf("announcement %s: kind %q is not one of publish, update, correction, withdrawal: %w", v.IncidentID, v.Kind, ErrInvalid)
	case v.Kind != KindWithdrawal && v.Content == nil:
		return fmt.Errorf("announcement %s: a %s needs content: %w", v.IncidentID, v.Kind, ErrInvalid)
	}
	return nil
}
