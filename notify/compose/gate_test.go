package compose

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/breach-notify/breach/examples"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/inventory"
)

func TestCheckFacts(t *testing.T) {
	org := inventory.Organization{Contact: inventory.Contact{Email: "privacy@store.example", Phone: "+86 512 0000 0000"}}
	base := func() *incident.Incident {
		return &incident.Incident{Title: "Order database copied", Description: "An intruder copied the order database.",
			Mitigation: incident.Mitigation{Measures: []string{"Closed the access path"}, Advice: []string{"Watch for phishing e-mails; we will never ask for your password"}}}
	}
	tests := []struct {
		name  string
		edit  func(*incident.Incident)
		field string // "" = accepted
	}{
		{"plain facts pass", func(*incident.Incident) {}, ""},
		{"organisation contact is allowed", func(in *incident.Incident) {
			in.Description += " Write to privacy@store.example or call +86 512 0000 0000."
		}, ""},
		{"another e-mail address", func(in *incident.Incident) { in.Description += " e.g. jane.doe@gmail.example was exposed" }, "description contains an e-mail address"},
		{"another phone number", func(in *incident.Incident) { in.Mitigation.Measures[0] += " (reported by +44 7700 900649)" }, "mitigation.measures[0] contains a phone number"},
		{"a card number", func(in *incident.Incident) { in.Description += " card 4111 1111 1111 1111 was seen" }, "payment card number"},
		{"an order number that fails Luhn is fine", func(in *incident.Incident) { in.Description += " order 4111 1111 1111 1112" }, ""},
		{"an IBAN", func(in *incident.Incident) { in.Description += " DE89 3704 0044 0532 0130 00" }, "IBAN"},
		{"an SSN", func(in *incident.Incident) { in.Description += " 123-45-6789" }, "social security"},
		{"a card number in full-width digits", func(in *incident.Incident) {
			in.Description += " card ４１１１ １１１１ １１１１ １１１１ was seen"
		}, "payment card number"},
		{"an e-mail address with a zero-width space", func(in *incident.Incident) { in.Description += " jane.doe@gm\u200Bail.example was exposed" }, "description contains an e-mail address"},
		{"a request for the password", func(in *incident.Incident) {
			in.Mitigation.Advice = append(in.Mitigation.Advice, "Reply with your current password and card number")
		}, "mitigation.advice[1] asks the reader for a secret"},
		{"a request in Chinese", func(in *incident.Incident) { in.Mitigation.Advice = []string{"请回复您的密码"} }, "asks the reader for a secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.edit(in)
			err := CheckFacts(in, org)
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("got %v, want no problem", err)
			case tc.field != "" && (err == nil || !strings.Contains(err.Error(), tc.field)):
				t.Errorf("got %v, want a problem naming %q", err, tc.field)
			}
			if err != nil && (strings.Contains(err.Error(), "4111") || strings.Contains(err.Error(), "gmail")) {
				t.Errorf("the error quotes the data it found: %v", err)
			}
		})
	}
}

