package examples

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generate rewrites the synthetic subject directories of the examples that
// are generated (every example but the Seestar Store, whose people were
// generated once and then edited by hand).
var generate = flag.Bool("generate", false, "rewrite the generated subject directories of the examples")

// TestExampleSubjectsAreGenerated checks that each generated directory on disk is
// exactly what its generator writes, so the committed people and the
// generator below never drift; -generate rewrites them.
func TestExampleSubjectsAreGenerated(t *testing.T) {
	for _, g := range generators {
		t.Run(g.example, func(t *testing.T) {
			want, err := g.render()
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(g.example, g.file())
			if *generate {
				if err := os.WriteFile(file, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what its generator writes; run go test ./examples -run TestExampleSubjectsAreGenerated -generate", file)
			}
		})
	}
}

// person is one generated row of a subject directory.
type person struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Email         string   `json:"email,omitempty"`
	Phone         string   `json:"phone,omitempty"`
	Locale        string   `json:"locale"`
	Country       string   `json:"country"`
	Region        string   `json:"region,omitempty"`
	Minor         bool     `json:"minor,omitempty"`
	GuardianEmail string   `json:"guardian_email,omitempty"`
	GuardianPhone string   `json:"guardian_phone,omitempty"`
	PostalAddress string   `json:"postal_address,omitempty"`
	Systems       []string `json:"systems"`
	Devices       []device `json:"devices,omitempty"`
}

type device struct {
	Platform string `json:"platform"`
	Token    string `json:"token"`
}

// country is where generated people live: its share, locales, regions
// (weights by repetition), name pools (with the Latin spelling used for
// e-mail addresses), e-mail domain, a phone range that reaches nobody and
// an address maker.
type country struct {
	code     string
	weight   int
	locales  []string
	regions  []string
	given    []name
	family   []name
	domain   string
	phone    func(r *rand.Rand) string // nil: no number range known to reach nobody
	address  func(r *rand.Rand) string
	eastern  bool // family name first, no space (Chinese)
	romanize bool // e-mail from the Latin spelling
}

// name is a name as written and its Latin spelling for e-mail addresses.
type name struct{ text, latin string }

func names(s ...string) []name {
	out := make([]name, len(s))
	for i, x := range s {
		text, latin, ok := strings.Cut(x, "|")
		if !ok {
			latin = x
		}
		out[i] = name{text, latin}
	}
	return out
}

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

// Phone numbers that reach nobody: NANP 555-0100..0199 (reserved for
// fiction), Ofcom 07700 900xxx, ARCEP 01 99 00 xx xx, ComReg 020 91x xxxx,
// ACMA (02) 5550 xxxx; in China, Beijing subscriber numbers never begin
// with 0, so +86 10 0xxx xxxx is no line.
func nanp(areas ...string) func(*rand.Rand) string {
	return func(r *rand.Rand) string {
		return fmt.Sprintf("+1 %s 555 01%s", areas[r.IntN(len(areas))], digits(r, 2))
	}
}
func ukPhone(r *rand.Rand) string { return "+44 7700 900" + digits(r, 3) }
func frPhone(r *rand.Rand) string { return "+33 1 99 00 " + digits(r, 2) + " " + digits(r, 2) }
func iePhone(r *rand.Rand) string { return "+353 20 91" + digits(r, 1) + " " + digits(r, 4) }
func auPhone(r *rand.Rand) string { return "+61 2 5550 " + digits(r, 4) }
func cnPhone(r *rand.Rand) string { return "+86 10 0" + digits(r, 3) + " " + digits(r, 4) }

func street(suffix string, cities ...string) func(*rand.Rand) string {
	return func(r *rand.Rand) string {
		return fmt.Sprintf("%d Example %s, %s", 1+r.IntN(480), suffix, cities[r.IntN(len(cities))])
	}
}

