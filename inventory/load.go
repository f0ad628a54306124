package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxDocumentBytes is the largest inventory document Parse accepts.
const MaxDocumentBytes = 8 << 20

// maxNodes bounds the YAML nodes visited, anchors and aliases included, so
// that a document of nested aliases cannot make the loader run forever.
const maxNodes = 1_000_000

// Problem is one thing wrong with an inventory document, located by file,
// line and key path (such as "systems[1].categories[2]").
type Problem struct {
	File    string
	Line    int
	Key     string
	Message string
}

// Error formats the problem as "file:line: key: message".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error is what Parse and Load return for an invalid document: every problem
// found, in document order.
type Error struct {
	Problems []*Problem
}

// Error joins the problems on one line, separated by "; ".
func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the problems, so errors.As finds a *Problem.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// Load reads and validates the inventory document at path. The subjects
// path is resolved against the document's directory into SubjectsPath and
// must name an existing file.
func Load(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	inv, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(inv.SubjectsPath); err != nil {
		return nil, &Error{Problems: []*Problem{{File: path, Line: inv.subjectsLine, Key: "subjects",
			Message: fmt.Sprintf("subject directory %s: %v", inv.SubjectsPath, unwrapPathError(err))}}}
	}
	return inv, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse validates an inventory document. path names the document in error
// messages and anchors the relative subjects path ("" means the current
// directory). Every error is an *Error whose problems read
// "inventory.yaml:14: systems[1].categories[2]: unknown category ...".
func Parse(data []byte, path string) (*Inventory, error) {
	file := path
	if file == "" {
		file = "inventory"
	}
	p := &parser{file: file}
	if len(data) > MaxDocumentBytes {
		p.add(0, "", "document is %d bytes, larger than the %d-byte limit", len(data), MaxDocumentBytes)
		return nil, p.err()
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(1, "", "document is empty; it needs at least schema: %s", Schema)
		} else {
			p.yamlError(err)
		}
		return nil, p.err()
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.add(extra.Line, "", "only one YAML document is allowed; remove the second one")
		return nil, p.err()
	} else if !errors.Is(err, io.EOF) {
		p.yamlError(err)
		return nil, p.err()
	}
	inv := p.document(&doc)
	if len(p.probs) > 0 {
		return nil, p.err()
	}
	// The walk above checked every key and type; the strict decoder fills the
	// struct and stands guard against anything the walk let through.
	var out Inventory
	sd := yaml.NewDecoder(bytes.NewReader(data))
	sd.KnownFields(true)
	if err := sd.Decode(&out); err != nil {
		p.yamlError(err)
		return nil, p.err()
	}
	out.Path = path
	out.subjectsLine = inv.subjectsLine
	if filepath.IsAbs(out.Subjects) {
		out.SubjectsPath = filepath.Clean(out.Subjects)
	} else {
		out.SubjectsPath = filepath.Join(filepath.Dir(path), out.Subjects)
	}
	out.index()
	return &out, nil
}

// index builds the lookup maps of System and Category.
func (inv *Inventory) index() {
	inv.systems = make(map[string]*System, len(inv.Systems))
	for i := range inv.Systems {
		inv.systems[inv.Systems[i].ID] = &inv.Systems[i]
	}
	inv.categories = make(map[string]Category, len(inv.Categories))
	for _, d := range inv.Categories {
		inv.categories[d.ID] = d.Category()
	}
}

// Category returns the Category a declaration defines; an empty label
// becomes the id with spaces for underscores.
func (d CategoryDef) Category() Category {
	label := d.Label
	if label == "" {
		label = strings.ReplaceAll(d.ID, "_", " ")
	}
	return Category{ID: d.ID, Label: label, Class: d.Class, Special: d.Special, USPersonalInfo: d.USPersonalInfo,
		Identifying: d.Identifying, Credentials: d.Credentials, Health: d.Health, Financial: d.Financial, Children: d.Children}
}

// System returns the system with the given id.
func (inv *Inventory) System(id string) (*System, bool) {
	if inv.systems != nil {
		s, ok := inv.systems[id]
		return s, ok
	}
	for i := range inv.Systems {
		if inv.Systems[i].ID == id {
			return &inv.Systems[i], true
		}
	}
	return nil, false
}

// Category returns the category with the given id: a built-in one or one
// declared under categories.
func (inv *Inventory) Category(id string) (Category, bool) {
	if c, ok := builtinByID[id]; ok {
		return c, true
	}
	if inv.categories != nil {
		c, ok := inv.categories[id]
		return c, ok
	}
	for _, d := range inv.Categories {
		if d.ID == id {
			return d.Category(), true
		}
	}
	return Category{}, false
}

