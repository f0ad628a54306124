package inventory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/breach-notify/breach/incident"
)

// SynthOptions configures Synth.
type SynthOptions struct {
	// Subjects is the number of people to write (at least 1).
	Subjects int
	// Systems is the number of systems of the inventory (default 8, at most
	// 1000).
	Systems int
	// Seed makes the output reproducible: the same options write the same
	// bytes.
	Seed int64
	// Out is the directory written to; it is created if missing.
	Out string
}

// SynthResult describes what Synth wrote.
type SynthResult struct {
	Inventory      string // path of inventory.yaml
	Directory      string // path of subjects.csv
	Incident       string // path of incident.json
	Subjects       int
	Memberships    int64 // sum over people of the systems they are in
	Minors         int
	WithoutContact int
	Bytes          int64 // size of subjects.csv
}

// MaxSynthSystems bounds SynthOptions.Systems.
const MaxSynthSystems = 1000

// synthSystem is a template of a system the generator can put in an
// inventory; weight is its relative popularity among people.
type synthSystem struct {
	id, name   string
	categories string
	encrypted  bool
	weight     int
}

var synthSystems = []synthSystem{
	{"accounts", "Customer accounts", "name, email, username, password_hash, date_of_birth, preferences", false, 40},
	{"orders", "Order database", "name, postal_address, phone, email, purchase_history, payment_card_partial", false, 35},
	{"payments", "Payment vault", "name, payment_card, bank_account, transaction_history", true, 15},
	{"support", "Customer support desk", "name, email, phone, communications_content", false, 15},
	{"marketing", "Marketing mailing list", "email, preferences, browsing_history, location", false, 30},
	{"analytics", "Web and app analytics", "ip_address, device_id, browsing_history, location", false, 35},
	{"loyalty", "Loyalty programme", "name, email, date_of_birth, purchase_history, loyalty_tier", false, 20},
	{"identity", "Identity verification", "name, date_of_birth, national_id, passport, drivers_license, biometric", true, 6},
	{"wellness", "Wellness app", "name, email, date_of_birth, health, location", false, 8},
	{"kids-club", "Kids' club", "name, date_of_birth, avatar, children_data", false, 3},
	{"community", "Community forum", "username, nickname, avatar, communications_content, religious_beliefs, political_opinions", false, 6},
	{"hr", "Staff records", "name, postal_address, phone, national_id, bank_account, health, trade_union", false, 1},
}

// synthCountry is a country with its share of people, locales, regions,
// name pools, e-mail domain and a fictional phone range.
type synthCountry struct {
	code    string
	weight  int
	locales []string // first is the most common
	regions []string // with weights folded in by repetition
	first   []string
	last    []string
	domain  string
	phone   func(r *rand.Rand, region string, b []byte) []byte // nil: no fictional range known
	city    []string
}

