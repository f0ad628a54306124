package compose

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The credential rule of the gate: notices never ask for credentials. A
// list of exact phrases ("enter your password") misses the
// ways an incident text can ask ("Log in at … with your password", "Reply
// to this e-mail with your password"), so the rule has two parts: a
// sentence that names a secret (password, PIN, card number, card security
// code, one-time code, login, account number, date of birth, security
// question or answer, mother's maiden name…) and holds a request (log in,
// sign in, reply, send, enter, provide, verify, confirm, type, share, tell
// us, read out, dictate…) or a demand (we ask for, we need your…) asks for
// the secret. Some requests ask only with what follows them ("include …
// in your answer", "write … on the enclosed form", see requestSequels).
// The sentence is matched in its normalized form (see normalizeText), so
// invisible characters and look-alike letters do not hide a word. The
// danger is the reader giving a secret to someone, so a request is not one
// the sentence makes of the reader when:
//
//   - it is negated or described as a scam: "we will never ask you to
//     confirm your password", "do not share your PIN", "be careful with
//     e-mails that ask you to send your password". The negation or warning
//     holds to the end of the sentence, unless a word such as "but",
//     "instead", "please" or a colon starts a new request after it ("do not
//     worry, please send your password" is refused), or it governs another
//     verb and a comma is followed by the request ("don't delay, reply with
//     your password", "to avoid losing access, reply…" are refused; "never
//     ask you to log in, confirm your password or…" and "never, under any
//     circumstances, reply…" stay negated);
//   - its subject, in the same clause, is someone else: "we will send you
//     a new PIN", "attackers used stolen passwords to log in" (unless the
//     reader is asked in between: "we need you to confirm your password"
//     is refused). A demand is ours whoever is asked, but not the reader's
//     own ("you will need your card number when you call your bank", "ask
//     for a new card number");
//   - it is the condition of the clause it is in: "set a new password when
//     you next log in", "if an e-mail asks you to confirm your password,
//     delete it";
//   - it logs in (on our own site: links are restricted to the site root
//     and the announcement page when a notice is rendered) and the only
//     secrets are passwords or PINs the reader changes or chooses: "sign in
//     and change your password". Logging in through a link, "here" or
//     "below" stays a request;
//   - it needs its object (give, tell us, let us know, update…) and no
//     secret follows it within three words, or that secret is one the
//     reader changes ("update your password").
//
// The words are listed for the five notice languages (en, de, fr, es,
// zh-CN); Latin-script words match whole words (a hyphen separates words,
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
	kindChange                    // the reader changes or chooses their own secret
	kindPlace                     // a link or a place in the message ("here", "below")
	numKinds
)

