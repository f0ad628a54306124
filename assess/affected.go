package assess

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
	"github.com/breach-notify/breach/regulators"
)

// AffectedPerson is one affected person as EachAffected reports them. The
// value, its embedded Subject and its slices are reused for the next person:
// copy what you keep beyond the callback.
type AffectedPerson struct {
	// Subject is the directory row: id, name, contacts, locale, minor,
	// guardian contacts, postal address, devices.
	*inventory.Subject
	// Jurisdiction is the person's jurisdiction id (docs/inventory.md), e.g. "EU-GDPR".
	Jurisdiction string
	// Categories are the exposed category ids, sorted.
	Categories []string
	// Systems are the affected systems the person is in, in directory order.
	Systems []string
	// Unintelligible is true when everything exposed about the person was
	// encrypted (or hashed) and the key was not compromised.
	Unintelligible bool
	// HIPAA is true when the organisation is a HIPAA covered entity (or
	// business associate) and a system holding the person's protected
	// health information was affected: the US-HIPAA obligation covers them
	// in addition to their own jurisdiction's (Jurisdiction is never
	// "US-HIPAA"), so a campaign for US-HIPAA must include them.
	HIPAA bool
	// Also lists the other jurisdictions whose law covers the person
	// because of where the organisation is established or where the
	// affected systems process data (a Californian customer of a German
	// shop is under the GDPR too), sorted; a campaign for one of them
	// must include the person.
	Also []string
}

// EachAffected streams the inventory's subject directory once and calls fn
// for every person the incident affects. It holds no more than one person
// in memory (plus the subject filters of the incident). Bad directory rows
// are skipped; an error from fn stops the walk and is returned as is.
func EachAffected(ctx context.Context, inv *inventory.Inventory, in *incident.Incident, fn func(*AffectedPerson) error) error {
	m, err := newMatcher(inv, in)
	if err != nil {
		return err
	}
	_, err = m.scan(ctx, fn)
	return err
}

// catSet is a bit set over the categories of one matcher.
type catSet []uint64

func (s catSet) or(o catSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s catSet) clear() {
	for i := range s {
		s[i] = 0
	}
}

func (s catSet) has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

func (s catSet) set(i int) { s[i>>6] |= 1 << (uint(i) & 63) }