var (
	namesEN = [2][]string{
		{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Susan", "Olivia", "Noah", "Emma", "Liam", "Ava", "Sophia", "Ethan", "Mia"},
		{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Lee", "Clark", "Walker", "Young", "King", "Wright"},
	}
	namesCN = [2][]string{
		{"Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Ying", "Hao", "Xin", "Yu", "Tao", "Li", "Na", "Qiang", "Hui"},
		{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo"},
	}
	namesDE = [2][]string{
		{"Lukas", "Anna", "Felix", "Lea", "Jonas", "Marie", "Leon", "Sophie", "Paul", "Hannah", "Finn", "Emilia"},
		{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter"},
	}
	namesFR = [2][]string{
		{"Louis", "Camille", "Gabriel", "Léa", "Jules", "Manon", "Hugo", "Chloé", "Arthur", "Inès", "Lucas", "Jade"},
		{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent"},
	}
	namesES = [2][]string{
		{"Hugo", "Lucía", "Mateo", "Sofía", "Martín", "Martina", "Pablo", "María", "Daniel", "Paula", "Álvaro", "Carmen"},
		{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz"},
	}
	namesIT = [2][]string{
		{"Leonardo", "Sofia", "Francesco", "Giulia", "Alessandro", "Aurora", "Lorenzo", "Alice", "Mattia", "Ginevra", "Andrea", "Emma"},
		{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo"},
	}
	namesNL = [2][]string{
		{"Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Tess", "Finn", "Sophie", "Milan", "Zoë"},
		{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder"},
	}
	namesPL = [2][]string{
		{"Jakub", "Zuzanna", "Antoni", "Julia", "Jan", "Maja", "Szymon", "Zofia", "Filip", "Hanna", "Aleksander", "Lena"},
		{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski"},
	}
	namesIE = [2][]string{
		{"Jack", "Grace", "Conor", "Aoife", "Seán", "Saoirse", "Cian", "Niamh", "Oisín", "Ciara", "Darragh", "Róisín"},
		{"Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill", "Reilly", "Doyle"},
	}
	namesJP = [2][]string{
		{"Haruto", "Yui", "Sota", "Aoi", "Yuto", "Hina", "Riku", "Sakura", "Kaito", "Mei", "Ren", "Yuna"},
		{"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada"},
	}
	namesBR = [2][]string{
		{"Miguel", "Helena", "Arthur", "Alice", "Gael", "Laura", "Heitor", "Valentina", "Theo", "Maria", "Davi", "Sophia"},
		{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro"},
	}
	namesIN = [2][]string{
		{"Aarav", "Aadhya", "Vivaan", "Ananya", "Aditya", "Diya", "Arjun", "Saanvi", "Sai", "Pari", "Reyansh", "Anika"},
		{"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Das", "Mehta", "Joshi", "Rao"},
	}
	namesSG = [2][]string{
		{"Wei Ming", "Hui Min", "Jun Jie", "Xin Yi", "Aisyah", "Muhammad", "Priya", "Arun", "Ethan", "Chloe"},
		{"Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Koh", "Teo"},
	}
	namesMX = [2][]string{
		{"Santiago", "Regina", "Mateo", "Valentina", "Sebastián", "Camila", "Leonardo", "Renata", "Emiliano", "Ximena"},
		{"Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz"},
	}
)

// Fictional phone numbers, from ranges regulators reserve for drama so that
// no real person is ever called: NANP 555-0100..0199, Ofcom 07700 900xxx,
// ACMA (02) 5550 xxxx, ComReg 020 91x xxxx, ARCEP 01 99 00 xx xx.
func nanpPhone(area string) func(r *rand.Rand, region string, b []byte) []byte {
	return func(r *rand.Rand, region string, b []byte) []byte {
		a := area
		if x, ok := usAreaCodes[region]; ok {
			a = x[r.IntN(len(x))]
		}
		b = append(b, "+1 "...)
		b = append(b, a...)
		b = append(b, " 555 01"...)
		return appendDigits(b, r.IntN(100), 2)
	}
}

var usAreaCodes = map[string][]string{
	"CA": {"213", "310", "415", "408", "619", "916"}, "NY": {"212", "718", "516", "585"}, "TX": {"214", "512", "713", "210"},
	"FL": {"305", "407", "813", "904"}, "MA": {"617", "508"}, "WA": {"206", "425", "509"}, "IL": {"312", "773", "847"},
	"PA": {"215", "412"}, "OH": {"216", "614"}, "GA": {"404", "912"}, "NC": {"704", "919"}, "NJ": {"201", "973"},
	"VA": {"703", "804"}, "AZ": {"480", "602"}, "CO": {"303", "720"}, "MI": {"313", "616"}, "OR": {"503", "541"},
	"NV": {"702", "775"}, "MN": {"612", "651"}, "DC": {"202"},
}

func ukPhone(r *rand.Rand, _ string, b []byte) []byte {
	b = append(b, "+44 7700 900"...)
	return appendDigits(b, r.IntN(1000), 3)
}

func auPhone(r *rand.Rand, _ string, b []byte) []byte {
	b = append(b, "+61 2 5550 "...)
	return appendDigits(b, r.IntN(10000), 4)
}

func iePhone(r *rand.Rand, _ string, b []byte) []byte {
	b = append(b, "+353 20 91"...)
	return appendDigits(b, r.IntN(100000), 5)
}

func frPhone(r *rand.Rand, _ string, b []byte) []byte {
	b = append(b, "+33 1 99 00 "...)
	b = appendDigits(b, r.IntN(100), 2)
	b = append(b, ' ')
	return appendDigits(b, r.IntN(100), 2)
}

func appendDigits(b []byte, v, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

var synthCountries = []synthCountry{
	{code: "CN", weight: 20, locales: []string{"zh-CN"}, regions: []string{"BJ", "SH", "GD", "GD", "JS", "ZJ", "SC", ""}, first: namesCN[0], last: namesCN[1], domain: "example.cn", city: []string{"Suzhou", "Beijing", "Shanghai", "Shenzhen", "Hangzhou"}},
	{
		code: "US", weight: 20, locales: []string{"en-US", "en-US", "en-US", "en-US", "en-US", "en-US", "en-US", "en-US", "es-US"},
		regions: []string{"CA", "CA", "CA", "CA", "CA", "NY", "NY", "NY", "TX", "TX", "TX", "FL", "FL", "MA", "WA", "WA", "IL", "IL",
			"PA", "OH", "GA", "NC", "NJ", "VA", "AZ", "CO", "MI", "OR", "NV", "MN", "DC"},
		first: namesEN[0], last: namesEN[1], domain: "example.com", phone: nanpPhone("202"),
		city: []string{"Springfield", "Riverside", "Fairview", "Madison", "Georgetown"},
	},
	{code: "DE", weight: 10, locales: []string{"de-DE"}, regions: []string{"BE", "BY", "NW", "HH", "HE", "BW"}, first: namesDE[0], last: namesDE[1], domain: "example.de", city: []string{"Berlin", "München", "Hamburg", "Köln", "Frankfurt"}},
	{code: "GB", weight: 8, locales: []string{"en-GB"}, regions: []string{"ENG", "ENG", "ENG", "SCT", "WLS", "NIR"}, first: namesEN[0], last: namesEN[1], domain: "example.org", phone: ukPhone, city: []string{"London", "Manchester", "Leeds", "Glasgow", "Cardiff"}},
	{code: "FR", weight: 7, locales: []string{"fr-FR"}, first: namesFR[0], last: namesFR[1], domain: "example.net", phone: frPhone, city: []string{"Paris", "Lyon", "Marseille", "Lille", "Nantes"}},
	{code: "ES", weight: 5, locales: []string{"es-ES", "es-ES", "ca-ES"}, first: namesES[0], last: namesES[1], domain: "example.net", city: []string{"Madrid", "Barcelona", "Valencia", "Sevilla"}},
	{code: "IT", weight: 5, locales: []string{"it-IT"}, first: namesIT[0], last: namesIT[1], domain: "example.net", city: []string{"Roma", "Milano", "Napoli", "Torino"}},
	{code: "NL", weight: 3, locales: []string{"nl-NL"}, first: namesNL[0], last: namesNL[1], domain: "example.org", city: []string{"Amsterdam", "Rotterdam", "Utrecht"}},
	{code: "PL", weight: 3, locales: []string{"pl-PL"}, first: namesPL[0], last: namesPL[1], domain: "example.org", city: []string{"Warszawa", "Kraków", "Gdańsk"}},
	{code: "IE", weight: 2, locales: []string{"en-IE", "en-IE", "ga-IE"}, first: namesIE[0], last: namesIE[1], domain: "example.org", phone: iePhone, city: []string{"Dublin", "Cork", "Galway"}},
	{code: "CA", weight: 3, locales: []string{"en-CA", "en-CA", "fr-CA"}, regions: []string{"ON", "ON", "QC", "BC", "AB"}, first: namesEN[0], last: namesEN[1], domain: "example.com", phone: nanpPhone("416"), city: []string{"Toronto", "Montréal", "Vancouver", "Calgary"}},
	{code: "AU", weight: 3, locales: []string{"en-AU"}, regions: []string{"NSW", "NSW", "VIC", "QLD", "WA"}, first: namesEN[0], last: namesEN[1], domain: "example.com", phone: auPhone, city: []string{"Sydney", "Melbourne", "Brisbane", "Perth"}},
	{code: "SG", weight: 2, locales: []string{"en-SG", "en-SG", "zh-SG"}, first: namesSG[0], last: namesSG[1], domain: "example.com", city: []string{"Singapore"}},
	{code: "BR", weight: 3, locales: []string{"pt-BR"}, regions: []string{"SP", "SP", "RJ", "MG"}, first: namesBR[0], last: namesBR[1], domain: "example.net", city: []string{"São Paulo", "Rio de Janeiro", "Belo Horizonte"}},
	{code: "JP", weight: 3, locales: []string{"ja-JP"}, first: namesJP[0], last: namesJP[1], domain: "example.com", city: []string{"Tokyo", "Osaka", "Nagoya"}},
	{code: "IN", weight: 3, locales: []string{"en-IN", "en-IN", "hi-IN"}, regions: []string{"MH", "KA", "DL", "TN"}, first: namesIN[0], last: namesIN[1], domain: "example.com", city: []string{"Mumbai", "Bengaluru", "Delhi", "Chennai"}},
	{code: "MX", weight: 1, locales: []string{"es-MX"}, first: namesMX[0], last: namesMX[1], domain: "example.com", city: []string{"Ciudad de México", "Guadalajara"}},
}

// membershipCounts is how many systems a person is in: 1-5, mean 3.
var membershipCounts = []int{1, 2, 2, 3, 3, 3, 3, 4, 4, 5}

// synthSystemList returns the n systems of the synthetic inventory.
func synthSystemList(n int) []synthSystem {
	out := make([]synthSystem, 0, n)
	for i := 0; len(out) < n; i++ {
		t := synthSystems[i%len(synthSystems)]
		if k := i / len(synthSystems); k > 0 {
			t.id += "-" + strconv.Itoa(k+1)
			t.name += " " + strconv.Itoa(k+1)
		}
		out = append(out, t)
	}
	return out
}

// Synth writes a synthetic organisation to opts.Out: inventory.yaml,
// subjects.csv with opts.Subjects people and incident.json, an incident
// affecting several of its systems. The same options write the same bytes.
// People are spread over 17 countries with matching locales, about 5% are
// minors with a guardian's contact, about 3% have no usable contact at all,
// and each is in 1-5 systems (3 on average). Phone numbers come only from
// ranges reserved for fiction (US, CA, GB, AU, IE, FR); people elsewhere get
// e-mail and postal contacts only. E-mail domains are example.com, .net,
// .org, .cn and .de.
func Synth(opts SynthOptions) (SynthResult, error) {
	switch {
	case opts.Subjects < 1:
		return SynthResult{}, fmt.Errorf("synthesize: subjects must be at least 1, got %d", opts.Subjects)
	case opts.Systems < 0 || opts.Systems > MaxSynthSystems:
		return SynthResult{}, fmt.Errorf("synthesize: systems must be between 1 and %d, got %d", MaxSynthSystems, opts.Systems)
	case opts.Out == "":
		return SynthResult{}, errors.New("synthesize: an output directory is required")
	}
	if opts.Systems == 0 {
		opts.Systems = 8
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return SynthResult{}, fmt.Errorf("synthesize: %w", err)
	}
	systems := synthSystemList(opts.Systems)
	res := SynthResult{
		Inventory: filepath.Join(opts.Out, "inventory.yaml"),
		Directory: filepath.Join(opts.Out, "subjects.csv"),
		Incident:  filepath.Join(opts.Out, "incident.json"),
	}
	if err := os.WriteFile(res.Inventory, synthInventory(systems, opts), 0o644); err != nil {
		return SynthResult{}, fmt.Errorf("synthesize: %w", err)
	}
	inc, err := synthIncident(systems, opts.Seed)
	if err != nil {
		return SynthResult{}, fmt.Errorf("synthesize incident: %w", err)
	}
	if err := os.WriteFile(res.Incident, inc, 0o644); err != nil {
		return SynthResult{}, fmt.Errorf("synthesize: %w", err)
	}
	if err := synthDirectory(&res, systems, opts); err != nil {
		return SynthResult{}, fmt.Errorf("synthesize: %w", err)
	}
	return res, nil
}

func synthInventory(systems []synthSystem, opts SynthOptions) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Synthetic inventory written by `breach inventory synth` (seed %d, %d subjects).\n", opts.Seed, opts.Subjects)
	b.WriteString("schema: " + Schema + "\n")
	b.WriteString(`organization:
  name: Example Outfitters (synthetic)
  website: https://outfitters.example
  establishment: IE
  hipaa_covered_entity: false
  contact: { name: Data Protection Officer, email: dpo@outfitters.example, phone: "+353 20 910 0000" }
categories:
  - { id: loyalty_tier, class: behavioural, label: loyalty tier and points balance }
systems:
`)
	for _, s := range systems {
		fmt.Fprintf(&b, "  - id: %s\n    name: %q\n    categories: [%s]\n    encrypted_at_rest: %t\n", s.id, s.name, s.categories, s.encrypted)
	}
	b.WriteString("subjects: subjects.csv\n")
	return []byte(b.String())
}

// synthIncident returns an exfiltration of the first three systems (or
// fewer), one narrowed to its contact categories.
func synthIncident(systems []synthSystem, seed int64) ([]byte, error) {
	at := func(s string) *time.Time {
		t, _ := time.Parse(time.RFC3339, s)
		return &t
	}
	affected := []incident.Affected{}
	for i, s := range systems[:min(3, len(systems))] {
		a := incident.Affected{System: s.id}
		if i == 1 && strings.Contains(s.categories, "email") {
			a.Categories = []string{"email"}
			if strings.Contains(s.categories, "name") {
				a.Categories = []string{"name", "email"}
			}
		}
		affected = append(affected, a)
	}
	in := incident.Incident{
		Schema:        incident.Schema,
		ID:            "INC-SYNTH-" + strconv.FormatUint(uint64(seed), 10),
		Revision:      1,
		Title:         "Customer databases copied by an intruder",
		Description:   "An attacker used a stolen administrator key to copy customer records from several of our systems over three hours before our monitoring stopped the transfer.",
		Source:        "detector:synthetic",
		OccurredAt:    at("2026-11-20T02:00:00Z"),
		OccurredUntil: at("2026-11-20T05:00:00Z"),
		DiscoveredAt:  *at("2026-11-20T09:00:00Z"),
		Cause:         incident.CauseExfiltration,
		Malicious:     true,
		Effects:       incident.Effects{Confidentiality: incident.ConfidentialityUnknownRecipients, Integrity: incident.IntegrityNone, Availability: incident.AvailabilityNone},
		Affected:      affected,
		Mitigation: incident.Mitigation{
			Contained: true,
			Measures:  []string{"Revoked the stolen key and every key issued the same day", "Blocked the addresses the data was sent to"},
			Advice:    []string{"Be wary of e-mails or calls that mention your orders and ask for payment or passwords", "Change your password if you reused it elsewhere"},
			Remedies:  []string{"A dedicated help line for affected customers"},
		},
		Contact: &incident.Contact{Name: "Data Protection Officer", Email: "dpo@outfitters.example", Phone: "+353 20 910 0000"},
	}
	data, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func synthDirectory(res *SynthResult, systems []synthSystem, opts SynthOptions) (err error) {
	f, err := os.Create(res.Directory)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15))

	countryCum := make([]int, len(synthCountries))
	total := 0
	for i, c := range synthCountries {
		total += c.weight
		countryCum[i] = total
	}
	sysCum := make([]int, len(systems))
	sysTotal := 0
	for i, s := range systems {
		sysTotal += s.weight
		sysCum[i] = sysTotal
	}
	pick := func(cum []int, total int) int {
		x := r.IntN(total)
		lo, hi := 0, len(cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] > x {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo
	}

	b := make([]byte, 0, 1024)
	b = append(b, strings.Join(Columns, ",")...)
	b = append(b, '\n')
	chosen := make([]int, 0, 5)
	var local []byte
	for i := 1; i <= opts.Subjects; i++ {
		c := &synthCountries[pick(countryCum, total)]
		first := c.first[r.IntN(len(c.first))]
		last := c.last[r.IntN(len(c.last))]
		region := ""
		if len(c.regions) > 0 {
			region = c.regions[r.IntN(len(c.regions))]
		}
		minor := r.IntN(100) < 5
		noContact := !minor && r.IntN(100) < 3

		b = append(b, "s-"...)
		b = appendDigits(b, i, 7)
		b = append(b, ',')
		b = appendCSV(b, first, " ", last)
		b = append(b, ',')
		local = appendLocal(local[:0], first, last, i)
		hasEmail := !noContact && (!minor && r.IntN(100) < 94 || minor && r.IntN(100) < 30)
		if hasEmail {
			b = append(b, local...)
			b = append(b, '@')
			b = append(b, c.domain...)
		}
		b = append(b, ',')
		if !noContact && c.phone != nil && r.IntN(100) < 65 {
			b = c.phone(r, region, b)
		}
		b = append(b, ',')
		b = append(b, c.locales[r.IntN(len(c.locales))]...)
		b = append(b, ',')
		b = append(b, c.code...)
		b = append(b, ',')
		b = append(b, region...)
		b = append(b, ',')
		if minor {
			b = append(b, "true,"...)
			b = append(b, "guardian."...)
			b = append(b, local...)
			b = append(b, '@')
			b = append(b, c.domain...)
			b = append(b, ',')
			if c.phone != nil && r.IntN(100) < 60 {
				b = c.phone(r, region, b)
			}
		} else {
			b = append(b, "false,,"...)
		}
		b = append(b, ',')
		if !noContact && (r.IntN(100) < 30 || !hasEmail && !minor) {
			b = append(b, '"')
			b = appendDigits(b, 1+r.IntN(200), 1)
			b = append(b, " Example Street, "...)
			b = append(b, c.city[r.IntN(len(c.city))]...)
			b = append(b, '"')
		}
		b = append(b, ',')
		k := min(membershipCounts[r.IntN(len(membershipCounts))], len(systems))
		chosen = chosen[:0]
		for len(chosen) < k {
			s := pick(sysCum, sysTotal)
			dup := false
			for _, x := range chosen {
				dup = dup || x == s
			}
			if !dup {
				chosen = append(chosen, s)
			}
		}
		for j, s := range chosen {
			if j > 0 {
				b = append(b, ';')
			}
			b = append(b, systems[s].id...)
		}
		b = append(b, '\n')
		res.Subjects++
		res.Memberships += int64(k)
		if minor {
			res.Minors++
		}
		if noContact {
			res.WithoutContact++
		}
		if len(b) > 512 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			res.Bytes += int64(len(b))
			b = b[:0]
		}
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	res.Bytes += int64(len(b))
	return w.Flush()
}

// appendCSV appends the concatenated parts as one CSV field, quoted when
// it needs to be.
func appendCSV(b []byte, parts ...string) []byte {
	quote := false
	for _, p := range parts {
		quote = quote || strings.ContainsAny(p, ",\"\r\n")
	}
	if !quote {
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	b = append(b, '"')
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if p[i] == '"' {
				b = append(b, '"')
			}
			b = append(b, p[i])
		}
	}
	return append(b, '"')
}

// appendLocal appends an e-mail local part "first.last123" in lower-case
// ASCII, dropping letters it cannot fold.
func appendLocal(b []byte, first, last string, n int) []byte {
	add := func(s string) {
		for _, r := range s {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				b = append(b, byte(r))
			case r >= 'A' && r <= 'Z':
				b = append(b, byte(r+'a'-'A'))
			default:
				if a, ok := asciiFold[r]; ok {
					b = append(b, a...)
				}
			}
		}
	}
	add(first)
	b = append(b, '.')
	add(last)
	return strconv.AppendInt(b, int64(n), 10)
}

var asciiFold = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "ae", 'ã': "a", 'Á': "a", 'ą': "a",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ę': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "oe", 'õ': "o", 'ø': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "ue",
	'ç': "c", 'ć': "c", 'ñ': "n", 'ń': "n", 'ł': "l", 'ś': "s", 'ź': "z", 'ż': "z", 'ß': "ss",
}