func cnStreet(r *rand.Rand) string {
	cities := []string{"北京市朝阳区", "北京市海淀区", "上海市浦东新区", "广州市天河区", "长沙市岳麓区", "徐州市铜山区", "济南市历城区", "成都市武侯区"}
	return fmt.Sprintf("%s示例路%d号", cities[r.IntN(len(cities))], 1+r.IntN(300))
}

var (
	givenCN  = names("伟|wei", "芳|fang", "娜|na", "敏|min", "静|jing", "磊|lei", "洋|yang", "勇|yong", "杰|jie", "涛|tao", "浩然|haoran", "子涵|zihan", "雨桐|yutong", "梓轩|zixuan", "欣怡|xinyi", "宇航|yuhang", "思远|siyuan", "佳琪|jiaqi", "建国|jianguo", "秀英|xiuying")
	familyCN = names("王|wang", "李|li", "张|zhang", "刘|liu", "陈|chen", "杨|yang", "赵|zhao", "黄|huang", "周|zhou", "吴|wu", "徐|xu", "孙|sun", "胡|hu", "朱|zhu", "高|gao", "林|lin", "何|he", "郭|guo", "马|ma", "罗|luo")
	givenEN  = names("James", "Olivia", "Noah", "Emma", "Liam", "Ava", "Ethan", "Mia", "Lucas", "Harper", "Mason", "Ella", "Logan", "Grace", "Daniel", "Chloe", "Samuel", "Zoe", "Isaac", "Nora")
	familyEN = names("Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Lee", "Clark", "Walker", "Young", "King", "Wright", "Nguyen", "Patel")
	givenDE  = names("Lukas", "Anna", "Felix", "Lea", "Jonas", "Marie", "Leon", "Sophie", "Paul", "Hannah", "Jürgen|juergen", "Jörg|joerg")
	familyDE = names("Müller|mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter")
	givenFR  = names("Camille", "Léa|lea", "Hugo", "Chloé|chloe", "Louis", "Manon", "Jules", "Inès|ines", "Arthur", "Zoé|zoe")
	familyFR = names("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau")
	givenES  = names("Hugo", "Lucía|lucia", "Mateo", "Sofía|sofia", "Martín|martin", "María|maria", "Pablo", "Carmen")
	familyES = names("García|garcia", "Rodríguez|rodriguez", "González|gonzalez", "López|lopez", "Martínez|martinez", "Sánchez|sanchez")
	givenIT  = names("Leonardo", "Sofia", "Francesco", "Giulia", "Alessandro", "Aurora", "Lorenzo", "Alice")
	familyIT = names("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci")
	givenNL  = names("Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Tess")
	familyNL = names("de Jong|dejong", "Jansen", "de Vries|devries", "van Dijk|vandijk", "Bakker", "Visser")
	givenIE  = names("Conor", "Aoife", "Seán|sean", "Niamh", "Cian", "Ciara")
	familyIE = names("Murphy", "Kelly", "O'Sullivan|osullivan", "Walsh", "Byrne", "Ryan")
	givenJP  = names("陽翔|haruto", "結衣|yui", "蒼|sota", "葵|aoi", "湊|minato", "陽菜|hina", "蓮|ren", "さくら|sakura")
	familyJP = names("佐藤|sato", "鈴木|suzuki", "高橋|takahashi", "田中|tanaka", "渡辺|watanabe", "伊藤|ito", "山本|yamamoto", "中村|nakamura")
	givenIN  = names("Aarav", "Aadhya", "Vivaan", "Ananya", "Aditya", "Diya", "Arjun", "Saanvi", "Ishaan", "Kavya", "Rohan", "Meera", "Vikram", "Lakshmi")
	familyIN = names("Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Das", "Mehta", "Joshi", "Rao", "Banerjee", "Khan")
	givenSG  = names("Wei Ming|weiming", "Hui Min|huimin", "Jun Jie|junjie", "Xin Yi|xinyi", "Aisyah", "Muhammad", "Priya", "Arun")
	familySG = names("Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua")
)