// SystemCategories returns the categories a system holds, in the order the
// inventory lists them.
func (inv *Inventory) SystemCategories(s *System) []Category {
	out := make([]Category, 0, len(s.Categories))
	for _, id := range s.Categories {
		if c, ok := inv.Category(id); ok {
			out = append(out, c)
		}
	}
	return out
}

var (
	systemIDPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	categoryIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	yamlLinePattern   = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

// parser walks the YAML node tree, collecting problems with their lines.
type parser struct {
	file  string
	probs []*Problem
	nodes int
}

// walked is what the walk learns besides problems.
type walked struct {
	subjectsLine int
}

func (p *parser) add(line int, key, format string, args ...any) {
	p.probs = append(p.probs, &Problem{File: p.file, Line: line, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error { return &Error{Problems: p.probs} }

// yamlError turns a yaml.v3 error ("yaml: line 3: mapping values are not
// allowed in this context") into problems with their lines.
func (p *parser) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		line := 0
		if sm := yamlLinePattern.FindStringSubmatch(m); sm != nil {
			line, _ = strconv.Atoi(sm[1])
			m = sm[2]
		}
		p.add(line, "", "invalid YAML: %s", m)
	}
}

// resolve follows aliases and counts nodes against the budget.
func (p *parser) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	p.nodes++
	return n
}

func (p *parser) overBudget(n *yaml.Node) bool {
	if p.nodes > maxNodes {
		if len(p.probs) == 0 || !strings.Contains(p.probs[len(p.probs)-1].Message, "too many nodes") {
			p.add(n.Line, "", "document expands to too many nodes (more than %d); simplify its anchors and aliases", maxNodes)
		}
		return true
	}
	return false
}

func isNull(n *yaml.Node) bool { return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// mapping returns the key/value pairs of a mapping node, reporting unknown
// and repeated keys. allowed lists the known keys in the order they are
// suggested.
func (p *parser) mapping(n *yaml.Node, key string, allowed ...string) map[string]*yaml.Node {
	n = p.resolve(n)
	if p.overBudget(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, key, "must be a mapping (key: value lines), got %s", kindName(n))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := p.resolve(n.Content[i])
		v := n.Content[i+1]
		name := k.Value
		sub := joinKey(key, name)
		switch {
		case k.Kind != yaml.ScalarNode:
			p.add(k.Line, key, "keys must be plain words, got %s", kindName(k))
		case !slices.Contains(allowed, name):
			p.add(k.Line, sub, "unknown key%s (allowed: %s)", suggest(name, allowed), strings.Join(allowed, ", "))
		case out[name] != nil:
			p.add(k.Line, sub, "appears twice (first at line %d)", out[name].Line)
		default:
			out[name] = v
		}
	}
	return out
}

// sequence returns the items of a sequence node.
func (p *parser) sequence(n *yaml.Node, key string) ([]*yaml.Node, bool) {
	n = p.resolve(n)
	if p.overBudget(n) {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, key, "must be a list, got %s", kindName(n))
		return nil, false
	}
	return n.Content, true
}

// str returns a scalar as a string; null and absent are "".
func (p *parser) str(n *yaml.Node, key string) string {
	if n == nil {
		return ""
	}
	n = p.resolve(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, key, "must be a single value, got %s", kindName(n))
		return ""
	}
	if strings.ContainsFunc(n.Value, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		p.add(n.Line, key, "contains control characters or line breaks")
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (p *parser) boolean(n *yaml.Node, key string) bool {
	if n == nil {
		return false
	}
	n = p.resolve(n)
	if isNull(n) {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.add(n.Line, key, "must be true or false, got %s", valueName(n))
		return false
	}
	return n.Value == "true"
}

func (p *parser) integer(n *yaml.Node, key string) int64 {
	if n == nil {
		return 0
	}
	n = p.resolve(n)
	if isNull(n) {
		return 0
	}
	var v int64
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&v) != nil {
		p.add(n.Line, key, "must be a whole number, got %s", valueName(n))
		return 0
	}
	return v
}

func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return valueName(n)
	}
	return "something else"
}

func valueName(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindName(n)
	}
	if isNull(n) {
		return "nothing"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return strconv.Quote(v)
}

