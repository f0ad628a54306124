package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"html"
	"net/url"
	"slices"
	"strings"
	"sync"
	ttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"
)

// A campaign renders the same incident for up to millions of people, and
// only four things differ between their notices: the name, the child's
// name, the postal address lines and the verification code. The render
// cache runs the templates once per incident, locale, channel and variant
// with a placeholder (a "slot") for each of those values, post-processes
// the result once (tidying, headings, wrapping, the policy checks), and
// then fills the slots in for each person, re-processing and re-checking
// only the lines that hold them.
//
// That is the same as rendering in full because (1) analyze proved that
// the templates use the personal values as opaque text; (2) the cache key
// holds every other input, and whether each personal value is empty, so
// every if, with and range takes the same branch; (3) a personal value is
// never empty, blank-ended or multi-line where its slot is not, so
// tidying and line splitting commute with filling in, and every later step
// (headings, wrapping, CJK spacing, link and HTML checks) works line by
// line; (4) in HTML a slot must come out escaped as html/template escapes
// text (checked with a probe in the sentinel) and lie outside any tag, so
// the value is escaped exactly as a full render escapes it and cannot
// change the structure the HTML check sees.
// Whatever does not fit (an invalid notice, a policy violation, a value
// that might be a link) is rendered in full, so errors are the same too.

// Slots of a personal value. Address line i is slotAddr+i.
const (
	slotName = iota
	slotChild
	slotCode
	slotAddr
	maxAddrLines = 16
	numSlots     = slotAddr + maxAddrLines
)

// A slot is written into the view as sentOpen sentCore mode slot probe
// sentClose. The private-use delimiters never occur in what is cached
// (New and fill reject sources and facts holding them); the probe is "+="
// in plain text, which html/template writes "&#43;=" in text and quoted
// attributes only, so a slot printed in any other HTML context (a URL, a
// script, an unquoted attribute) no longer matches and turns the cache
// off for that notice.
const (
	sentOpen  = "\uE000"
	sentClose = "\uE001"
	sentCore  = "PzQ9"
	probeText = "+="
	probeHTML = "&#43;="
)

func sentinel(slot int, spelled bool) string {
	mode := byte('r')
	if spelled {
		mode = 's'
	}
	return sentOpen + sentCore + string([]byte{mode, byte('A' + slot)}) + probeText + sentClose
}

// parseSentinel returns the slot and mode of s when it is exactly a plain
// text sentinel.
func parseSentinel(s string) (slot int, spelled, ok bool) {
	const n = len(sentOpen) + len(sentCore) + 2 + len(probeText) + len(sentClose)
	if len(s) != n || !strings.HasPrefix(s, sentOpen+sentCore) || !strings.HasSuffix(s, probeText+sentClose) {
		return 0, false, false
	}
	m, c := s[len(sentOpen)+len(sentCore)], s[len(sentOpen)+len(sentCore)+1]
	slot = int(c) - 'A'
	if (m != 'r' && m != 's') || slot < 0 || slot >= numSlots {
		return 0, false, false
	}
	return slot, m == 's', true
}

// piece is literal text or a slot of a line.
type piece struct {
	lit     string
	slot    int8 // -1 for literal text
	spelled bool
}

// splitSlots cuts s into literal text and slots; ok is false when s holds
// a trace of a sentinel in any other form.
func splitSlots(s string, inHTML bool) (ps []piece, ok bool) {
	probe := probeText
	if inHTML {
		probe = probeHTML
	}
	for {
		i := strings.Index(s, sentOpen)
		lit := s
		if i >= 0 {
			lit = s[:i]
		}
		if strings.Contains(lit, sentCore) || strings.Contains(lit, sentClose) {
			return nil, false
		}
		if lit != "" {
			ps = append(ps, piece{lit: lit, slot: -1})
		}
		if i < 0 {
			return ps, true
		}
		rest := s[i+len(sentOpen):]
		if !strings.HasPrefix(rest, sentCore) || len(rest) < len(sentCore)+2 {
			return nil, false
		}
		m, c := rest[len(sentCore)], rest[len(sentCore)+1]
		rest = rest[len(sentCore)+2:]
		slot := int(c) - 'A'
		if (m != 'r' && m != 's') || slot < 0 || slot >= numSlots || !strings.HasPrefix(rest, probe+sentClose) {
			return nil, false
		}
		ps = append(ps, piece{slot: int8(slot), spelled: m == 's'})
		s = rest[len(probe)+len(sentClose):]
	}
}