// The countries people of the examples live in.
var (
	cnC = country{code: "CN", locales: []string{"zh-CN"}, regions: []string{"BJ", "BJ", "SH", "GD", "HN", "JS", "SD", "SC"},
		given: givenCN, family: familyCN, domain: "example.cn", phone: cnPhone, address: cnStreet, eastern: true, romanize: true}
	usC = country{code: "US", locales: []string{"en-US", "en-US", "en-US", "es-US"}, regions: []string{"CA", "CA", "CA", "NY", "NY", "TX", "TX", "WA", "IL", "FL", "MA"},
		given: givenEN, family: familyEN, domain: "example.com", phone: nanp("212", "415", "512", "206", "312", "305", "617"), address: street("Avenue", "Springfield", "Riverside", "Fairview", "Madison")}
	gbC = country{code: "GB", locales: []string{"en-GB"}, given: givenEN, family: familyEN, domain: "example.org", phone: ukPhone, address: street("Street", "London", "Leeds", "Glasgow", "Cardiff")}
	deC = country{code: "DE", locales: []string{"de-DE"}, given: givenDE, family: familyDE, domain: "example.de", address: street("Straße", "Berlin", "München", "Hamburg", "Köln")}
	frC = country{code: "FR", locales: []string{"fr-FR"}, given: givenFR, family: familyFR, domain: "example.net", phone: frPhone, address: street("Rue", "Paris", "Lyon", "Lille", "Nantes")}
	esC = country{code: "ES", locales: []string{"es-ES"}, given: givenES, family: familyES, domain: "example.net", address: street("Calle", "Madrid", "Valencia", "Sevilla")}
	itC = country{code: "IT", locales: []string{"it-IT"}, given: givenIT, family: familyIT, domain: "example.net", address: street("Via", "Roma", "Milano", "Torino")}
	nlC = country{code: "NL", locales: []string{"nl-NL"}, given: givenNL, family: familyNL, domain: "example.org", address: street("Straat", "Amsterdam", "Utrecht", "Rotterdam")}
	ieC = country{code: "IE", locales: []string{"en-IE"}, given: givenIE, family: familyIE, domain: "example.org", phone: iePhone, address: street("Road", "Dublin", "Cork", "Galway")}
	jpC = country{code: "JP", locales: []string{"ja-JP"}, given: givenJP, family: familyJP, domain: "example.jp", address: street("Dori", "Tokyo", "Osaka", "Nagoya"), eastern: true, romanize: true}
	inC = country{code: "IN", locales: []string{"en-IN", "en-IN", "hi-IN"}, regions: []string{"MH", "MH", "KA", "KA", "DL", "TN", "TG"},
		given: givenIN, family: familyIN, domain: "example.in", address: street("Road", "Mumbai", "Bengaluru", "New Delhi", "Chennai", "Hyderabad")}
	sgC = country{code: "SG", locales: []string{"en-SG", "en-SG", "zh-SG"}, given: givenSG, family: familySG, domain: "example.sg", address: street("Road", "Singapore")}
	auC = country{code: "AU", locales: []string{"en-AU"}, regions: []string{"NSW", "NSW", "VIC", "QLD"}, given: givenEN, family: familyEN, domain: "example.com.au", phone: auPhone, address: street("Street", "Sydney", "Melbourne", "Brisbane")}
	caC = country{code: "CA", locales: []string{"en-CA", "en-CA", "fr-CA"}, regions: []string{"ON", "ON", "BC", "QC"}, given: givenEN, family: familyEN, domain: "example.ca", phone: nanp("416", "604", "514"), address: street("Avenue", "Toronto", "Vancouver", "Montréal")}
)

func w(c country, weight int) country { c.weight = weight; return c }

// generator writes one example's subject directory.
type generator struct {
	example string
	prefix  string
	seed    uint64
	people  int
	jsonl   bool
	where   []country
	// systems returns the systems of the i-th person; minor and child
	// say whether the person is a minor and under 14.
	systems func(r *rand.Rand, minor, child bool) []string
	// minors and children (under 14, a subset of minors) are counts; the
	// rates are per person.
	minors, children                        int
	emailRate, phoneRate, postRate, devRate float64
	noContact                               int
	guardianPhoneToo                        bool
}