func TestExampleIncidentsPassTheGate(t *testing.T) {
	inv, err := inventory.Load("../../examples/seestar/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	names, err := examples.Incidents()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		raw, err := examples.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		in, err := incident.Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := CheckFacts(in, inv.Organization); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCredentialRequests: notices never ask for credentials. A
// sentence of the incident's free text that pairs a secret (password, PIN,
// card number, CVV, one-time code, login, account number…) with a request
// (log in, reply, send, enter, provide, verify, confirm, type, share…) is
// refused; the advice notices usually give about the same secrets is not.
// The first two refused sentences passed the gate until the review of
// issue 4 (finding 6); the sentences marked "review diff2" were wrongly
// accepted (finding 2) or refused (finding 3) until that review. No
// earlier row changed.
func TestCredentialRequests(t *testing.T) {
	org := inventory.Organization{Website: "https://store.example", Contact: inventory.Contact{Email: "privacy@store.example"}}
	refused := []string{
		"Log in at https://store.example/account with your password and card number to verify your identity",
		"Reply to this e-mail with your password so we can check your account",
		"Send us your password and the card number so we can secure your account",
		"Please type your PIN and card number at https://store.example/verify",
		"Reply with your current password and card number",
		"Confirm your card number and CVV on our website.",
		"To keep your account, enter the one-time code we sent you.",
		"Re-enter your login details at www.store.example",
		"Provide your account number to receive the refund",
		"Share your passcode with our support agent when they call",
		"Do not worry, please send us your password.",
		"No need to worry: reply with your PIN.",
		"We have reset the system, so sign in with your old password",
		"We need your password to verify your account",
		"We ask for your card number and security code",
		"We need you to confirm your PIN",
		"Geben Sie Ihr Passwort und Ihre Kartennummer auf https://store.example/konto ein",
		"Bitte bestätigen Sie Ihre PIN per Antwort auf diese E-Mail.",
		"Senden Sie uns Ihr Einmalpasswort.",
		"Envoyez-nous votre mot de passe pour vérifier votre compte.",
		"Veuillez saisir votre code PIN et votre numéro de carte.",
		"Envíenos su contraseña para verificar su cuenta.",
		"Introduzca su PIN en el enlace.",
		"请回复您的密码",
		"请登录以下网址并输入您的银行卡号。",
		"请提供您的PIN码以核实身份",
		// Review diff2, finding 2: these passed the gate. A negation or a
		// warning that governs another verb ("delay", "losing access",
		// "fake charges") ends at the comma; the request after it is made.
		"Don't delay, reply with your password today.",
		"To avoid losing access, reply with your password.",
		"Fake charges may appear, so confirm your card number with us.",
		"No action is needed other than to confirm your password.",
		"Without your password we cannot restore access, so email it to privacy@store.example.",
		// We need (require) the reader's secret: a demand with no request verb.
		"We need your current password to restore your account.",
		"We require your PIN to unblock the card.",
		"Wir benötigen Ihr Passwort, um Ihr Konto wiederherzustellen.",
		// Request verbs the list missed.
		"Call us and tell us your PIN.",
		"Let us know your card number so we can block it.",
		"Mail us your password.",
		"Text us your PIN.",
		"Message us your one-time code.",
		"Call us with your card number.",
		"Give your PIN to our agent when they call.",
		"Give our agent your card number.",
		"Submit your password on our website.",
		"Update your card number on our website.",
		"Sagen Sie uns Ihre PIN.",
		"Write down your password and hand it to our staff.",
		"We will call you and ask for your PIN.",
		"We need your new password.",
		// A negation after its verb ends at the comma too.
		"Zögern Sie nicht, senden Sie uns Ihr Passwort.",
		"Ne tardez pas, envoyez-nous votre mot de passe.",
		"No espere, envíenos su contraseña.",
		"不用担心，回复您的密码即可。",
		// Logging in through a link or "here/below" is what phishing asks
		// for, even to change the password.
		"Sign in here and change your password.",
		"Sign in at https://store.example and change your password.",
		"Sign in with your password and change it.",
		"Choose a new password and send it to us.",
		"请点击下方链接登录并修改密码。",
	}
	accepted := []string{
		"Change your password",
		"Change your password for your account with us, and anywhere else you used the same password.",
		"We will never ask for your password",
		"We will never ask you for your password, your card details or any other credentials by email, text message or phone, and this notice does not ask you to sign in anywhere.",
		"We will never ask you to log in, confirm your password or send your card number by e-mail.",
		"We reset your password",
		"Use a unique password for every website",
		"Passwords were hashed",
		"The passwords were stored in hashed form; card numbers were not affected.",
		"Do not share your PIN with anyone, not even with us.",
		"Never reply to messages that ask for your password or card number.",
		"Be careful with e-mails that ask you to confirm your card number or send your password.",
		"If you receive an e-mail asking you to confirm your password, do not reply and delete it.",
		"Messages asking you to enter your PIN are fake.",
		"Set a new password when you next log in, and change it anywhere else you used the same one",
		"Attackers used passwords stolen from other websites to log in to 12 accounts.",
		"Someone could sign in to your account with your password.",
		"We will send you a new PIN by post.",
		"We have asked our bank to send new card numbers to affected customers.",
		"Turn on two-step verification and choose a new password.",
		"Check your card statements and tell your bank about payments you do not recognise.",
		"You can check this notice on our announcement page with the reference and verification code.",
		"Geben Sie Ihr Passwort niemals weiter.",
		"Wir werden Sie niemals nach Ihrem Passwort fragen.",
		"Wir senden Ihnen eine neue PIN per Post.",
		"Ändern Sie Ihr Passwort und verwenden Sie es nirgends sonst.",
		"Ne communiquez jamais votre mot de passe.",
		"Nous ne vous demanderons jamais de confirmer votre mot de passe.",
		"Changez votre mot de passe.",
		"No comparta su contraseña con nadie.",
		"Nunca le pediremos que confirme su contraseña.",
		"Cambie su contraseña.",
		"请修改您的密码。",
		"我们绝不会要求您提供密码或银行卡号。",
		"请勿回复您的密码。",
		"我们会通过邮寄向您发送新的PIN码。",
		// Review diff2, finding 3: ordinary advice that was refused. The
		// danger is the reader giving a secret to someone; choosing or
		// changing one's own password after logging in on our own site is
		// the usual advice after a breach.
		"Choose a new password the next time you sign in.",
		"We have reset your password and you will need to choose a new password the next time you sign in.",
		"Sign in and change your password.",
		"Sign in to your account on our website and change your password.",
		"Log in to your account and update your password.",
		"登录并更改您的密码。",
		"请登录您的账户并修改密码。",
		"Melden Sie sich an und ändern Sie Ihr Passwort.",
		"Connectez-vous à votre compte et changez votre mot de passe.",
		"Inicie sesión en su cuenta y cambie su contraseña.",
		// The reader asks the bank: "ask for" is a demand only when we (or
		// someone else) ask.
		"Ask your bank for a new card number.",
		"Ask for a new card number.",
		"Call your bank to cancel the card and ask for a new card number.",
		"You can ask for a new PIN at any branch.",
		"You will need your card number when you call your bank.",
		// "sich bei … melden" is "contact", not "log in" ("sich … anmelden").
		"Melden Sie sich bei Ihrer Bank und lassen Sie Ihre Kartennummer sperren.",
		// A negation still governs its request verbs across a comma: a list
		// of what we never ask, or a parenthesis after the negation.
		"We will never ask you to reply with your password.",
		"Never, under any circumstances, reply with your password.",
		"Do not reply, click links or send your password to anyone who asks.",
		"Ignore any e-mail, text or call telling you to send your password.",
		"Tell your bank about any payment you do not recognise and ask for a new card number.",
		"Let us know if you notice payments you do not recognise; your card number was not affected.",
		"不要回复、转发或提供您的密码。",
		// A warning governs a list of requests across later commas
		// (examples/seestar/incidents/01).
		"Be careful with calls, text messages or e-mails that mention your order and ask you to pay, confirm a delivery or give a password",
		"Ne répondez jamais, sous aucun prétexte, avec votre mot de passe.",
		"Melden Sie sich an, um Ihr Passwort zu ändern.",
	}
	run := func(text string) error {
		in := &incident.Incident{Title: "Order database copied", Description: "An intruder copied the order database.",
			Mitigation: incident.Mitigation{Measures: []string{"Closed the access path"}, Advice: []string{text}}}
		return CheckFacts(in, org)
	}
	for _, s := range refused {
		if err := run(s); err == nil || !strings.Contains(err.Error(), "mitigation.advice[0] asks the reader for a secret") {
			t.Errorf("%q: got %v, want it refused as a request for a secret", s, err)
		}
	}
	for _, s := range accepted {
		if err := run(s); err != nil {
			t.Errorf("%q: got %v, want it accepted", s, err)
		}
	}
}

// TestNoticeTextsPassTheCredentialRule: the default advice of every
// locale's catalog (used when the incident gives none) and the templates'
// own warning about passwords must pass the credential and link rules, or
// an operator who copies them into an incident would be refused.
func TestNoticeTextsPassTheCredentialRule(t *testing.T) {
	defines := regexp.MustCompile(`\{\{define "(never_password|verify_hint|sms)"\}\}(.*?)\{\{end\}\}`)
	for _, loc := range []string{"en", "de", "fr", "es", "zh-CN"} {
		dir := filepath.Join("..", "..", "templates", "files", loc)
		raw, err := os.ReadFile(filepath.Join(dir, "catalog.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var cat struct {
			Advice         map[string]string `yaml:"advice"`
			GuardianAdvice map[string]string `yaml:"guardian_advice"`
		}
		if err := yaml.Unmarshal(raw, &cat); err != nil {
			t.Fatal(err)
		}
		texts := map[string]string{}
		for k, v := range cat.Advice {
			texts["advice."+k] = v
		}
		for k, v := range cat.GuardianAdvice {
			texts["guardian_advice."+k] = v
		}
		if len(cat.Advice) == 0 || len(cat.GuardianAdvice) == 0 {
			t.Fatalf("%s: got no advice from the catalog", loc)
		}
		for _, f := range []string{"notice.tmpl", "sms.tmpl"} {
			src, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range defines.FindAllStringSubmatch(string(src), -1) {
				texts[f+":"+m[1]] = regexp.MustCompile(`\{\{.*?\}\}`).ReplaceAllString(m[2], "X")
			}
		}
		own := newOwnDomains("https://store.example")
		for name, text := range texts {
			if secret, request, ok := credentialAsk(text); ok {
				t.Errorf("%s %s: got %q refused (%q with %q), want it accepted", loc, name, text, request, secret)
			}
			if l, ok := findLinkProblem(foldText(text), normalizeText(text), own); ok {
				t.Errorf("%s %s: got %q refused for the link %q, want it accepted", loc, name, text, l.link)
			}
		}
	}
}

// TestRefusalShowsNormalizedForm: a refusal names the field and the words
// it matched, and the sentence as the gate read it when invisible or
// look-alike characters changed it, without the digits or e-mail
// addresses of the sentence.
func TestRefusalShowsNormalizedForm(t *testing.T) {
	tests := []struct {
		name, advice string
		want         []string
		notWant      []string
	}{
		{"plain text names the words only", "Reply with your password.",
			[]string{`mitigation.advice[0] asks the reader for a secret ("reply" with "password" in one sentence)`}, []string{"read as"}},
		{"a soft hyphen", "Reply with your pass\u00ADword.",
			[]string{`("reply" with "password" in one sentence, read as "reply with your password."`}, nil},
		{"Cyrillic letters", "Sеnd us your РIN.",
			[]string{`("send" with "pin" in one sentence, read as "send us your pin."`}, nil},
		{"digits and addresses are hidden", "Reply to jane@mail.example with your pass\u200Bword and card 4111 1111 1111 1111.",
			[]string{"read as", "<e-mail>", "<number>"}, []string{"4111", "jane@"}},
	}
	org := inventory.Organization{Website: "https://store.example", Contact: inventory.Contact{Email: "privacy@store.example"}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &incident.Incident{Title: "Order database copied", Description: "An intruder copied the order database.",
				Mitigation: incident.Mitigation{Advice: []string{tc.advice}}}
			err := CheckFacts(in, org)
			if err == nil {
				t.Fatalf("got no error, want a refusal")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want it to contain %q", err, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want no %q in it", err, w)
				}
			}
		})
	}
}