func (s catSet) intersects(o catSet) bool {
	for i := range s {
		if s[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

func (s catSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// each calls fn with the index of every member, in increasing order.
func (s catSet) each(fn func(int)) {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			fn(wi<<6 | b)
			w &= w - 1
		}
	}
}

// entry is one prepared incident.affected[i].
type entry struct {
	index          int
	system         int // index into matcher.systems
	cats           catSet
	subjects       map[string]int32 // nil: everyone in the system
	found          []bool           // per listed subject: seen in the directory
	unintelligible bool
	encrypted      bool
	keyCompromised bool
	people         int
}

// affectedSystem is one system named by the incident.
type affectedSystem struct {
	sys     *inventory.System
	entries []int
	seen    uint32 // row generation of the last visit
	people  int
	// phi says the system holds protected health information (HIPAA
	// covered entities and business associates); scopes has bit i set when
	// it processes data on the territory of matcher.scopes[i].
	phi    bool
	scopes uint64
}

// scopeLaw is a law that reaches affected people beyond its residents,
// because the organisation is established on its territory (everyone) or
// because affected systems process data there (their people).
type scopeLaw struct {
	id          string
	established []string
	processing  []string
}

// jurAgg aggregates the affected people of one jurisdiction.
type jurAgg struct {
	id             string
	subjects       int
	minors         int
	withoutContact int
	records        int64
	cats           catSet
	clearCats      catSet
	// nameElemClear and nameElemAny are set when one person's data held
	// the name category together with a US data element (the matcher's
	// identifying and usPI sets): in readable form, or in any form.
	nameElemClear  bool
	nameElemAny    bool
	unintelligible int // people whose exposed data was all unintelligible
	// states counts the people who live in a US State in the sense of
	// HIPAA (45 CFR § 160.103: the 50 states, DC and the territories), by
	// region code; nil while there are none.
	states map[string]int
	// members counts the people who live in an EU/EEA member state, by
	// member state; nil while there are none.
	members map[string]int
	// residents counts the people of the aggregate who live under its
	// jurisdiction (the rest came in through scope).
	residents int
	// phi counts the people whose protected health information was
	// exposed (HIPAA covered entities and business associates).
	phi int
}

// add counts one affected person of place pl into a: records person x
// system records, the per-row category sets of m, and the flags.
func (m *matcher) add(a *jurAgg, pl place, s *inventory.Subject, records int64, contact, unintelligible bool) {
	a.countState(pl.state)
	if pl.member != "" {
		if a.members == nil {
			a.members = map[string]int{}
		}
		a.members[pl.member]++
	}
	a.subjects++
	if m.rowPHI {
		a.phi++
	}
	if pl.agg == a || pl.prov == a {
		a.residents++
	}
	a.records += records
	if s.Minor {
		a.minors++
	}
	if !contact {
		a.withoutContact++
	}
	if unintelligible {
		a.unintelligible++
	}
	a.cats.or(m.all)
	a.clearCats.or(m.clear)
	if m.all.intersects(m.identifying) && m.all.intersects(m.usPI) {
		a.nameElemAny = true
	}
	if m.clear.intersects(m.identifying) && m.clear.intersects(m.usPI) {
		a.nameElemClear = true
	}
}

// merge adds the counts of o (people not in a) into a copy of a; a may be
// nil.
func (m *matcher) merge(id string, a, o *jurAgg) *jurAgg {
	out := m.newAgg(id)
	for _, x := range []*jurAgg{a, o} {
		if x == nil {
			continue
		}
		out.subjects += x.subjects
		out.residents += x.residents
		out.minors += x.minors
		out.withoutContact += x.withoutContact
		out.records += x.records
		out.unintelligible += x.unintelligible
		out.phi += x.phi
		out.cats.or(x.cats)
		out.clearCats.or(x.clearCats)
		out.nameElemAny = out.nameElemAny || x.nameElemAny
		out.nameElemClear = out.nameElemClear || x.nameElemClear
		for k, v := range x.states {
			if out.states == nil {
				out.states = map[string]int{}
			}
			out.states[k] += v
		}
		for k, v := range x.members {
			if out.members == nil {
				out.members = map[string]int{}
			}
			out.members[k] += v
		}
	}
	return out
}

// countState adds one person of state st (no-op when st is empty).
func (a *jurAgg) countState(st string) {
	if st == "" {
		return
	}
	if a.states == nil {
		a.states = map[string]int{}
	}
	a.states[st]++
}

func (m *matcher) newAgg(id string) *jurAgg {
	return &jurAgg{id: id, cats: make(catSet, m.words), clearCats: make(catSet, m.words)}
}

// scanResult is what one walk over the directory found.
type scanResult struct {
	total          int
	minors         int
	withoutContact int
	unintelligible int
	records        int64
	rejectedRows   int
	rowErrors      []string
	warnedRows     int
	rowWarnings    []string
	cats           catSet
	clearCats      catSet
	byJur          map[string]*jurAgg
	hipaa          *jurAgg // people whose PHI was exposed (covered entities and business associates only)
	// extra[i] counts the people matcher.scopes[i] covers who do not live
	// under it.
	extra []*jurAgg
	// prov counts the people of each provincial law (CA-QC, CA-AB).
	prov map[string]*jurAgg
}

// matcher holds everything prepared from the inventory and the incident
// that the per-row loop needs, so that the loop itself does not allocate.
type matcher struct {
	inv      *inventory.Inventory
	in       *incident.Incident
	cats     []inventory.Category // by index
	catIndex map[string]int
	words    int
	systems  []affectedSystem
	sysIndex map[string]int
	entries  []entry

	// identifying holds the "name" category (first name or initial and
	// last name) and usPI the US data elements other than online
	// credentials: a person's data holding both is the name-plus-element
	// of the US state statutes. Other identifiers (e-mail, phone, ID
	// numbers) are not a name; idents lists every identifying category for
	// links.
	identifying catSet
	usPI        catSet
	idents      []int
	// links records per jurisdiction id what each identifier was exposed
	// with (filled by AssessEach only).
	links map[string]*catLinks

	// opts are the caller's Options.
	opts Options

	// scopes are the laws that reach beyond their residents; allScopes has
	// bit i set when scopes[i] covers everyone (an establishment).
	scopes    []scopeLaw
	allScopes uint64

	// per-row scratch, reused
	rowPHI     bool
	gen        uint32
	all, clear catSet
	person     AffectedPerson

	jurCache map[string]map[string]place // country → region → place
}

// place is where a (country, region) pair counts: its jurisdiction's
// aggregate and, for people of a US State or territory, the State's code.
type place struct {
	agg   *jurAgg
	state string
	// member is the EU/EEA member state of an EU-GDPR resident.
	member string
	// prov is the aggregate of a provincial law that covers the person
	// beside the national one (Quebec, Alberta), or nil.
	prov *jurAgg
}

// newMatcher validates the incident's affected entries against the
// inventory and prepares the per-row lookups.
func newMatcher(inv *inventory.Inventory, in *incident.Incident) (*matcher, error) {
	if inv == nil {
		return nil, errors.New("assess: no inventory")
	}
	if in == nil {
		return nil, errors.New("assess: no incident")
	}
	m := &matcher{inv: inv, in: in, catIndex: map[string]int{}, sysIndex: map[string]int{}, jurCache: map[string]map[string]place{},
		links: map[string]*catLinks{}}
	addCat := func(field, id string) (int, error) {
		if i, ok := m.catIndex[id]; ok {
			return i, nil
		}
		c, ok := inv.Category(id)
		if !ok {
			return 0, &InputError{Field: field, Msg: fmt.Sprintf("category %q is not in the taxonomy or the inventory's categories", id)}
		}
		m.catIndex[id] = len(m.cats)
		m.cats = append(m.cats, c)
		return len(m.cats) - 1, nil
	}
	type pending struct {
		cats []int
	}
	pend := make([]pending, len(in.Affected))
	for i, a := range in.Affected {
		f := fmt.Sprintf("affected[%d]", i)
		sys, ok := inv.System(a.System)
		if !ok {
			return nil, &InputError{Field: f + ".system", Msg: fmt.Sprintf("%q is not a system of the inventory", a.System)}
		}
		si, ok := m.sysIndex[sys.ID]
		if !ok {
			si = len(m.systems)
			m.sysIndex[sys.ID] = si
			m.systems = append(m.systems, affectedSystem{sys: sys})
		}
		var ids []int
		if a.Categories == nil {
			for j, c := range sys.Categories {
				ci, err := addCat(fmt.Sprintf("inventory system %s categories[%d]", sys.ID, j), c)
				if err != nil {
					return nil, err
				}
				ids = append(ids, ci)
			}
		} else {
			for j, c := range a.Categories {
				field := fmt.Sprintf("%s.categories[%d]", f, j)
				if !slices.Contains(sys.Categories, c) {
					return nil, &InputError{Field: field, Msg: fmt.Sprintf("system %q does not hold category %q (it holds %s)", sys.ID, c, strings.Join(sys.Categories, ", "))}
				}
				ci, err := addCat(field, c)
				if err != nil {
					return nil, err
				}
				ids = append(ids, ci)
			}
		}
		pend[i] = pending{cats: ids}
		e := entry{index: i, system: si, encrypted: sys.EncryptedAtRest}
		if a.Encrypted != nil {
			e.encrypted = *a.Encrypted
		}
		if a.KeyCompromised != nil {
			e.keyCompromised = *a.KeyCompromised
		}
		e.unintelligible = e.encrypted && !e.keyCompromised
		if a.Subjects != nil {
			e.subjects = make(map[string]int32, len(a.Subjects))
			for _, s := range a.Subjects {
				if _, dup := e.subjects[s]; !dup {
					e.subjects[s] = int32(len(e.subjects))
				}
			}
			e.found = make([]bool, len(e.subjects))
		}
		m.systems[si].entries = append(m.systems[si].entries, len(m.entries))
		m.entries = append(m.entries, e)
	}
	m.words = (len(m.cats) + 63) / 64
	if m.words == 0 {
		m.words = 1
	}
	for i := range m.entries {
		m.entries[i].cats = make(catSet, m.words)
		for _, ci := range pend[i].cats {
			m.entries[i].cats.set(ci)
		}
	}
	m.identifying = make(catSet, m.words)
	m.usPI = make(catSet, m.words)
	for i, c := range m.cats {
		if c.ID == "name" {
			m.identifying.set(i)
		}
		if c.Identifying {
			m.idents = append(m.idents, i)
		}
		if c.USPersonalInfo && !c.Credentials {
			m.usPI.set(i)
		}
	}
	m.all = make(catSet, m.words)
	m.clear = make(catSet, m.words)
	for i := range m.systems {
		m.systems[i].phi = m.systems[i].sys.HoldsPHI(inv.Organization)
	}
	m.prepareScopes()
	for i, d := range in.Determinations {
		j := strings.ToUpper(strings.TrimSpace(d.Jurisdiction))
		if !regulators.KnownException(j, d.Exception) {
			known := regulators.Exceptions[j]
			msg := fmt.Sprintf("%q is not an exception of %s that needs a recorded determination", d.Exception, j)
			if len(known) > 0 {
				msg += " (known: " + strings.Join(known, ", ") + ")"
			} else {
				msg += " (none is known for it)"
			}
			return nil, &InputError{Field: fmt.Sprintf("determinations[%d].exception", i), Msg: msg}
		}
	}
	return m, nil
}

// prepareScopes finds the laws that reach affected people beyond their
// residents: by an establishment of the organisation on their territory
// (everyone), or because an affected system processes data there (that
// system's people).
func (m *matcher) prepareScopes() {
	ests := m.inv.Organization.AllEstablishments()
	for _, t := range regulators.Territories() {
		if len(m.scopes) == 64 {
			break
		}
		sl := scopeLaw{id: t.ID}
		for _, e := range ests {
			if t.Covers(e) {
				sl.established = append(sl.established, e)
			}
		}
		bit := uint64(1) << len(m.scopes)
		any := len(sl.established) > 0
		for i := range m.systems {
			for _, c := range m.systems[i].sys.ProcessingLocations {
				if t.Covers(c) {
					m.systems[i].scopes |= bit
					any = true
					if !slices.Contains(sl.processing, c) {
						sl.processing = append(sl.processing, c)
					}
				}
			}
		}
		if !any {
			continue
		}
		if len(sl.established) > 0 {
			m.allScopes |= bit
		}
		slices.Sort(sl.processing)
		m.scopes = append(m.scopes, sl)
	}
}

// catIDs returns the sorted ids of the members of s.
func (m *matcher) catIDs(s catSet, dst []string) []string {
	dst = dst[:0]
	s.each(func(i int) { dst = append(dst, m.cats[i].ID) })
	slices.Sort(dst)
	return dst
}

// categories returns the members of s, sorted by id.
func (m *matcher) categories(s catSet) []inventory.Category {
	var out []inventory.Category
	s.each(func(i int) { out = append(out, m.cats[i]) })
	slices.SortFunc(out, func(a, b inventory.Category) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// maxRowErrors bounds how many row errors an assessment quotes.
const maxRowErrors = 10

// scan walks the directory once, aggregating per jurisdiction and calling
// fn (when not nil) for each affected person.
func (m *matcher) scan(ctx context.Context, fn func(*AffectedPerson) error) (*scanResult, error) {
	dir, err := m.inv.Directory(ctx)
	if err != nil {
		return nil, &InputError{Field: "inventory.subjects", Msg: err.Error(), Err: err}
	}
	defer dir.Close()
	res := &scanResult{cats: make(catSet, m.words), clearCats: make(catSet, m.words), byJur: map[string]*jurAgg{}}
	if o := m.inv.Organization; o.HIPAACoveredEntity || o.HIPAABusinessAssociate {
		res.hipaa = m.newAgg(hipaaJurisdiction)
	}
	res.extra = make([]*jurAgg, len(m.scopes))
	for i, s := range m.scopes {
		res.extra[i] = m.newAgg(s.id)
	}
	for n := 0; ; n++ {
		if n&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s, err := dir.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *inventory.RowError
			if errors.As(err, &re) {
				res.rejectedRows++
				if len(res.rowErrors) < maxRowErrors {
					res.rowErrors = append(res.rowErrors, err.Error())
				}
				continue
			}
			return nil, fmt.Errorf("read subject directory: %w", err)
		}
		if err := m.row(s, res, fn); err != nil {
			return nil, err
		}
	}
	w := dir.Warnings()
	res.warnedRows = w.Rows
	for _, e := range w.First[:min(len(w.First), maxRowErrors)] {
		res.rowWarnings = append(res.rowWarnings, e.Error())
	}
	return res, nil
}

// row matches one directory row against the incident.
func (m *matcher) row(s *inventory.Subject, res *scanResult, fn func(*AffectedPerson) error) error {
	m.gen++
	if m.gen == 0 { // wrapped: reset every marker
		for i := range m.systems {
			m.systems[i].seen = 0
		}
		m.gen = 1
	}
	var records int64
	unintelligible, phi, scopes := true, false, m.allScopes
	m.person.Systems = m.person.Systems[:0]
	for _, sid := range s.Systems {
		si, ok := m.sysIndex[sid]
		if !ok {
			continue
		}
		as := &m.systems[si]
		if as.seen == m.gen {
			continue // listed twice
		}
		as.seen = m.gen
		hit := false
		for _, ei := range as.entries {
			e := &m.entries[ei]
			if e.subjects != nil {
				k, ok := e.subjects[s.ID]
				if !ok {
					continue
				}
				e.found[k] = true
			}
			if !hit {
				hit = true
				if records == 0 {
					m.all.clear()
					m.clear.clear()
				}
			}
			e.people++
			m.all.or(e.cats)
			if !e.unintelligible {
				m.clear.or(e.cats)
				unintelligible = false
			}
		}
		if hit {
			records++
			as.people++
			phi = phi || as.phi
			scopes |= as.scopes
			m.person.Systems = append(m.person.Systems, as.sys.ID)
		}
	}
	if records == 0 {
		return nil
	}
	pl := m.jurisdiction(s, res)
	agg := pl.agg
	contact := s.HasContact()
	res.total++
	res.records += records
	if s.Minor {
		res.minors++
	}
	if !contact {
		res.withoutContact++
	}
	if unintelligible {
		res.unintelligible++
	}
	res.cats.or(m.all)
	res.clearCats.or(m.clear)
	m.rowPHI = phi && res.hipaa != nil
	m.add(agg, pl, s, records, contact, unintelligible)
	hipaa := false
	if h := res.hipaa; h != nil && phi {
		hipaa = true
		m.add(h, pl, s, records, contact, unintelligible)
	}
	m.person.Also = m.person.Also[:0]
	if pl.prov != nil {
		m.add(pl.prov, pl, s, records, contact, unintelligible)
		m.person.Also = append(m.person.Also, pl.prov.id)
	}
	for i := 0; scopes != 0; i++ {
		if scopes&1 != 0 && m.scopes[i].id != agg.id {
			m.add(res.extra[i], pl, s, records, contact, unintelligible)
			m.person.Also = append(m.person.Also, m.scopes[i].id)
		}
		scopes >>= 1
	}
	if fn == nil {
		return nil
	}
	m.person.Subject = s
	m.person.Jurisdiction = agg.id
	m.person.Categories = m.catIDs(m.all, m.person.Categories)
	m.person.Unintelligible = unintelligible
	m.person.HIPAA = hipaa
	return fn(&m.person)
}

// catLinks records, for the people of one jurisdiction, the categories
// exposed in the same person's data as each identifying category: any[i]
// in any form, clear[i] in readable form (indexed by category; nil until
// category i is seen).
type catLinks struct {
	any, clear []catSet
}

// linkPerson records what the identifiers of the current person (the
// matcher's per-row sets) were exposed with, under their jurisdiction and,
// for HIPAA, under US-HIPAA too. It is called back for every affected
// person, after row has filled m.all and m.clear.
func (m *matcher) linkPerson(p *AffectedPerson) {
	if len(m.idents) == 0 {
		return
	}
	m.linksOf(p.Jurisdiction).add(m)
	if p.HIPAA {
		m.linksOf(hipaaJurisdiction).add(m)
	}
	for _, id := range p.Also {
		m.linksOf(id).add(m)
	}
}

func (m *matcher) linksOf(id string) *catLinks {
	l, ok := m.links[id]
	if !ok {
		l = &catLinks{any: make([]catSet, len(m.cats)), clear: make([]catSet, len(m.cats))}
		m.links[id] = l
	}
	return l
}

func (l *catLinks) add(m *matcher) {
	for _, i := range m.idents {
		if m.all.has(i) {
			l.any[i] = orInto(l.any[i], m.all, m.words)
		}
		if m.clear.has(i) {
			l.clear[i] = orInto(l.clear[i], m.clear, m.words)
		}
	}
}

// orInto returns dst with the members of s added, allocating dst first.
func orInto(dst, s catSet, words int) catSet {
	if dst == nil {
		dst = make(catSet, words)
	}
	dst.or(s)
	return dst
}

// linked returns Facts.Linked of one jurisdiction: readable links, or any
// when everything exposed was unintelligible. It is never nil (nil would
// mean "unknown" to the rules): no entry means no identifier was exposed.
func (m *matcher) linked(id string, unintelligible bool) map[string][]string {
	out := map[string][]string{}
	l, ok := m.links[id]
	if !ok {
		return out
	}
	sets := l.clear
	if unintelligible {
		sets = l.any
	}
	for i, s := range sets {
		if s == nil {
			continue
		}
		var ids []string
		s.each(func(j int) {
			if j != i {
				ids = append(ids, m.cats[j].ID)
			}
		})
		slices.Sort(ids)
		out[m.cats[i].ID] = ids
	}
	return out
}

// unknownJurisdiction is used for people whose country maps to no known
// jurisdiction.
const unknownJurisdiction = "UNKNOWN"

// hipaaJurisdiction is the id of the HIPAA rule, which applies in addition
// to a person's own jurisdiction.
const hipaaJurisdiction = "US-HIPAA"

// jurisdiction returns the place of the person's (country, region): the
// aggregate of their jurisdiction and their US State, if any. It caches by
// (country, region) so that the hot path neither allocates nor builds
// strings.
func (m *matcher) jurisdiction(s *inventory.Subject, res *scanResult) place {
	byRegion, ok := m.jurCache[s.Country]
	if ok {
		if p, ok := byRegion[s.Region]; ok {
			return p
		}
	} else {
		byRegion = map[string]place{}
		m.jurCache[strings.Clone(s.Country)] = byRegion
	}
	id := inventory.Jurisdiction(s.Country, s.Region)
	if id == "" {
		id = unknownJurisdiction
	}
	agg, ok := res.byJur[id]
	if !ok {
		agg = m.newAgg(id)
		res.byJur[id] = agg
	}
	p := place{agg: agg, state: usState(s.Country, s.Region)}
	if id == "EU-GDPR" {
		p.member = inventory.EUMemberState(s.Country)
	}
	if pid := inventory.ProvincialJurisdiction(s.Country, s.Region); pid != "" {
		if res.prov == nil {
			res.prov = map[string]*jurAgg{}
		}
		if p.prov = res.prov[pid]; p.prov == nil {
			p.prov = m.newAgg(pid)
			res.prov[pid] = p.prov
		}
	}
	byRegion[strings.Clone(s.Region)] = p
	return p
}

// usState returns the code of the US State (in HIPAA's sense, 45 CFR §
// 160.103: the 50 states, the District of Columbia and the territories) a
// person of country and region lives in, or "" outside them. Territories
// may appear as US regions (US/PR) or as countries of their own (PR); the
// uninhabited Minor Outlying Islands (UM) are not a State.
func usState(country, region string) string {
	switch country {
	case "US":
		if region != "UM" && inventory.ValidUSRegion(region) {
			return strings.Clone(region)
		}
	case "PR", "VI", "GU", "AS", "MP":
		return country
	}
	return ""
}

// unmatchedSubjects counts, per entry, the listed subjects that were not
// found in the directory under the entry's system.
func (m *matcher) unmatchedSubjects() []string {
	var out []string
	for _, e := range m.entries {
		missing := 0
		for _, f := range e.found {
			if !f {
				missing++
			}
		}
		if missing > 0 {
			out = append(out, fmt.Sprintf("affected[%d].subjects: %d of %d listed people were not found in the subject directory under system %q; they are not counted", e.index, missing, len(e.found), m.systems[e.system].sys.ID))
		}
	}
	return out
}