// lineKind is how the lines of an output are finished.
type lineKind uint8

const (
	lineOne    lineKind = iota // a one-line field: CJK spacing
	lineHTML                   // HTML: CJK spacing
	linePlain                  // voice script: CJK spacing
	lineEmail                  // email text: headings, wrapping, CJK spacing
	lineLetter                 // letter: headings, wrapping, CJK spacing
	lineRaw                    // an SMS before the segment budget: as it is
)

func (k lineKind) finish(l string) string {
	switch k {
	case lineEmail:
		return finishText(l, emailWidth)
	case lineLetter:
		return finishText(l, letterWidth)
	case lineRaw:
		return l
	}
	return cjkSpace(l)
}

// finishText is cjkSpace(wrap(headings(l, w), w)) of one line l.
func finishText(l string, w int) string {
	if !strings.HasPrefix(l, markTitle) && !strings.HasPrefix(l, markHeading) && width(l) <= w {
		return cjkSpace(l) // neither a heading nor too long
	}
	return cjkSpace(wrap(headings(l, w), w))
}

// segment is finished constant text or one line holding slots.
type segment struct {
	lit    string
	pieces []piece // nil for constant text
	nl     bool    // the line is followed by a newline
}

// output is one field (subject, text, HTML) of a cached notice.
type output struct {
	kind lineKind
	segs []segment
	// live is set when a slot occurs in the output.
	live bool
}

// compile splits s into lines and finishes every line without slots.
func compile(s string, k lineKind) (output, bool) {
	out := output{kind: k}
	var lit strings.Builder
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		last := i == len(lines)-1
		if !strings.Contains(l, sentOpen) && !strings.Contains(l, sentCore) {
			lit.WriteString(k.finish(l))
			if !last {
				lit.WriteByte('\n')
			}
			continue
		}
		ps, ok := splitSlots(l, k == lineHTML)
		if !ok {
			return out, false
		}
		if lit.Len() > 0 {
			out.segs = append(out.segs, segment{lit: lit.String()})
			lit.Reset()
		}
		out.segs = append(out.segs, segment{pieces: ps, nl: !last})
		out.live = true
	}
	if lit.Len() > 0 {
		out.segs = append(out.segs, segment{lit: lit.String()})
	}
	return out, true
}