func joinKey(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (p *parser) document(doc *yaml.Node) walked {
	var w walked
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			p.add(1, "", "document is empty; it needs at least schema: %s", Schema)
			return w
		}
		root = root.Content[0]
	}
	top := p.mapping(root, "", "schema", "organization", "categories", "systems", "subjects")
	if top == nil {
		return w
	}
	rootLine := root.Line
	switch schema := p.str(top["schema"], "schema"); {
	case top["schema"] == nil || schema == "":
		p.add(rootLine, "schema", "is required (schema: %s)", Schema)
	case schema != Schema:
		p.add(line(top["schema"]), "schema", "%q is not supported; want %q", schema, Schema)
	}
	if top["organization"] == nil || isNull(p.resolve(top["organization"])) {
		p.add(rootLine, "organization", "is required (name, establishment, contact)")
	} else {
		p.organization(top["organization"])
	}
	declared := p.categories(top["categories"])
	if top["systems"] == nil || isNull(p.resolve(top["systems"])) {
		p.add(rootLine, "systems", "is required: list at least one system holding personal data")
	} else {
		p.systems(top["systems"], declared)
	}
	subj := p.str(top["subjects"], "subjects")
	w.subjectsLine = line(top["subjects"])
	switch ext := strings.ToLower(filepath.Ext(subj)); {
	case subj == "":
		p.add(max(line(top["subjects"]), rootLine), "subjects", "is required: the path of the subject directory (.csv or .jsonl), relative to this file")
	case ext != ".csv" && ext != ".jsonl":
		p.add(line(top["subjects"]), "subjects", "%q must end in .csv or .jsonl", subj)
	}
	return w
}

func (p *parser) organization(n *yaml.Node) {
	m := p.mapping(n, "organization", "name", "website", "establishment", "establishments", "targets", "hipaa_covered_entity", "hipaa_business_associate", "contact")
	if m == nil {
		return
	}
	if p.str(m["name"], "organization.name") == "" {
		p.add(max(line(m["name"]), n.Line), "organization.name", "is required: the controller's legal or trading name")
	}
	if w := p.str(m["website"], "organization.website"); w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add(line(m["website"]), "organization.website", "%q is not an http(s) URL", w)
		}
	}
	switch est := p.str(m["establishment"], "organization.establishment"); {
	case est == "":
		p.add(max(line(m["establishment"]), n.Line), "organization.establishment", "is required: the ISO 3166-1 alpha-2 country code of the main establishment (e.g. DE, CN, US)")
	case !ValidCountry(est):
		hint := ""
		if ValidCountry(strings.ToUpper(est)) {
			hint = fmt.Sprintf("; write it in upper case: %s", strings.ToUpper(est))
		}
		p.add(line(m["establishment"]), "organization.establishment", "%q is not an ISO 3166-1 alpha-2 country code%s", est, hint)
	}
	p.boolean(m["hipaa_covered_entity"], "organization.hipaa_covered_entity")
	p.boolean(m["hipaa_business_associate"], "organization.hipaa_business_associate")
	p.countries(m["establishments"], "organization.establishments", false)
	p.countries(m["targets"], "organization.targets", true)
	if c := m["contact"]; c != nil && !isNull(p.resolve(c)) {
		cm := p.mapping(c, "organization.contact", "name", "email", "phone")
		if cm != nil {
			p.str(cm["name"], "organization.contact.name")
			if e := p.str(cm["email"], "organization.contact.email"); e != "" {
				if a, err := mail.ParseAddress(e); err != nil || a.Name != "" || !ValidEmail(e) {
					p.add(line(cm["email"]), "organization.contact.email", "%q is not an e-mail address", e)
				}
			}
			if ph := p.str(cm["phone"], "organization.contact.phone"); ph != "" && strings.ContainsFunc(ph, func(r rune) bool { return !strings.ContainsRune("+0123456789 ()-./", r) }) {
				p.add(line(cm["phone"]), "organization.contact.phone", "may hold only digits, spaces and + ( ) - . /")
			}
		}
	}
}

// categories checks the declared categories and returns their ids.
func (p *parser) categories(n *yaml.Node) map[string]bool {
	declared := map[string]bool{}
	if n == nil || isNull(p.resolve(n)) {
		return declared
	}
	firstAt := map[string]int{}
	items, _ := p.sequence(n, "categories")
	for i, item := range items {
		key := fmt.Sprintf("categories[%d]", i)
		m := p.mapping(item, key, "id", "class", "label", "special", "us_personal_info", "identifying", "credentials", "health", "financial", "children")
		if m == nil {
			continue
		}
		id := p.str(m["id"], key+".id")
		idLine := max(line(m["id"]), item.Line)
		switch {
		case id == "":
			p.add(idLine, key+".id", "is required")
		case !categoryIDPattern.MatchString(id):
			p.add(idLine, key+".id", "%q must be lower-case letters, digits and _ , starting with a letter", id)
			declared[id] = true // reported here, not again where systems use it
		case builtinByID[id].ID != "":
			p.add(idLine, key+".id", "%q is a built-in category; remove the declaration or choose another id", id)
		case firstAt[id] != 0:
			p.add(idLine, key+".id", "%q is declared twice (first at line %d)", id, firstAt[id])
		default:
			firstAt[id] = idLine
			declared[id] = true
		}
		switch class := Class(p.str(m["class"], key+".class")); {
		case class == "":
			p.add(idLine, key+".class", "is required: one of simple, behavioural, financial, sensitive (the ENISA data classes)")
		case !class.Valid():
			p.add(line(m["class"]), key+".class", "%q is not one of simple, behavioural, financial, sensitive", class)
		}
		p.str(m["label"], key+".label")
		for _, f := range []string{"special", "us_personal_info", "identifying", "credentials", "health", "financial", "children"} {
			p.boolean(m[f], key+"."+f)
		}
	}
	return declared
}

