package compose

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The credential rule of the gate. DESIGN §8: notices never ask for
// credentials. A list of exact phrases ("enter your password") misses the
// ways an incident text can ask ("Log in at … with your password", "Reply
// to this e-mail with your password"), so the rule has two parts: a
// sentence that names a secret (password, PIN, card number, CVV, one-time
// code, login, account number…) and holds a request (log in, sign in,
// reply, send, enter, provide, verify, confirm, type, share…) asks for the
// secret, unless the request is one the sentence does not make of the
// reader:
//
//   - it is negated or described as a scam: "we will never ask you to
//     confirm your password", "do not share your PIN", "be careful with
//     e-mails that ask you to send your password". The negation or warning
//     holds to the end of the sentence, unless a word such as "but",
//     "instead" or "please" starts a new request after it ("do not worry,
//     please send your password" is refused);
//   - its subject, in the same clause, is someone else: "we will send you
//     a new PIN", "attackers used stolen passwords to log in" (unless the
//     reader is asked in between: "we need you to confirm your password"
//     is refused; and "we ask for your password" is a request whoever
//     asks);
//   - it is the condition of the clause it is in: "set a new password when
//     you next log in", "if an e-mail asks you to confirm your password,
//     delete it".
//
// A colon also ends a negation or warning ("no need to worry: reply with
// your PIN"). The words are listed for the five notice languages (en, de,
// fr, es, zh-CN); Latin-script words match whole words (a hyphen separates words,
// so "PIN-Code" holds "PIN"; German secrets also match inside compounds),
// Chinese ones anywhere. The rule is a heuristic for honest mistakes, not
// a parser: the error names the field, the secret and the request, and
// the operator rewords the sentence in a new revision.

// wordKind is what a listed word or phrase signals.
type wordKind int

const (
	kindSecret    wordKind = iota // something only the person should know
	kindRequest                   // asks the reader to do something with it
	kindDemand                    // we ask for it: a request whoever the subject
	kindNegation                  // opens a negated scope
	kindPostNeg                   // a German negation, also after the verb in its clause
	kindWarning                   // opens a scope describing scams
	kindReset                     // ends negated, warning and subject scopes
	kindActor                     // a subject other than the reader
	kindReader                    // the reader as the one asked
	kindCondition                 // makes the rest of its clause a condition
	numKinds
)