// constText returns the output with every slot line written as it is
// (sentinels included), for the checks made once per entry.
func (o *output) constText() string {
	var b strings.Builder
	for _, s := range o.segs {
		if s.pieces == nil {
			b.WriteString(s.lit)
			continue
		}
		for _, p := range s.pieces {
			if p.slot < 0 {
				b.WriteString(p.lit)
			} else {
				b.WriteString(sentinel(int(p.slot), p.spelled))
			}
		}
		if s.nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// person holds the personal values of one notice and their forms.
type person struct {
	vals  [numSlots]string
	forms [numSlots][4]string // [spelled*2+html]
	done  [numSlots][4]bool
	cat   *catalog
}

// value returns the text of slot in the form a piece asks for; ok is false
// when a spelled value would break the invariants filling in relies on.
func (p *person) value(slot int, spelled, inHTML bool) (string, bool) {
	f := 0
	if spelled {
		f = 2
	}
	if inHTML {
		f++
	}
	if p.done[slot][f] {
		return p.forms[slot][f], true
	}
	v := p.vals[slot]
	if spelled {
		v = p.cat.spell(v)
		if p.vals[slot] != "" && !opaqueText(v) {
			return "", false
		}
	}
	if inHTML {
		v = escapeHTMLText(v)
	}
	p.forms[slot][f], p.done[slot][f] = v, true
	return v, true
}

// opaqueText reports whether v can stand where a slot stood: not empty, no
// line break, no space or control character at either end.
func opaqueText(v string) bool {
	if v == "" || strings.ContainsAny(v, "\r\n") {
		return false
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	edge := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }
	return !edge(first) && !edge(last)
}

// htmlText escapes what html/template escapes in text and quoted
// attribute values of a plain string (its htmlReplacementTable).
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

func escapeHTMLText(s string) string {
	if !strings.ContainsAny(s, "\x00\"&'+<>") {
		return s
	}
	return htmlText.Replace(s)
}

// entry is the cached rendering of one key.
type entry struct {
	// full is set when notices of this key are always rendered in full:
	// the notice is invalid, a policy check failed or the output holds a
	// slot where filling in would not be exact.
	full    bool
	locale  string
	version string
	cat     *catalog
	subject output
	text    output
	html    output
	// sms and smsShort are the two forms of an SMS, before the budget.
	sms, smsShort output
	allowed       []*url.URL
	// private lists the constant values a push must not show, in lower
	// case.
	private []string
}

// renderCache maps keys to entries. It is safe for concurrent use and
// holds at most max entries, dropping an arbitrary one when full.
type renderCache struct {
	mu  sync.RWMutex
	m   map[string]*entry
	max int
}

// defaultCacheEntries bounds the cache: a campaign uses one entry per
// channel, locale, variant and category set of an incident.
const defaultCacheEntries = 512

func newRenderCache(max int) *renderCache {
	return &renderCache{m: make(map[string]*entry), max: max}
}

func (c *renderCache) get(key []byte) *entry {
	c.mu.RLock()
	e := c.m[string(key)]
	c.mu.RUnlock()
	return e
}

func (c *renderCache) put(key []byte, e *entry) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[string(key)]; ok {
		return old
	}
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[string(key)] = e
	return e
}

func (c *renderCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// scratch is the per-call memory of a cached render.
type scratch struct {
	key  []byte
	out  bytes.Buffer
	line []byte
	p    person
	ids  []string
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooledBuffer keeps an outsized notice's buffer out of the pool.
const maxPooledBuffer = 256 << 10

// Personal-value states recorded in the key.
const (
	postalMissing = iota // blank: required for a letter
	postalEmpty          // only characters the cleaning drops
	postalPresent
)

// renderCached renders n from the cache; ok is false when n must be
// rendered in full.
func (s *Set) renderCached(channel string, n *Notice) (r Rendered, ok bool) {
	return s.renderCachedAs(channel, n, true)
}

// renderCachedAs is renderCached; without text, the Rendered carries no
// subject, text or HTML (see Fingerprint).
func (s *Set) renderCachedAs(channel string, n *Notice, text bool) (r Rendered, ok bool) {
	sc := scratchPool.Get().(*scratch)
	defer func() {
		if sc.out.Cap() <= maxPooledBuffer {
			scratchPool.Put(sc)
		}
	}()
	p := &sc.p
	*p = person{}

	// The checks validate makes of personal fields; anything that could
	// fail them is rendered in full so that the error is the same.
	if strings.TrimSpace(n.VerificationCode) == "" ||
		mayHaveLink(n.Recipient.Name) || mayHaveLink(n.Recipient.ChildName) ||
		mayHaveLink(n.Recipient.PostalAddress) || mayHaveLink(n.VerificationCode) {
		return r, false
	}
	p.vals[slotName] = oneLine(n.Recipient.Name)
	p.vals[slotChild] = oneLine(n.Recipient.ChildName)
	p.vals[slotCode] = oneLine(n.VerificationCode)
	postal, nAddr := postalMissing, 0
	if s.addressChannels[channel] || channel == ChannelLetter {
		if strings.TrimSpace(n.Recipient.PostalAddress) != "" {
			postal = postalEmpty
			addr := multiLine(n.Recipient.PostalAddress)
			lines := addressLines(addr)
			if len(lines) > maxAddrLines {
				return r, false
			}
			if addr != "" {
				postal = postalPresent
			}
			nAddr = copy(p.vals[slotAddr:], lines)
		} else if channel == ChannelLetter {
			return r, false // validate reports it
		}
	}

	sc.key = appendKey(sc.key[:0], channel, n, p, postal, nAddr, &sc.ids)
	e := s.cache.get(sc.key)
	if e == nil {
		e = s.fill(channel, n, p, postal, nAddr)
		e = s.cache.put(sc.key, e)
	}
	if e.full {
		return r, false
	}
	p.cat = e.cat
	return e.render(channel, p, sc, text)
}

// addressLines splits a cleaned postal address into its lines.
func addressLines(addr string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(addr, func(r rune) bool { return r == '\n' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// appendKey writes everything a notice's rendering depends on, except the
// personal values, of which it records only whether they are empty.
func appendKey(b []byte, channel string, n *Notice, p *person, postal, nAddr int, ids *[]string) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	list := func(xs []string) {
		b = binary.AppendUvarint(b, uint64(len(xs)))
		for _, x := range xs {
			str(x)
		}
	}
	flag := func(v bool) {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	day := func(t time.Time) {
		t = t.UTC()
		b = binary.AppendVarint(b, int64(t.Year()))
		b = append(b, byte(t.Month()), byte(t.Day()))
	}
	str(channel)
	str(n.Locale)
	flag(strings.EqualFold(strings.TrimSpace(n.Jurisdiction), "US-CA"))
	flag(n.Guardian)
	switch {
	case n.NoticeVersion < 0:
		b = append(b, 0)
	case n.NoticeVersion > 1:
		b = append(b, 2)
	default:
		b = append(b, 1)
	}
	list(n.Changes)
	str(n.Org.Name)
	str(n.Org.Website)
	str(n.Org.ContactName)
	str(n.Org.ContactEmail)
	str(n.Org.ContactPhone)
	f := &n.Incident
	str(f.Reference)
	str(f.Title)
	str(f.Description)
	for _, t := range []*time.Time{f.OccurredAt, f.OccurredUntil} {
		flag(t != nil)
		if t != nil {
			day(*t)
		}
	}
	flag(f.OccurredAt != nil && f.OccurredUntil != nil && f.OccurredUntil.Before(*f.OccurredAt))
	flag(f.DiscoveredAt.IsZero())
	day(f.DiscoveredAt)
	list(f.Categories)
	list(f.Consequences)
	list(f.Measures)
	list(f.Advice)
	list(f.Remedies)
	switch d := f.DelayedByLawEnforcement; {
	case d == nil:
		b = append(b, 0)
	case *d:
		b = append(b, 1)
	default:
		b = append(b, 2)
	}
	*ids = (*ids)[:0]
	for id := range n.CategoryLabels {
		*ids = append(*ids, id)
	}
	slices.Sort(*ids)
	b = binary.AppendUvarint(b, uint64(len(*ids)))
	for _, id := range *ids {
		str(id)
		str(n.CategoryLabels[id])
	}
	str(n.AnnouncementURL)
	flag(n.Date.IsZero())
	day(n.Date)
	flag(p.vals[slotName] == "")
	flag(p.vals[slotChild] == "")
	flag(p.vals[slotCode] == "")
	b = append(b, byte(postal), byte(nAddr))
	return b
}

// fill renders the entry of n's key: n with its personal values replaced
// by sentinels, run through the same steps as a full render.
func (s *Set) fill(channel string, n *Notice, p *person, postal, nAddr int) *entry {
	full := &entry{full: true}
	loc := MatchLocale(n.Locale)
	ls := s.locales[loc]
	if !ls.usage[channel].opaque || holdsSentinel(n) {
		return full
	}
	sk := *n
	sk.Recipient = Recipient{}
	if p.vals[slotName] != "" {
		sk.Recipient.Name = sentinel(slotName, false)
	}
	if p.vals[slotChild] != "" {
		sk.Recipient.ChildName = sentinel(slotChild, false)
	}
	sk.VerificationCode = "\x01" // not blank, yet empty once cleaned
	if p.vals[slotCode] != "" {
		sk.VerificationCode = sentinel(slotCode, false)
	}
	switch {
	case nAddr > 0:
		lines := make([]string, nAddr)
		for i := range lines {
			lines[i] = sentinel(slotAddr+i, false)
		}
		sk.Recipient.PostalAddress = strings.Join(lines, "\n")
	case postal == postalPresent:
		sk.Recipient.PostalAddress = ";"
	case postal == postalEmpty:
		sk.Recipient.PostalAddress = "\x01"
	}
	v, probs := buildView(ls, channel, &sk)
	if len(probs) > 0 {
		return full
	}
	e := &entry{locale: loc, version: ls.versions[channel], cat: ls.cat}
	for _, u := range []string{v.AnnouncementURL, v.Org.Website} {
		if l, err := parseLink(u); err == nil {
			e.allowed = append(e.allowed, l)
		}
	}
	ok := false
	switch channel {
	case ChannelEmail:
		ok = e.fillEmail(ls, v)
	case ChannelLetter:
		ok = e.fillText(ls.sk.letter, "letter.txt.tmpl", v, lineLetter)
	case ChannelVoice:
		ok = e.fillText(ls.sk.voice, "voice", v, linePlain)
	case ChannelPush:
		ok = e.fillPush(ls, v)
	case ChannelSMS:
		ok = e.fillSMS(ls, v)
	}
	if !ok || !e.carriesIDs(channel, v) {
		return full
	}
	return e
}

// carriesIDs reports whether every output of e a notice is sent from
// shows the incident reference, as constant text (as written or spelled),
// and the verification code, as its slot (push: the reference only). Then every notice filled
// in from e passes missingIdentifier, since filling in and finishing a
// line change only white space around them; otherwise notices of e are
// rendered in full, which reports the missing one.
func (e *entry) carriesIDs(channel string, v *view) bool {
	outs := []*output{&e.text}
	switch channel {
	case ChannelEmail:
		outs = append(outs, &e.html)
	case ChannelSMS:
		outs = []*output{&e.sms, &e.smsShort}
	}
	if v.Reference == "" {
		return false
	}
	for _, o := range outs {
		text := dropSpace(o.constText())
		shown := false
		for _, ref := range []string{v.Reference, e.cat.spell(v.Reference)} {
			if o.kind == lineHTML {
				ref = escapeHTMLText(ref)
			}
			shown = shown || strings.Contains(text, dropSpace(ref))
		}
		if !shown || channel != ChannelPush && !o.hasSlot(slotCode) {
			return false
		}
	}
	return true
}

// hasSlot reports whether slot occurs in o.
func (o *output) hasSlot(slot int) bool {
	for _, sg := range o.segs {
		for _, p := range sg.pieces {
			if int(p.slot) == slot {
				return true
			}
		}
	}
	return false
}

// holdsSentinel reports whether any text of n holds a sentinel delimiter,
// which would be taken for a slot.
func holdsSentinel(n *Notice) bool {
	has := func(s string) bool { return strings.Contains(s, sentOpen) || strings.Contains(s, sentClose) }
	f := &n.Incident
	for _, s := range []string{n.Org.Name, n.Org.Website, n.Org.ContactName, n.Org.ContactEmail, n.Org.ContactPhone,
		f.Reference, f.Title, f.Description, n.AnnouncementURL} {
		if has(s) {
			return true
		}
	}
	for _, l := range [][]string{f.Categories, f.Consequences, f.Measures, f.Advice, f.Remedies} {
		for _, s := range l {
			if has(s) {
				return true
			}
		}
	}
	for id, l := range n.CategoryLabels {
		if has(id) || has(l) {
			return true
		}
	}
	return false
}

// checkConst makes the policy checks of the constant text of o once.
func (e *entry) checkConst(o *output) bool {
	t := o.constText()
	if o.kind == lineHTML {
		t = html.UnescapeString(t)
	}
	_, bad := badLink(t, e.allowed)
	return !bad
}

func (e *entry) fillEmail(ls *localeSet, v *view) bool {
	subj, err := execText(ls.sk.emailText, "subject", v)
	if err != nil {
		return false
	}
	subj = oneLine(subj)
	if subj == "" {
		return false
	}
	text, err := execText(ls.sk.emailText, "email.txt.tmpl", v)
	if err != nil {
		return false
	}
	var buf bytes.Buffer
	if err := ls.sk.emailHTML.ExecuteTemplate(&buf, "email.html.tmpl", v); err != nil {
		return false
	}
	var ok1, ok2, ok3 bool
	e.subject, ok1 = compile(subj, lineOne)
	e.text, ok2 = compile(tidy(text), lineEmail)
	e.html, ok3 = compile(tidy(buf.String()), lineHTML)
	if !ok1 || !ok2 || !ok3 || !e.text.live && strings.TrimSpace(e.text.constText()) == "" {
		return false
	}
	// A value html/template filtered out (an attribute name, a URL with
	// a scheme it rejects) became filterFailsafe, sentinel and all.
	h := e.html.constText()
	if strings.Contains(h, "ZgotmplZ") || checkHTML(h, e.allowed, v.Org.ContactEmail) != "" || slotInTag(h) {
		return false
	}
	return e.checkConst(&e.subject) && e.checkConst(&e.text) && e.checkConst(&e.html)
}

// slotInTag reports whether a slot of h is inside a tag (as htmlViolation
// reads tags), where filling in could change what the HTML check sees.
func slotInTag(h string) bool {
	for i := strings.IndexByte(h, '<'); i >= 0; {
		end := strings.IndexByte(h[i:], '>')
		if end < 0 {
			return true
		}
		if strings.Contains(h[i:i+end], sentOpen) {
			return true
		}
		next := strings.IndexByte(h[i+end:], '<')
		if next < 0 {
			break
		}
		i += end + next
	}
	return false
}

func (e *entry) fillText(t *ttemplate.Template, name string, v *view, k lineKind) bool {
	text, err := execText(t, name, v)
	if err != nil {
		return false
	}
	var ok bool
	if e.text, ok = compile(tidy(text), k); !ok {
		return false
	}
	if !e.text.live && strings.TrimSpace(e.text.constText()) == "" {
		return false
	}
	return e.checkConst(&e.text)
}

func (e *entry) fillPush(ls *localeSet, v *view) bool {
	title, err := execText(ls.sk.push, "title", v)
	if err != nil {
		return false
	}
	body, err := execText(ls.sk.push, "body", v)
	if err != nil {
		return false
	}
	var ok1, ok2 bool
	e.subject, ok1 = compile(oneLine(title), lineOne)
	e.text, ok2 = compile(oneLine(body), lineOne)
	if !ok1 || !ok2 || !e.text.live && strings.TrimSpace(e.text.constText()) == "" {
		return false
	}
	if !e.checkConst(&e.subject) || !e.checkConst(&e.text) {
		return false
	}
	for _, p := range privateParts(v) {
		if p.v != v.Recipient.Name && p.v != v.Recipient.ChildName && p.v != v.VerificationCode && significant(p.v) {
			e.private = append(e.private, strings.ToLower(p.v))
		}
	}
	return true
}

func (e *entry) fillSMS(ls *localeSet, v *view) bool {
	long, err := execText(ls.sk.sms, "sms", v)
	if err != nil {
		return false
	}
	short, err := execText(ls.sk.sms, "sms_short", v)
	if err != nil {
		return false
	}
	var ok1, ok2 bool
	e.sms, ok1 = compile(oneLine(long), lineRaw)
	e.smsShort, ok2 = compile(oneLine(short), lineRaw)
	return ok1 && ok2
}

// write fills the slots of o in for p and appends the result to buf. It
// checks every line it fills in as render checks the whole output; ok is
// false when a check fails (the full render then reports it).
func (o *output) write(buf *bytes.Buffer, p *person, sc *scratch, allowed []*url.URL) bool {
	inHTML := o.kind == lineHTML
	for i := range o.segs {
		sg := &o.segs[i]
		if sg.pieces == nil {
			buf.WriteString(sg.lit)
			continue
		}
		line := sc.line[:0]
		for _, pc := range sg.pieces {
			if pc.slot < 0 {
				line = append(line, pc.lit...)
				continue
			}
			v, ok := p.value(int(pc.slot), pc.spelled, inHTML)
			if !ok {
				return false
			}
			line = append(line, v...)
		}
		sc.line = line
		l := o.kind.finish(string(line))
		if o.kind != lineRaw {
			text := l
			if inHTML {
				if cssLoadsFold(l) {
					return false
				}
				text = html.UnescapeString(l)
			}
			if mayHaveLink(text) {
				if _, bad := badLink(text, allowed); bad {
					return false
				}
			}
		}
		buf.WriteString(l)
		if sg.nl {
			buf.WriteByte('\n')
		}
	}
	return true
}

// render fills the entry in for p: the same Rendered as a full render.
func (e *entry) render(channel string, p *person, sc *scratch, text bool) (Rendered, bool) {
	r := Rendered{Channel: channel, Locale: e.locale, TemplateVersion: e.version}
	b := &sc.out
	b.Reset()
	b.WriteString(channel)
	b.WriteByte(0)
	b.WriteString(e.locale)
	b.WriteByte(0)
	s0 := b.Len()
	if !e.subject.write(b, p, sc, e.allowed) {
		return r, false
	}
	s1 := b.Len()
	b.WriteByte(0)
	if channel == ChannelSMS {
		text, enc, segs, ok := e.renderSMS(p, sc)
		if !ok {
			return r, false
		}
		b.WriteString(text)
		r.SMSEncoding, r.SMSSegments = enc, segs
	} else if !e.text.write(b, p, sc, e.allowed) {
		return r, false
	}
	t1 := b.Len()
	b.WriteByte(0)
	if !e.html.write(b, p, sc, e.allowed) {
		return r, false
	}
	h1 := b.Len()
	b.WriteByte(0)
	sum := sha256.Sum256(b.Bytes())
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], sum[:])
	if !text && channel != ChannelPush {
		// Only the identity of the rendering is wanted: the checks above
		// are done, and no copy of the text is made. (A push is checked
		// on its text below, so it is always copied.)
		r.ContentHash = string(hexSum[:])
		return r, true
	}
	all := b.String()
	r.Subject, r.Text, r.HTML = all[s0:s1], all[s1+1:t1], all[t1+1:h1]
	// A copy: a caller that keeps only the hash (the planner keeps it for
	// every notice of its batches) must not keep the whole rendering.
	r.ContentHash = string(hexSum[:])
	if channel == ChannelPush && e.pushLeaks(r.Subject, r.Text, p) {
		return r, false
	}
	return r, true
}

// pushLeaks reports whether a push shows anything it must not (pushLeak
// of a full render).
func (e *entry) pushLeaks(subject, text string, p *person) bool {
	out := strings.ToLower(subject + "\n" + text)
	for _, v := range p.vals[:slotAddr] {
		if significant(v) && strings.Contains(out, strings.ToLower(v)) {
			return true
		}
	}
	for _, v := range e.private {
		if strings.Contains(out, v) {
			return true
		}
	}
	return false
}

// renderSMS is renderSMS of a full render, on the cached forms.
func (e *entry) renderSMS(p *person, sc *scratch) (text, enc string, segs int, ok bool) {
	for _, o := range []*output{&e.sms, &e.smsShort} {
		var b bytes.Buffer
		if !o.write(&b, p, sc, nil) {
			return "", "", 0, false
		}
		text = b.String()
		if enc, segs = SMSSegments(text); segs <= MaxSMSSegments {
			break
		}
		if folded := gsmFold.Replace(text); folded != text {
			if fe, fn := SMSSegments(folded); fe == EncodingGSM7 && fn <= MaxSMSSegments {
				text, enc, segs = folded, fe, fn
				break
			}
		}
	}
	if strings.TrimSpace(text) == "" {
		return "", "", 0, false
	}
	text = cjkSpace(text)
	if mayHaveLink(text) {
		if _, bad := badLink(text, e.allowed); bad {
			return "", "", 0, false
		}
	}
	return text, enc, segs, true
}

// checkCache renders the sample notices of selfCheck in full and from a
// cache, and leaves the cache off for every channel of a locale where the
// two differ: a guard against templates the analysis let through wrongly.
func (s *Set) checkCache() {
	s.cache = newRenderCache(defaultCacheEntries)
	defer func() { s.cache = nil }()
	for _, loc := range Locales {
		ls := s.locales[loc]
		for _, n := range sampleNotices() {
			n.Locale = loc
			for _, variant := range []struct {
				jur      string
				guardian bool
			}{{"EU-GDPR", false}, {"US-CA", false}, {"EU-GDPR", true}, {"US-CA", true}} {
				n.Jurisdiction, n.Guardian = variant.jur, variant.guardian
				for _, ch := range Channels {
					if !ls.usage[ch].opaque {
						continue
					}
					cached, ok := s.renderCached(ch, &n)
					full, err := s.renderFull(ch, n)
					if ok && (err != nil || cached != full) {
						ls.usage[ch] = usage{}
					}
				}
			}
		}
	}
}