// TestOwnDomains: the organisation's domains are the registrable domains
// of its website, its contact address and the further names it is given;
// their subdomains are its own, look-alikes and other domains are not.
func TestOwnDomains(t *testing.T) {
	own := newOwnDomains("https://www.store.example/", "privacy@mail.store-group.example", "notices.example.com:8443", "", "not a host")
	tests := []struct {
		host           string
		owns, imitates bool
	}{
		{"store.example", true, false},
		{"help.store.example", true, false},
		{"WWW.STORE.EXAMPLE", true, false},
		{"store-group.example", true, false},
		{"notices.example.com", true, false},
		{"other.example.com", true, false},
		{"stоre.example", false, true},
		{"store.example.evil.example", false, false},
		{"brand-verify.example", false, false},
		{"example.com.evil.example", false, false},
	}
	for _, tc := range tests {
		if got := own.owns(tc.host); got != tc.owns {
			t.Errorf("owns(%q): got %v, want %v", tc.host, got, tc.owns)
		}
		if got := !own.owns(tc.host) && own.imitates(tc.host); got != tc.imitates {
			t.Errorf("imitates(%q): got %v, want %v", tc.host, got, tc.imitates)
		}
	}
}

// TestComposerCheckFacts: the composer's gate counts the announcement
// page's domain and the configured own domains as the organisation's; the
// plain gate does not know them.
func TestComposerCheckFacts(t *testing.T) {
	in := exampleIncident(t)
	in.Mitigation.Advice = []string{"Read the full notice at notices.store-group.example/2026-0042."}
	src := &incidents{byRev: map[int]*incident.Incident{in.Revision: in}}
	inv := exampleInventory(t)
	c, err := New(Config{Templates: templateSet(t), Inventory: inv, Secret: testSecret, Now: fixedNow,
		AnnouncementURL: "https://notices.store-group.example/2026-0042"}, IncidentsFunc(src.get))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckFacts(in); err != nil {
		t.Errorf("Composer.CheckFacts: got %v, want the announcement domain accepted", err)
	}
	if err := CheckFacts(in, inv.Organization); err == nil || !strings.Contains(err.Error(), `"notices.store-group.example/2026-0042"`) {
		t.Errorf("CheckFacts: got %v, want the unknown domain refused", err)
	}
	in.Mitigation.Advice = []string{"Our shop on seestar-shop.example was not affected."}
	if err := c.CheckFacts(in); err == nil {
		t.Errorf("Composer.CheckFacts: got no error, want a domain not configured refused")
	}
	c2, err := New(Config{Templates: templateSet(t), Inventory: inv, Secret: testSecret, Now: fixedNow,
		OwnDomains: []string{"seestar-shop.example"}}, IncidentsFunc(src.get))
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.CheckFacts(in); err != nil {
		t.Errorf("Composer.CheckFacts with OwnDomains: got %v, want it accepted", err)
	}
}