func (g generator) file() string {
	if g.jsonl {
		return "subjects.jsonl"
	}
	return "subjects.csv"
}

// pick returns systems with the given probabilities, always including the
// first listed with probability 1.
func pick(r *rand.Rand, always []string, maybe map[string]float64, order []string) []string {
	out := append([]string(nil), always...)
	for _, s := range order {
		if r.Float64() < maybe[s] {
			out = append(out, s)
		}
	}
	return out
}

func (g generator) rows() []person {
	r := rand.New(rand.NewPCG(g.seed, 0x5eed))
	total := 0
	for _, c := range g.where {
		total += c.weight
	}
	out := make([]person, 0, g.people)
	seen := map[string]int{}
	for i := range g.people {
		k := r.IntN(total)
		var c country
		for _, x := range g.where {
			if k < x.weight {
				c = x
				break
			}
			k -= x.weight
		}
		given, family := c.given[r.IntN(len(c.given))], c.family[r.IntN(len(c.family))]
		p := person{ID: fmt.Sprintf("%s-%04d", g.prefix, i+1), Country: c.code, Locale: c.locales[r.IntN(len(c.locales))]}
		if len(c.regions) > 0 {
			p.Region = c.regions[r.IntN(len(c.regions))]
		}
		if c.eastern {
			p.Name = family.text + given.text
		} else {
			p.Name = given.text + " " + family.text
		}
		local := strings.ToLower(strings.ReplaceAll(given.latin+"."+family.latin, " ", ""))
		seen[local]++
		if n := seen[local]; n > 1 {
			local = fmt.Sprintf("%s%d", local, n)
		}
		// Spread minors and children evenly through the file.
		minor := g.minors > 0 && i%(g.people/g.minors) == 1 && i/(g.people/g.minors) < g.minors
		child := minor && g.children > 0 && i/(g.people/g.minors) < g.children
		p.Minor = minor
		noContact := g.noContact > 0 && !minor && i%(g.people/g.noContact) == 3 && i/(g.people/g.noContact) < g.noContact
		if !noContact {
			hasEmail := r.Float64() < g.emailRate
			if hasEmail {
				p.Email = local + "@" + c.domain
			}
			if c.phone != nil && (r.Float64() < g.phoneRate || !hasEmail) {
				p.Phone = c.phone(r)
			}
			if r.Float64() < g.postRate {
				p.PostalAddress = c.address(r)
			}
			if p.Email == "" && p.Phone == "" && p.PostalAddress == "" {
				p.Email = local + "@" + c.domain
			}
		}
		if minor {
			// A minor's own contacts go to the guardian's.
			p.Email, p.Phone = "", ""
			p.GuardianEmail = "guardian." + strings.ToLower(strings.ReplaceAll(family.latin, " ", "")) + fmt.Sprintf("%d", i+1) + "@" + c.domain
			if c.phone != nil && g.guardianPhoneToo {
				p.GuardianPhone = c.phone(r)
			}
		}
		p.Systems = g.systems(r, minor, child)
		if g.jsonl && !noContact && r.Float64() < g.devRate {
			p.Devices = append(p.Devices, newDevice(r))
			if r.IntN(5) == 0 {
				p.Devices = append(p.Devices, newDevice(r))
			}
		}
		out = append(out, p)
	}
	return out
}

// newDevice makes an APNs (64 hex digits) or FCM registration token.
func newDevice(r *rand.Rand) device {
	hex := func(n int) string {
		const h = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = h[r.IntN(16)]
		}
		return string(b)
	}
	if r.IntN(2) == 0 {
		return device{Platform: "apns", Token: hex(64)}
	}
	return device{Platform: "fcm", Token: hex(22) + ":APA91b" + hex(40)}
}