func (p *parser) systems(n *yaml.Node, declared map[string]bool) {
	items, ok := p.sequence(n, "systems")
	if !ok {
		return
	}
	if len(items) == 0 {
		p.add(n.Line, "systems", "is empty: list at least one system holding personal data")
		return
	}
	firstAt := map[string]int{}
	for i, item := range items {
		key := fmt.Sprintf("systems[%d]", i)
		m := p.mapping(item, key, "id", "name", "categories", "encrypted_at_rest", "records", "processing_locations", "phi")
		if m == nil {
			continue
		}
		id := p.str(m["id"], key+".id")
		idLine := max(line(m["id"]), item.Line)
		switch {
		case id == "":
			p.add(idLine, key+".id", "is required")
		case !systemIDPattern.MatchString(id):
			p.add(idLine, key+".id", "%q must be 1-128 letters, digits, '.', '-' or '_', starting with a letter or digit", id)
		case firstAt[id] != 0:
			p.add(idLine, key+".id", "%q is used twice (first at line %d); system ids must be unique", id, firstAt[id])
		default:
			firstAt[id] = idLine
		}
		p.str(m["name"], key+".name")
		p.boolean(m["encrypted_at_rest"], key+".encrypted_at_rest")
		p.boolean(m["phi"], key+".phi")
		p.countries(m["processing_locations"], key+".processing_locations", false)
		if r := p.integer(m["records"], key+".records"); r < 0 {
			p.add(line(m["records"]), key+".records", "must not be negative, got %d", r)
		}
		cn := m["categories"]
		if cn == nil || isNull(p.resolve(cn)) {
			p.add(idLine, key+".categories", "is required: the categories of personal data the system holds")
			continue
		}
		cats, ok := p.sequence(cn, key+".categories")
		if !ok {
			continue
		}
		if len(cats) == 0 {
			p.add(cn.Line, key+".categories", "is empty: list the categories of personal data the system holds")
		}
		seen := map[string]bool{}
		for j, c := range cats {
			ck := fmt.Sprintf("%s.categories[%d]", key, j)
			id := p.str(c, ck)
			switch {
			case id == "":
				p.add(c.Line, ck, "is empty")
			case seen[id]:
				p.add(c.Line, ck, "%q is listed twice", id)
			case builtinByID[id].ID == "" && !declared[id]:
				p.add(c.Line, ck, "unknown category %q (%sdeclare it under categories: or use one of %s)", id, didYouMean(id, declared), builtinList())
			}
			seen[id] = true
		}
	}
}

func builtinList() string {
	ids := make([]string, len(builtin))
	for i, c := range builtin {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

// didYouMean suggests the nearest known category id, as a prefix of the
// unknown-category hint.
func didYouMean(id string, declared map[string]bool) string {
	cands := make([]string, 0, len(builtin)+len(declared))
	for _, c := range builtin {
		cands = append(cands, c.ID)
	}
	for d := range declared {
		cands = append(cands, d)
	}
	slices.Sort(cands)
	if s := nearest(id, cands); s != "" {
		return fmt.Sprintf("did you mean %q? ", s)
	}
	return ""
}

func suggest(key string, allowed []string) string {
	if s := nearest(key, allowed); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// nearest returns the candidate within edit distance 2 of s, if any.
func nearest(s string, cands []string) string {
	best, bestD := "", 3
	for _, c := range cands {
		if d := editDistance(s, c); d < bestD && 2*d < len(s) {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// countries checks an optional list of ISO 3166-1 alpha-2 country codes
// (and "EU" for the whole EU/EEA when eu is set).
func (p *parser) countries(n *yaml.Node, key string, eu bool) {
	if n == nil || isNull(p.resolve(n)) {
		return
	}
	items, ok := p.sequence(n, key)
	if !ok {
		return
	}
	want := "an ISO 3166-1 alpha-2 country code"
	if eu {
		want += " or EU"
	}
	seen := map[string]bool{}
	for i, item := range items {
		k := fmt.Sprintf("%s[%d]", key, i)
		c := p.str(item, k)
		switch {
		case c == "":
			p.add(item.Line, k, "is empty")
		case eu && c == "EU", ValidCountry(c):
			if seen[c] {
				p.add(item.Line, k, "%q is listed twice", c)
			}
			seen[c] = true
		default:
			hint := ""
			if up := strings.ToUpper(c); ValidCountry(up) || eu && up == "EU" {
				hint = "; write it in upper case: " + up
			}
			p.add(item.Line, k, "%q is not %s%s", c, want, hint)
		}
	}
}
