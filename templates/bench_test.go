package templates

import (
	"strconv"
	"testing"
	"time"

	"github.com/breach-notify/breach/notify/verify"
)

// people returns n recipients of one campaign: different names, child
// names, postal addresses, locales and verification codes, as the campaign
// planner produces them for the affected people of one incident.
func people(n int) []Notice {
	first := []string{"Jane", "Amélie", "Jürgen", "María José", "Wei", "Oluwaseun", "Siobhán", "Grégoire",
		"Zoë", "Mohammed", "Anna-Lena", "李", "Carlos", "Ingrid", "Thandiwe", "Łukasz"}
	last := []string{"Doe", "Müller-Lüdenscheidt", "García Márquez", "O'Neill", "张伟", "van der Berg",
		"Nakamura", "Okonkwo", "Dubois", "Fernández", "Smith", "Kowalczyk", "Larsen", "Nguyen"}
	streets := []string{"Harbour Road", "Hauptstraße", "Rue de la Paix", "Calle Mayor", "长安街", "Elm Street"}
	secret := []byte("benchmark-secret-0123456789abcdef")
	base := fixture()
	out := make([]Notice, n)
	for i := range out {
		p := base
		p.Locale = Locales[i%len(Locales)]
		p.Recipient = Recipient{
			Name:      first[i%len(first)] + " " + last[(i/len(first))%len(last)],
			ChildName: first[(i+3)%len(first)] + " " + last[(i/len(first))%len(last)],
			PostalAddress: strconv.Itoa(1+i%200) + " " + streets[i%len(streets)] + "\nFlat " + strconv.Itoa(i%40) +
				"\n" + strconv.Itoa(10000+i%89999) + " Springfield\nExampleland",
		}
		if i%7 == 0 {
			p.Recipient.Name = "" // no name known: neutral greeting
		}
		p.VerificationCode = verify.Code(secret, verify.Key(p.Incident.Reference, "subject-"+strconv.Itoa(i), "email", 1))
		// The planner stamps each notice with the time it was composed.
		p.Date = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 37 * time.Millisecond)
		out[i] = p
	}
	return out
}

// BenchmarkRender renders the notices of one incident to many different
// people, one channel per sub-benchmark.
func BenchmarkRender(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ps := people(4096)
	for _, ch := range Channels {
		b.Run(ch, func(b *testing.B) { benchRender(b, s.Render, ch, ps) })
	}
}

// benchRender renders ps in turn on channel ch with render (the set's
// Render or Fingerprint).
func benchRender(b *testing.B, render func(string, Notice) (Rendered, error), ch string, ps []Notice) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := render(ch, ps[i%len(ps)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRenderParallel renders one incident's email notices from all
// cores at once, as the campaign's workers do.
func BenchmarkRenderParallel(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ps := people(4096)
	for _, ch := range []string{ChannelEmail, ChannelSMS} {
		b.Run(ch, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := s.Render(ch, ps[i%len(ps)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}

// BenchmarkRenderFull renders without the cache: the cost of the first
// notice of each incident, locale, channel and variant, and of every
// notice the cache cannot reproduce.
func BenchmarkRenderFull(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ps := people(4096)
	for _, ch := range Channels {
		b.Run(ch, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.renderFull(ch, ps[i%len(ps)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkFingerprint is BenchmarkRender/email for a caller that keeps
// only the template version and content hash (the campaign planner).
func BenchmarkFingerprint(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchRender(b, s.Fingerprint, ChannelEmail, people(4096))
}