func (g generator) render() ([]byte, error) {
	var buf bytes.Buffer
	rows := g.rows()
	if g.jsonl {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for _, p := range rows {
			if err := enc.Encode(p); err != nil {
				return nil, err
			}
		}
		return buf.Bytes(), nil
	}
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"id", "name", "email", "phone", "locale", "country", "region", "minor", "guardian_email", "guardian_phone", "postal_address", "systems"})
	for _, p := range rows {
		_ = cw.Write([]string{p.ID, p.Name, p.Email, p.Phone, p.Locale, p.Country, p.Region, fmt.Sprint(p.Minor), p.GuardianEmail, p.GuardianPhone, p.PostalAddress, strings.Join(p.Systems, ";")})
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// generators are the generated examples' directories.
var generators = []generator{
	{
		example: "orionstar", prefix: "os", seed: 57, people: 300,
		where:     []country{w(cnC, 35), w(jpC, 10), w(sgC, 5), w(deC, 6), w(frC, 5), w(esC, 3), w(itC, 3), w(nlC, 2), w(gbC, 6), w(usC, 15), w(caC, 5), w(auC, 5)},
		emailRate: 1, phoneRate: 0.5, postRate: 0.3, noContact: 6,
		systems: func(r *rand.Rand, _, _ bool) []string {
			if r.IntN(12) == 0 { // erased on request: only the backup still holds them, isolated
				return []string{"backups"}
			}
			return pick(r, []string{"accounts", "backups"}, map[string]float64{"profile": 0.7, "signin-logs": 0.9, "requests": 0.12},
				[]string{"profile", "signin-logs", "requests"})
		},
	},
	{
		example: "astralcharto", prefix: "ac", seed: 1, people: 320,
		where:     []country{w(cnC, 60), w(sgC, 6), w(jpC, 5), w(usC, 10), w(caC, 4), w(auC, 4), w(gbC, 4), w(deC, 4), w(frC, 3)},
		emailRate: 0.8, phoneRate: 0.6, postRate: 0, minors: 10, noContact: 8, guardianPhoneToo: true,
		systems: func(r *rand.Rand, _, _ bool) []string {
			return pick(r, []string{"accounts", "desensitized-store", "archive"}, map[string]float64{"profiles": 0.8, "partner-imports": 0.25, "cookies": 0.85},
				[]string{"profiles", "partner-imports", "cookies"})
		},
	},
	{
		example: "orientalgreen", prefix: "og", seed: 3, people: 300, jsonl: true,
		where:     []country{w(cnC, 97), w(sgC, 3)},
		emailRate: 0.55, phoneRate: 0.95, postRate: 0.08, devRate: 0.8, minors: 36, children: 24, noContact: 10, guardianPhoneToo: true,
		systems: func(r *rand.Rand, _, child bool) []string {
			always := []string{"accounts", "logs", "devices"}
			if child {
				always = append(always, "child-profiles")
			}
			return pick(r, always, map[string]float64{"third-party-login": 0.4, "profile": 0.6, "location": 0.7, "feedback": 0.1, "conferences": 0.08},
				[]string{"third-party-login", "profile", "location", "feedback", "conferences"})
		},
	},
	{
		example: "indushome", prefix: "ih", seed: 4, people: 300, jsonl: true,
		where:     []country{w(inC, 40), w(usC, 20), w(deC, 6), w(frC, 5), w(nlC, 3), w(ieC, 2), w(esC, 3), w(itC, 3), w(gbC, 6), w(sgC, 6), w(auC, 6)},
		emailRate: 1, phoneRate: 0.3, postRate: 0.15, devRate: 0.7, minors: 12, noContact: 5,
		systems: func(r *rand.Rand, _, _ bool) []string {
			return pick(r, []string{"accounts", "logs", "backups"}, map[string]float64{"devices": 0.85, "camera-cloud": 0.25, "events": 0.1},
				[]string{"devices", "camera-cloud", "events"})
		},
	},
}