// BenchmarkGate measures the gate on typical incidents: the English
// example (ASCII, the fast path) and the same with advice in the five
// languages and an invisible character (the Unicode path).
func BenchmarkGate(b *testing.B) {
	raw, err := os.ReadFile("../../examples/incidents/01-exfiltration-orders.json")
	if err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Load("../../examples/inventory.yaml")
	if err != nil {
		b.Fatal(err)
	}
	en, err := incident.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	mixed, err := incident.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	mixed.Mitigation.Advice = append(mixed.Mitigation.Advice,
		"Geben Sie Ihr Passwort niemals weiter; wir fragen Sie nie nach Ihrer PIN.",
		"Ne communiquez jamais votre mot de passe ni votre date de naissance.",
		"No comparta su contraseña con nadie; nunca le pediremos su PIN.",
		"我们绝不会要求您提供密码、出生日期或短信验证码。",
		"Never share your pass\u00ADword; read the full notice at https://store.example.")
	for _, tc := range []struct {
		name string
		in   *incident.Incident
	}{{"example-01", en}, {"five-languages", mixed}} {
		if err := CheckFacts(tc.in, inv.Organization); err != nil {
			b.Fatalf("%s: %v", tc.name, err)
		}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				_ = CheckFacts(tc.in, inv.Organization)
			}
		})
	}
}

// TestOwnDomainWithDigits: the organisation's own domain is accepted as
// written even when its digits would read as letters.
func TestOwnDomainWithDigits(t *testing.T) {
	org := inventory.Organization{Website: "https://shop24.example", Contact: inventory.Contact{Email: "privacy@shop24.example"}}
	in := &incident.Incident{Title: "Order database copied", Description: "An intruder copied the order database.",
		Mitigation: incident.Mitigation{Advice: []string{"See shop24.example/help or write to privacy@shop24.example."}}}
	if err := CheckFacts(in, org); err != nil {
		t.Errorf("got %v, want it accepted", err)
	}
	in.Mitigation.Advice = []string{"See sh0p24.example/help."}
	if err := CheckFacts(in, org); err == nil || !strings.Contains(err.Error(), "imitates") {
		t.Errorf("got %v, want the look-alike refused as an imitation", err)
	}
}