// credentialWords lists, in lower case, the words of each kind. A leading
// "~" matches inside a word (German compounds: "Einmalpasswort"); a
// request with a trailing "*" needs a secret as its object (see
// objectWords).
var credentialWords = [numKinds][]string{
	kindSecret: {
		// en
		"password", "passwords", "passcode", "passcodes", "passphrase", "pin", "pins", "pin code", "pin number",
		"card number", "card numbers", "card details", "cvv", "cvv2", "cvc", "cvc2", "security code", "security codes",
		"one-time code", "one-time codes", "one-time passcode", "otp", "sms code", "2fa code", "authentication code",
		"access code", "login", "logins", "log-in details", "login details", "sign-in details", "credentials",
		"account number", "account numbers", "bank details", "online banking details",
		"date of birth", "dates of birth", "birth date", "birthdate", "dob", "security question", "security questions",
		"security answer", "security answers", "secret question", "secret answer", "memorable word",
		"memorable information", "maiden name", "card verification code", "card verification value", "csc",
		"3-digit code", "three-digit code", "one-time password", "one-time passwords", "otp code",
		"two-factor code", "login code", "sign-in code",
		// de
		"~passwort", "~passwört", "~kennwort", "~kennwört", "~geheimzahl", "~geheimnummer", "~kartennummer",
		"~kontonummer", "~sicherheitscode", "~prüfnummer", "~zugangsdaten", "~anmeldedaten", "~einmalcode", "tan",
		"~geburtsdatum", "~sicherheitsfrage", "~sicherheitsantwort", "geheimfrage", "~mädchenname",
		"geburtsname ihrer mutter", "~sms-code", "~bestätigungscode", "~kartenprüfnummer",
		// fr
		"mot de passe", "mots de passe", "code pin", "code secret", "code confidentiel", "numéro de carte",
		"numéros de carte", "cryptogramme", "code de sécurité", "identifiant", "identifiants", "numéro de compte",
		"code à usage unique", "date de naissance", "question secrète", "questions secrètes", "réponse secrète",
		"question de sécurité", "questions de sécurité", "nom de jeune fille", "code cvv", "code sms",
		"code reçu par sms", "mot de passe à usage unique", "code d'authentification",
		// es
		"contraseña", "contraseñas", "clave", "claves", "número pin", "número de tarjeta", "números de tarjeta",
		"código de seguridad", "código de un solo uso", "número de cuenta", "credencial", "credenciales",
		"fecha de nacimiento", "pregunta de seguridad", "preguntas de seguridad", "respuesta de seguridad",
		"respuesta secreta", "pregunta secreta", "apellido de soltera", "código cvv", "código sms",
		"código de autenticación", "clave de un solo uso", "código otp",
		// zh-CN
		"密码", "口令", "银行卡号", "卡号", "信用卡号", "安全码", "短信验证码", "动态码", "动态验证码", "登录凭证", "银行账号",
		"出生日期", "生日", "密保问题", "安全问题", "密保答案", "安全问题答案", "娘家姓", "婚前姓", "cvv码", "卡背面",
		"一次性验证码", "校验码",
	},
	kindRequest: {
		"log in", "log on", "sign in", "sign on", "reply", "respond", "send", "enter", "provide", "verify",
		"confirm", "type", "share", "submit", "click", "tap", "fill in", "fill out", "input", "give us",
		"text us", "email us", "e-mail us", "call us with",
		// "include", "write" and "attach" ask only with what follows (see requestSequels)
		"include", "write", "write down", "attach", "note", "read out", "read it out", "read them out", "read us",
		"read back", "spell out", "post it", "post them", "post it back", "post back", "return it", "return them",
		"return the form", "send it back", "mail it back", "fax*", "fax it", "fax us", "say your", "tell the caller*",
		"tell the agent*", "dictate",
		"geben", "gib", "eingeben", "einzugeben", "angeben", "anzugeben", "senden", "zu senden", "schicken",
		"übermitteln", "mitteilen", "mitzuteilen", "antworten", "bestätigen", "verifizieren", "anmelden",
		"anzumelden", "einloggen", "einzuloggen", "loggen sie sich", "melden sie sich", "eintippen", "tippen",
		"klicken", "nennen", "teilen sie",
		"fügen sie", "beifügen", "schreiben sie", "tragen sie", "lesen sie", "vorlesen", "vorzulesen", "zurückschicken",
		"zurücksenden", "zurückzusenden", "schicken sie es", "senden sie es", "diktieren",
		"envoyez", "envoyer", "répondez", "répondre", "saisissez", "saisir", "entrez", "entrer", "tapez", "taper",
		"indiquez", "indiquer", "fournissez", "fournir", "communiquez", "communiquer", "transmettez",
		"transmettre", "confirmez", "confirmer", "vérifiez", "vérifier", "partagez", "partager", "connectez",
		"connecter", "identifiez", "cliquez", "donnez",
		"incluez", "inclure", "joignez", "joindre", "écrivez", "inscrivez", "notez", "renvoyez", "retournez", "renvoyer",
		"retourner", "lisez", "lire", "dictez", "dites à notre*", "précisez", "rappelez-nous*",
		"envíe", "envíenos", "enviar", "envía", "responda", "responder", "conteste", "introduzca", "introducir",
		"ingrese", "ingresar", "escriba", "proporcione", "proporcionar", "facilite", "facilitar", "confirme",
		"confirmar", "verifique", "verificar", "comparta", "compartir", "inicie sesión", "iniciar sesión",
		"acceda", "acceder", "haga clic", "pulse", "indique", "indíquenos",
		"incluya", "incluir", "adjunte", "anote", "devuelva", "devuélvalo", "devuélvanos", "envíelo", "envíenoslo",
		"lea", "léanos", "leer", "dicte", "díctenos", "dígale a nuestro*", "escríbanos*",
		"请回复", "回复您的", "回复本", "回复此", "请发送", "发送给我们", "发给我们", "发送您的", "请输入", "输入您的",
		"请提供", "提供您的", "请确认", "确认您的", "请验证", "验证您的", "请登录", "登录您的", "立即登录", "请填写",
		"填写您的", "请提交", "提交您的", "请点击", "点击链接", "告诉我们您的", "告知我们您的", "分享您的",
		"附上", "写在", "写明", "写下", "寄回", "寄给我们", "邮寄给我们", "念出", "读出", "报出", "告诉客服", "告知客服",
		"告诉我们的客服", "向客服提供", "核实您的",
		// requests that need their object: "give your PIN", not "give your bank a call"
		"give*", "tell us*", "tell our*", "let us know*", "mail us*", "mail your*", "text your*", "message us*",
		"update*", "mail it", "email it", "text it", "hand it", "hand over*",
		"sagen sie uns*", "aktualisieren*", "dites-nous*", "mettez à jour*", "díganos*", "actualice*",
		"登录",
	},
	kindDemand: {
		"ask for", "asks for", "ask you for", "asks you for", "request your", "requests your", "require your",
		"requires your",
		"bitten sie um", "bitten wir sie um",
		"demandons votre", "vous demandons votre",
		"le pedimos su", "le solicitamos su", "solicitamos su",
		"need your", "needs your", "wir benötigen ihr", "wir benötigen ihre", "benötigen wir ihr",
		"benötigen wir ihre", "wir brauchen ihr", "wir brauchen ihre", "brauchen wir ihr", "brauchen wir ihre",
		"avons besoin de votre", "necesitamos su", "我们需要您的",
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
		":", "：", "but", "instead", "however", "rather", "please", "simply", "just", "other than", "except",
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
	kindChange: {
		"change", "reset", "choose", "set", "update", "create", "pick",
		"ändern", "zurücksetzen", "zurückzusetzen", "wählen", "vergeben", "erneuern", "aktualisieren",
		"changez", "changer", "modifiez", "modifier", "réinitialisez", "réinitialiser", "choisissez", "choisir",
		"définissez", "définir", "mettez à jour", "mettre à jour",
		"cambie", "cambiar", "modifique", "modificar", "restablezca", "restablecer", "elija", "elegir",
		"actualice", "actualizar",
		"修改", "更改", "更换", "重置", "设置", "设定",
	},
	kindPlace: {
		"://", "www", "here", "below", "link", "links", "url",
		"hier", "unten", "folgenden",
		"ici", "lien", "ci-dessous",
		"aquí", "enlace", "abajo",
		"链接", "网址", "下方", "以下", "此处", "这里",
	},
}

// loginWords are the requests that log in. Logging in on our own site to
// change one's password is advice, not a request for the password.
var loginWords = []string{
	"log in", "log on", "sign in", "sign on", "anmelden", "anzumelden", "einloggen", "einzuloggen",
	"loggen sie sich", "melden sie sich", "connectez", "connecter", "identifiez", "inicie sesión",
	"iniciar sesión", "acceda", "acceder", "请登录", "登录您的", "立即登录", "登录",
}

// ownSecrets are the secrets the reader chooses and may change: a
// password or PIN, not a card number, CVV or one-time code.
var ownSecrets = []string{
	"password", "passwords", "passcode", "passcodes", "passphrase", "pin", "pins", "pin code", "pin number",
	"passwort", "passwört", "kennwort", "kennwört", "geheimzahl", "geheimnummer",
	"mot de passe", "mots de passe", "code pin", "code secret", "code confidentiel",
	"contraseña", "contraseñas", "clave", "claves", "número pin",
	"密码", "口令",
	// security questions and answers are the reader's to change too
	"security question", "security questions", "security answer", "security answers", "secret question",
	"secret answer", "memorable word", "memorable information", "sicherheitsfrage", "sicherheitsantwort",
	"geheimfrage", "question secrète", "questions secrètes", "réponse secrète", "question de sécurité",
	"questions de sécurité", "pregunta de seguridad", "preguntas de seguridad", "respuesta de seguridad",
	"respuesta secreta", "pregunta secreta", "密保问题", "安全问题", "密保答案", "安全问题答案",
}

// objectWords is how many words a request marked "*" may stand before its
// secret: "give our agent your PIN".
const objectWords = 3

// readerDemands are the demands the reader may make themselves ("ask for
// a new card number", "you will need your card number").
var readerDemands = []string{"ask for", "need your", "request your", "require your", "bitten sie um"}

// readerWords are the words before a demand that make it the reader's:
// "you", or the start of the clause, "and", "or", "to" or "please" before
// an imperative ("call your bank and ask for…"); auxiliaryWords may stand
// between ("you will need your").
var (
	readerWords    = []string{"you", "you'll", "you'd", "you've", "", "and", "or", "to", "please"}
	auxiliaryWords = []string{"will", "would", "can", "could", "may", "might", "must", "should", "also", "then", "just", "only", "still", "simply"}
)

// freshWords before a secret make it a new one issued to the reader ("ask
// for a new card number"); yourWords make it the reader's own.
var (
	freshWords = []string{"new", "replacement", "neue", "neuen", "neues", "nouveau", "nouvelle", "nuevo", "nueva", "新"}
	yourWords  = []string{"your", "ihr", "ihre", "ihren", "votre", "vos", "su", "sus", "您的"}
)

// scopeBreaks end a negation or warning that governs another verb when a
// request follows ("don't delay, reply…"); an enumeration comma (、) or a
// parenthesis does not.
const scopeBreaks = ",，–—"

// afterVerbNegations are the French negations that follow their verb.
var afterVerbNegations = []string{"pas", "jamais"}

// connectorWords may stand between such a break and the request: "fake
// charges may appear, so confirm your card number".
var connectorWords = []string{
	"so", "and", "then", "now", "today", "also", "therefore",
	"und", "dann", "also", "jetzt", "et", "alors", "donc", "maintenant", "y", "así", "que", "entonces", "ahora",
	"所以", "因此", "那么", "然后", "现在", "并",
}

// separableParticles are the particles a German request needs later in its
// clause: "melden Sie sich … an" logs in, "melden Sie sich bei Ihrer Bank"
// contacts the bank; "lesen Sie … vor" reads out, "lesen Sie die Hinweise"
// does not.
var separableParticles = map[string]string{"melden sie sich": "an", "lesen sie": "vor", "fügen sie": "bei", "tragen sie": "ein"}

// requestSequels are the requests that ask for something only with one of
// their sequels later in the sentence: "include your password in your
// answer" asks for it, "the stolen records include passwords" does not;
// "write your PIN on the enclosed form" asks for it, "write to us" does
// not.
var requestSequels = map[string][]string{
	"include":       replyPlaces,
	"attach":        replyPlaces,
	"note":          {"on the form", "on the enclosed form", "on the attached form", "in your reply", "in your answer"},
	"write":         writePlaces,
	"write down":    writePlaces,
	"incluez":       {"réponse", "formulaire", "courriel", "e-mail"},
	"inclure":       {"réponse", "formulaire", "courriel", "e-mail"},
	"joignez":       {"réponse", "formulaire", "courriel", "e-mail"},
	"joindre":       {"réponse", "formulaire", "courriel", "e-mail"},
	"écrivez":       {"formulaire", "renvoyez", "retournez", "envoyez", "ci-dessous", "réponse"},
	"inscrivez":     {"formulaire", "renvoyez", "retournez", "envoyez", "ci-dessous", "réponse"},
	"notez":         {"formulaire", "renvoyez", "retournez", "envoyez", "réponse"},
	"lisez":         {"voix haute", "au téléphone", "à notre", "à l'agent", "au conseiller", "-nous", "-la", "-le"},
	"lire":          {"voix haute", "au téléphone", "à notre", "à l'agent", "au conseiller"},
	"incluya":       {"respuesta", "formulario", "correo"},
	"incluir":       {"respuesta", "formulario", "correo"},
	"adjunte":       {"respuesta", "formulario", "correo"},
	"anote":         {"formulario", "devuélva", "envíe", "respuesta"},
	"lea":           {"voz alta", "por teléfono", "a nuestro", "al agente", "al operador"},
	"leer":          {"voz alta", "por teléfono", "a nuestro", "al agente", "al operador"},
	"schreiben sie": {"formular", "zurück", "antwort", "uns ihr"},
	"beifügen":      {"antwort", "formular", "e-mail"},
	"附上":            {"回复", "邮件", "表格", "回信"},
	"写在":            {"表格", "回执", "寄回", "回信"},
	"写明":            {"回复", "邮件", "表格", "回信"},
	"写下":            {"表格", "寄回", "回信", "发给"},
}

var (
	replyPlaces = []string{"in your answer", "in your reply", "in your response", "in your e-mail", "in your email",
		"in your message", "in your letter", "in the reply", "with your reply", "with your answer", "on the form",
		"to your reply", "to your answer"}
	writePlaces = []string{"on the form", "on the enclosed form", "on the attached form", "on the reply form",
		"in the box", "in the space", "below", "on this letter", "back to us", "post it", "send it", "return it",
		"and post", "and send", "and return", "mail it"}
)

// passiveAsking are the words before "asking" that make it our own request
// ("we are asking you to…") rather than a description of a scam
// ("messages asking you to…").
var passiveAsking = []string{"are", "is", "am", "we're", "i'm"}

// hit is where a word of a kind occurs in a sentence.
type hit struct {
	kind     wordKind
	pos, end int
	word     string
	object   bool // a request that needs a secret as its object
}

// credentialAsk returns the secret and the request of the first sentence of
// text that asks the reader for a secret, or ok false.
func credentialAsk(text string) (secret, request string, ok bool) {
	a, ok := askIn(normalizeText(text))
	return a.secret, a.request, ok
}

// ask is a sentence that asks the reader for a secret.
type ask struct {
	secret, request string
	sentence        string // normalized
}

// askIn returns the first sentence of normalized text that asks the reader
// for a secret.
func askIn(normalized string) (ask, bool) {
	for _, s := range sentences(normalized) {
		if secret, request, ok := sentenceAsk(s); ok {
			return ask{secret: secret, request: request, sentence: s}, true
		}
	}
	return ask{}, false
}

// sentences cuts text at sentence ends: . ! ? ; followed by a space or the
// end (so that the dots of a link do not cut), ! ? ; followed by a Chinese
// character, 。！？； and line breaks.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		end := -1
		switch r {
		case '。', '！', '？', '；', '\n':
			end = i + utf8.RuneLen(r)
		case '.', '!', '?', ';':
			// NFKC writes the full-width ！？； of Chinese text as ASCII.
			if next, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 == len(text) || unicode.IsSpace(next) || (r != '.' && isHan(next)) {
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
	if hits[kindSecret] = findWords(s, kindSecret); len(hits[kindSecret]) == 0 {
		return "", "", false
	}
	for k := range numKinds {
		if k != kindSecret {
			hits[k] = findWords(s, k)
		}
	}
	hits[kindWarning] = slices.DeleteFunc(hits[kindWarning], func(h hit) bool {
		return h.word == "asking" && slices.Contains(passiveAsking, previousWord(s, h.pos))
	})
	hits[kindRequest] = slices.DeleteFunc(hits[kindRequest], func(h hit) bool { return missingParticle(s, h) || missingSequel(s, h) })
	clauses := clauseHits(s)
	opens := append(append(slices.Clone(hits[kindNegation]), hits[kindPostNeg]...), hits[kindWarning]...)
	requests := append(slices.Clone(hits[kindRequest]), hits[kindDemand]...)
	for _, r := range requests {
		if negated(s, opens, hits[kindReset], requests, r) || negatedAfter(s, hits[kindPostNeg], r) {
			continue
		}
		if r.kind == kindRequest && inScope(hits[kindActor], hits[kindReset], append(slices.Clone(clauses), hits[kindReader]...), r.pos) {
			continue
		}
		if r.kind == kindDemand && readerDemand(s, &hits, clauses, r) {
			continue
		}
		if conditional(s, hits[kindCondition], r.pos) {
			continue
		}
		if secret, ok := askedSecret(s, &hits, requests, r); ok {
			return secret, r.word, true
		}
	}
	return "", "", false
}

// negated reports whether request r is in the scope of a negation or
// warning. A scope ends at a reset word, and at a comma that a request
// follows (after connectors such as "so") when no request stands between
// the opening word and the comma ("don't delay, reply…"). A negation right
// before a comma ("never, under any circumstances, reply…") governs the
// verb after the parenthesis.
func negated(s string, opens, resets, requests []hit, r hit) bool {
	for _, o := range opens {
		if o.pos >= r.pos || slices.ContainsFunc(resets, func(c hit) bool { return c.pos > o.pos && c.pos <= r.pos }) {
			continue
		}
		if !floating(s, o) && endsAtBreak(s, o, requests, r) {
			continue
		}
		return true
	}
	return false
}

// floating reports whether a comma follows the opening word o at once and
// o stands before the verb it negates ("never, …"), unlike a negation
// after its verb ("ne tardez pas, …", "zögern Sie nicht, …").
func floating(s string, o hit) bool {
	next, _ := utf8.DecodeRuneInString(strings.TrimLeft(s[o.end:], " "))
	return strings.ContainsRune(scopeBreaks, next) && o.kind != kindPostNeg && !slices.Contains(afterVerbNegations, o.word)
}

// endsAtBreak reports whether the first scope break between o and r
// closes o's scope before r: no request between o and the break, and a
// request, after connectors only, right after it. Later breaks do not: in
// "be careful with calls, texts or e-mails that ask you to pay, confirm a
// delivery or give a password" the warning governs the whole list.
func endsAtBreak(s string, o hit, requests []hit, r hit) bool {
	i := strings.IndexAny(s[o.end:r.pos], scopeBreaks)
	if i < 0 {
		return false
	}
	b := o.end + i
	if slices.ContainsFunc(requests, func(q hit) bool { return q.pos > o.pos && q.pos < b }) {
		return false
	}
	_, size := utf8.DecodeRuneInString(s[b:])
	after := b + size
	j := slices.IndexFunc(requests, func(q hit) bool { return q.pos >= after && q.pos <= r.pos })
	return j >= 0 && onlyConnectors(s[after:requests[j].pos])
}

// onlyConnectors reports whether text holds only connector words.
func onlyConnectors(text string) bool {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) {
		if !slices.Contains(connectorWords, w) {
			return false
		}
	}
	return true
}

// readerDemand reports whether demand r is the reader's own or asks for
// nothing the reader has: "ask for a new card number", "you will need
// your card number when you call your bank". A demand of someone else in
// the clause ("we will call you and ask for your PIN") stays a demand.
func readerDemand(s string, hits *[numKinds][]hit, clauses []hit, r hit) bool {
	if sec, ok := nextSecret(hits[kindSecret], r); ok && fresh(s[r.pos:sec.pos]) {
		return true
	}
	if !slices.Contains(readerDemands, r.word) {
		return false
	}
	if inScope(hits[kindActor], hits[kindReset], clauses, r.pos) {
		return false
	}
	clause := s[:r.pos]
	if i := strings.LastIndexAny(clause, clauseBreaks); i >= 0 {
		clause = clause[i+1:]
	}
	words := strings.Fields(clause)
	for len(words) > 0 && slices.Contains(auxiliaryWords, words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	subject := ""
	if len(words) > 0 {
		subject = words[len(words)-1]
	}
	return slices.Contains(readerWords, subject)
}

// fresh reports whether the words before a secret make it a new one
// ("a new card number") rather than the reader's ("your new password").
func fresh(between string) bool {
	words := strings.Fields(between)
	isFresh := slices.ContainsFunc(freshWords, func(f string) bool {
		return slices.Contains(words, f) || (strings.ContainsFunc(f, isHan) && strings.Contains(between, f))
	})
	isYours := slices.ContainsFunc(yourWords, func(y string) bool {
		return slices.Contains(words, y) || (strings.ContainsFunc(y, isHan) && strings.Contains(between, y))
	})
	return isFresh && !isYours
}

// nextSecret returns the first secret after r.
func nextSecret(secrets []hit, r hit) (hit, bool) {
	i := slices.IndexFunc(secrets, func(h hit) bool { return h.pos >= r.end })
	if i < 0 {
		return hit{}, false
	}
	return secrets[i], true
}

// askedSecret returns the secret request r asks for: for a request that
// needs its object, the secret right after it unless the reader changes
// it; for a log-in without a link or "here", a secret other than those the
// reader changes; else the first secret of the sentence.
func askedSecret(s string, hits *[numKinds][]hit, requests []hit, r hit) (string, bool) {
	secrets := hits[kindSecret]
	own := func(sec hit) bool { return ownChange(s, hits[kindChange], requests, sec) }
	switch {
	case r.object:
		sec, ok := nextSecret(secrets, r)
		if !ok || len(strings.Fields(s[r.end:sec.pos])) > objectWords || own(sec) {
			return "", false
		}
		return sec.word, true
	case slices.Contains(loginWords, r.word) && len(hits[kindPlace]) == 0:
		i := slices.IndexFunc(secrets, func(sec hit) bool { return !own(sec) })
		if i < 0 {
			return "", false
		}
		return secrets[i].word, true
	}
	return secrets[0].word, true
}

// ownChange reports whether secret sec is a password or PIN the reader
// changes or chooses: the nearest verb before it in its clause is a change
// ("sign in and change your password"), or, with no verb before it, a
// change follows within two words ("um Ihr Passwort zu ändern").
func ownChange(s string, changes, requests []hit, sec hit) bool {
	if !slices.Contains(ownSecrets, sec.word) {
		return false
	}
	clause := func(a, b int) bool { return !strings.ContainsAny(s[a:b], clauseBreaks) }
	var before hit
	found := false
	for _, v := range append(slices.Clone(requests), changes...) {
		if v.end <= sec.pos && clause(v.end, sec.pos) && (!found || v.pos > before.pos || (v.pos == before.pos && v.kind == kindChange)) {
			before, found = v, true
		}
	}
	if found {
		return before.kind == kindChange
	}
	for _, c := range changes {
		if c.pos >= sec.end && clause(sec.end, c.pos) {
			between := strings.Fields(s[sec.end:c.pos])
			return len(between) <= 2 && !slices.ContainsFunc(between, func(w string) bool {
				return slices.Contains([]string{"and", "or", "und", "oder", "et", "ou", "y", "o"}, w)
			})
		}
	}
	return false
}

// missingSequel reports whether request h needs a sequel (see
// requestSequels) that does not follow it in sentence s (or, for a Chinese
// request, stand anywhere in it: "在回复中附上"), or whether it checks a
// fact rather than asks for one ("verify that your date of birth is not
// your password").
func missingSequel(s string, h hit) bool {
	if slices.Contains(checkWords, h.word) && slices.Contains(thatWords, nextWord(s, h.end)) {
		return true
	}
	sequels, ok := requestSequels[h.word]
	if !ok {
		return false
	}
	rest := s[h.end:]
	if strings.ContainsFunc(h.word, isHan) {
		rest = s
	}
	return !slices.ContainsFunc(sequels, func(q string) bool { return strings.Contains(rest, q) })
}

// checkWords are the requests that, followed by one of thatWords, check a
// fact: "verify that…", "vérifiez que…".
var (
	checkWords = []string{"verify", "vérifiez", "vérifier", "verifique", "verificar"}
	thatWords  = []string{"that", "whether", "que", "qu'", "si"}
)

// nextWord returns the word that starts after pos in s.
func nextWord(s string, pos int) string {
	f := strings.FieldsFunc(s[pos:], func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
	if len(f) == 0 {
		return ""
	}
	if i := strings.IndexByte(f[0], '\''); i >= 0 {
		return f[0][:i+1]
	}
	return f[0]
}

// missingParticle reports whether German request h lacks the particle it
// needs at the end of its clause ("melden Sie sich bei Ihrer Bank" without
// "an").
func missingParticle(s string, h hit) bool {
	particle, ok := separableParticles[h.word]
	if !ok {
		return false
	}
	rest := s[h.end:]
	if i := strings.IndexAny(rest, clauseBreaks+".!?"); i >= 0 {
		rest = rest[:i]
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return !isWordRune(r) })
	for i, w := range words {
		if w == particle && (i == len(words)-1 || words[i+1] == "und" || words[i+1] == "oder") {
			return false
		}
	}
	return true
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
	for _, w := range listedWords[k] {
		for i := 0; i < len(s); {
			j := strings.Index(s[i:], w.text)
			if j < 0 {
				break
			}
			pos, end := i+j, i+j+len(w.text)
			if !w.whole || (wordBoundaryBefore(s, pos) && (w.elided || wordBoundaryAfter(s, end))) {
				out = append(out, hit{kind: k, pos: pos, end: end, word: w.text, object: w.object})
			}
			i = pos + 1
		}
	}
	slices.SortFunc(out, func(a, b hit) int { return a.pos - b.pos })
	return out
}

// listedWord is a word of credentialWords, read once.
type listedWord struct {
	text   string
	object bool // a request that needs a secret as its object ("*")
	// Latin-script words match whole words; an elided one ("n'",
	// "lorsqu'") is followed by the next word at once.
	whole, elided bool
}

// listedWords are credentialWords read.
var listedWords = func() (out [numKinds][]listedWord) {
	for k, words := range credentialWords {
		for _, w := range words {
			infix, object := strings.HasPrefix(w, "~"), strings.HasSuffix(w, "*")
			w = strings.TrimSuffix(strings.TrimPrefix(w, "~"), "*")
			whole := !infix && !strings.ContainsFunc(w, isHan) && strings.ContainsFunc(w, isWordRune)
			out[k] = append(out[k], listedWord{text: w, object: object, whole: whole, elided: strings.HasSuffix(w, "'")})
		}
	}
	return out
}()

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