// credentialWords lists, in lower case, the words of each kind. A leading
// "~" matches inside a word (German compounds: "Einmalpasswort").
var credentialWords = [numKinds][]string{
	kindSecret: {
		// en
		"password", "passwords", "passcode", "passcodes", "passphrase", "pin", "pins", "pin code", "pin number",
		"card number", "card numbers", "card details", "cvv", "cvv2", "cvc", "cvc2", "security code", "security codes",
		"one-time code", "one-time codes", "one-time passcode", "otp", "sms code", "2fa code", "authentication code",
		"access code", "login", "logins", "log-in details", "login details", "sign-in details", "credentials",
		"account number", "account numbers", "bank details", "online banking details",
		// de
		"~passwort", "~passwört", "~kennwort", "~kennwört", "~geheimzahl", "~geheimnummer", "~kartennummer",
		"~kontonummer", "~sicherheitscode", "~prüfnummer", "~zugangsdaten", "~anmeldedaten", "~einmalcode", "tan",
		// fr
		"mot de passe", "mots de passe", "code pin", "code secret", "code confidentiel", "numéro de carte",
		"numéros de carte", "cryptogramme", "code de sécurité", "identifiant", "identifiants", "numéro de compte",
		"code à usage unique",
		// es
		"contraseña", "contraseñas", "clave", "claves", "número pin", "número de tarjeta", "números de tarjeta",
		"código de seguridad", "código de un solo uso", "número de cuenta", "credencial", "credenciales",
		// zh-CN
		"密码", "口令", "银行卡号", "卡号", "信用卡号", "安全码", "短信验证码", "动态码", "动态验证码", "登录凭证", "银行账号",
	},
	kindRequest: {
		"log in", "log on", "sign in", "sign on", "reply", "respond", "send", "enter", "provide", "verify",
		"confirm", "type", "share", "submit", "click", "tap", "fill in", "fill out", "input", "give us",
		"text us", "email us", "e-mail us", "call us with",
		"geben", "gib", "eingeben", "einzugeben", "angeben", "anzugeben", "senden", "zu senden", "schicken",
		"übermitteln", "mitteilen", "mitzuteilen", "antworten", "bestätigen", "verifizieren", "anmelden",
		"anzumelden", "einloggen", "einzuloggen", "loggen sie sich", "melden sie sich", "eintippen", "tippen",
		"klicken", "nennen", "teilen sie",
		"envoyez", "envoyer", "répondez", "répondre", "saisissez", "saisir", "entrez", "entrer", "tapez", "taper",
		"indiquez", "indiquer", "fournissez", "fournir", "communiquez", "communiquer", "transmettez",
		"transmettre", "confirmez", "confirmer", "vérifiez", "vérifier", "partagez", "partager", "connectez",
		"connecter", "identifiez", "cliquez", "donnez",
		"envíe", "envíenos", "enviar", "envía", "responda", "responder", "conteste", "introduzca", "introducir",
		"ingrese", "ingresar", "escriba", "proporcione", "proporcionar", "facilite", "facilitar", "confirme",
		"confirmar", "verifique", "verificar", "comparta", "compartir", "inicie sesión", "iniciar sesión",
		"acceda", "acceder", "haga clic", "pulse", "indique", "indíquenos",
		"请回复", "回复您的", "回复本", "回复此", "请发送", "发送给我们", "发给我们", "发送您的", "请输入", "输入您的",
		"请提供", "提供您的", "请确认", "确认您的", "请验证", "验证您的", "请登录", "登录您的", "立即登录", "请填写",
		"填写您的", "请提交", "提交您的", "请点击", "点击链接", "告诉我们您的", "告知我们您的", "分享您的",
	},
	kindDemand: {
		"ask for", "asks for", "ask you for", "asks you for", "request your", "requests your", "require your",
		"requires your",
		"bitten sie um", "bitten wir sie um",
		"demandons votre", "vous demandons votre",
		"le pedimos su", "le solicitamos su", "solicitamos su",
	},
	kindNegation: {
		"never", "not", "no", "nor", "don't", "doesn't", "won't", "can't", "cannot", "shouldn't", "avoid",
		"ne", "n'", "jamais", "pas", "aucun", "aucune", "ni", "nunca", "jamás", "ningún", "ninguna", "tampoco",
		"不要", "不会", "不得", "绝不", "从不", "决不", "并不", "勿", "别", "没有", "不应", "不可", "不能", "不用",
	},
	kindPostNeg: {
		"nicht", "nie", "niemals", "niemandem", "niemand", "kein", "keine", "keinen", "keinem", "keiner",
		"keinesfalls", "weder",
	},
	kindWarning: {
		"careful", "beware", "wary", "suspicious", "watch out", "look out", "ignore", "phishing", "scam", "scams",
		"scammer", "scammers", "fraudster", "fraudsters", "criminals", "fake", "that ask", "that asks", "who ask",
		"who asks", "which ask", "which asks", "asking", "claiming", "pretending", "posing",
		"vorsicht", "vorsichtig", "misstrauisch", "betrüger", "die nach",
		"méfiez", "méfier", "prudence", "vigilant", "vigilante", "qui vous demandent",
		"qui demandent", "escrocs", "fraudeurs", "hameçonnage",
		"desconfíe", "desconfiar", "cuidado", "atento", "atenta", "que le pidan", "que pidan", "estafadores",
		"警惕", "小心", "谨防", "提防", "诈骗", "索要", "冒充", "钓鱼",
	},
	kindReset: {
		":", "：", "but", "instead", "however", "rather", "please", "simply", "just",
		"aber", "sondern", "stattdessen", "jedoch", "bitte",
		"mais", "plutôt", "cependant", "veuillez", "merci de",
		"pero", "sino", "en cambio", "por favor",
		"但", "但是", "而是", "请",
	},
	kindActor: {
		"we", "we'll", "we've", "we're", "we'd", "someone", "somebody", "anyone", "attacker", "attackers",
		"intruder", "intruders", "hacker", "hackers", "they", "criminal", "thieves", "thief",
		"wir", "jemand", "angreifer", "täter", "unbekannte",
		"nous avons", "nous allons", "nous ne", "nous n'", "nous pouvons", "nous devons", "quelqu'un",
		"attaquant", "attaquants", "pirate", "pirates",
		"nosotros", "hemos", "vamos a", "podemos", "alguien", "atacante", "atacantes", "delincuentes",
		"我们", "有人", "攻击者", "黑客", "不法分子", "他人", "入侵者",
	},
	kindReader: {
		"you", "you'll", "need your", "needs your",
		"sie", "du", "benötigen ihr", "benötigen ihre", "brauchen ihr", "brauchen ihre",
		"vous devez", "vous pouvez", "vous demande", "vous demandons", "avons besoin de votre",
		"usted", "ustedes", "le pedimos", "necesitamos su",
		"您", "你",
	},
	kindCondition: {
		"when", "whenever", "if", "once", "after", "before", "until", "unless",
		"wenn", "falls", "sobald", "bevor", "nachdem",
		"quand", "lorsque", "lorsqu'", "si", "s'il", "dès que", "avant de", "après",
		"cuando", "antes de", "después de", "en cuanto",
		"如果", "如", "当", "一旦",
	},
}

// passiveAsking are the words before "asking" that make it our own request
// ("we are asking you to…") rather than a description of a scam
// ("messages asking you to…").
var passiveAsking = []string{"are", "is", "am", "we're", "i'm"}

// hit is where a word of a kind occurs in a sentence.
type hit struct {
	kind     wordKind
	pos, end int
	word     string
}

// credentialAsk returns the secret and the request of the first sentence of
// text that asks the reader for a secret, or ok false.
func credentialAsk(text string) (secret, request string, ok bool) {
	for _, s := range sentences(normalizeText(text)) {
		if secret, request, ok := sentenceAsk(s); ok {
			return secret, request, true
		}
	}
	return "", "", false
}

// normalizeText lowers text and writes typographic apostrophes as ASCII.
func normalizeText(text string) string {
	return strings.NewReplacer("’", "'", "‘", "'", "ʼ", "'").Replace(strings.ToLower(text))
}

// sentences cuts text at sentence ends: . ! ? ; followed by a space or the
// end (so that the dots of a link do not cut), 。！？； and line breaks.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		end := -1
		switch r {
		case '。', '！', '？', '；', '\n':
			end = i + utf8.RuneLen(r)
		case '.', '!', '?', ';':
			if next, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 == len(text) || unicode.IsSpace(next) {
				end = i + 1
			}
		}
		if end >= 0 {
			out = append(out, text[start:end])
			start = end
		}
	}
	return append(out, text[start:])
}

// sentenceAsk applies the credential rule to one normalized sentence.
func sentenceAsk(s string) (secret, request string, ok bool) {
	var hits [numKinds][]hit
	for k := range numKinds {
		hits[k] = findWords(s, k)
	}
	if len(hits[kindSecret]) == 0 {
		return "", "", false
	}
	hits[kindWarning] = slices.DeleteFunc(hits[kindWarning], func(h hit) bool {
		return h.word == "asking" && slices.Contains(passiveAsking, previousWord(s, h.pos))
	})
	clauses := clauseHits(s)
	opens := append(append(slices.Clone(hits[kindNegation]), hits[kindPostNeg]...), hits[kindWarning]...)
	for _, r := range append(slices.Clone(hits[kindRequest]), hits[kindDemand]...) {
		if inScope(opens, hits[kindReset], nil, r.pos) || negatedAfter(s, hits[kindPostNeg], r) {
			continue
		}
		if r.kind == kindRequest && inScope(hits[kindActor], hits[kindReset], append(clauses, hits[kindReader]...), r.pos) {
			continue
		}
		if conditional(s, hits[kindCondition], r.pos) {
			continue
		}
		return hits[kindSecret][0].word, r.word, true
	}
	return "", "", false
}

// inScope reports whether an opening word comes before pos with no closing
// word after it up to pos, and no breaking word strictly between.
func inScope(opens, closes, breaks []hit, pos int) bool {
	for _, o := range opens {
		if o.pos >= pos {
			continue
		}
		closed := slices.ContainsFunc(closes, func(c hit) bool { return c.pos > o.pos && c.pos <= pos }) ||
			slices.ContainsFunc(breaks, func(b hit) bool { return b.pos > o.pos && b.pos < pos })
		if !closed {
			return true
		}
	}
	return false
}

// negatedAfter reports whether a German negation follows request r in its
// clause ("Geben Sie Ihr Passwort niemals weiter").
func negatedAfter(s string, negs []hit, r hit) bool {
	for _, n := range negs {
		if n.pos > r.pos && !strings.ContainsAny(s[r.end:n.pos], clauseBreaks) {
			return true
		}
	}
	return false
}

// clauseBreaks end a clause within a sentence.
const clauseBreaks = ",，、:：()（）–—"

// clauseHits returns the clause breaks of s.
func clauseHits(s string) []hit {
	var out []hit
	for i, r := range s {
		if strings.ContainsRune(clauseBreaks, r) {
			out = append(out, hit{pos: i, end: i + utf8.RuneLen(r), word: string(r)})
		}
	}
	return out
}

// conditional reports whether a condition word opens the clause of pos
// before it.
func conditional(s string, conds []hit, pos int) bool {
	for _, c := range conds {
		if c.pos < pos && !strings.ContainsAny(s[c.end:pos], clauseBreaks) {
			return true
		}
	}
	return false
}

// findWords returns every occurrence of the words of kind k in s.
func findWords(s string, k wordKind) []hit {
	var out []hit
	for _, w := range credentialWords[k] {
		infix := strings.HasPrefix(w, "~")
		w = strings.TrimPrefix(w, "~")
		// Latin-script words match whole words; an elided one ("n'",
		// "lorsqu'") is followed by the next word at once.
		whole := !infix && !strings.ContainsFunc(w, isHan) && strings.ContainsFunc(w, isWordRune)
		elided := strings.HasSuffix(w, "'")
		for i := 0; i < len(s); {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			pos, end := i+j, i+j+len(w)
			if !whole || (wordBoundaryBefore(s, pos) && (elided || wordBoundaryAfter(s, end))) {
				out = append(out, hit{kind: k, pos: pos, end: end, word: w})
			}
			i = pos + 1
		}
	}
	slices.SortFunc(out, func(a, b hit) int { return a.pos - b.pos })
	return out
}

// previousWord returns the word before pos in s.
func previousWord(s string, pos int) string {
	f := strings.Fields(s[:pos])
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// isWordRune reports whether r continues a Latin-script word; Chinese
// characters do not, so "请输入PIN码" holds the word "pin".
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isHan(r)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func wordBoundaryBefore(s string, pos int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:pos])
	return pos == 0 || !isWordRune(r)
}

func wordBoundaryAfter(s string, end int) bool {
	r, _ := utf8.DecodeRuneInString(s[end:])
	return end == len(s) || !isWordRune(r)
}
