package config

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/breach-notify/breach/notify/letter"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/notify/voice"
)

// Setting is one key of the configuration as the reference lists it.
type Setting struct {
	Key     string // dotted key, e.g. "nats.url"
	Env     string // the variable that overrides it, e.g. BREACH_NATS_URL
	Type    string // text, whole number, number, true/false or duration
	Default string // the embedded default as a config file would write it; "" when empty
	Doc     string // what it does
	Secret  string // for a secret file setting: the variable read when the file is not set ("-" when none)
}

// Section is a group of settings: the keys of one struct of Config.
type Section struct {
	Key      string // dotted key of the struct, "" for the top level
	Doc      string
	Settings []Setting
}

// Docs are the descriptions of the reference: keyDocs and sectionDocs
// below, and for what they lack the Go doc comments of the config structs
// (which the reference test reads from the source).
type Docs struct {
	Keys     map[string]string // dotted key → description
	Sections map[string]string // dotted section key → description
}

// sectionDocs describe the sections in the words of an operator.
var sectionDocs = map[string]string{
	"":                      "Where the service keeps its data and what it assesses against.",
	"log":                   "Logging. Log lines never carry names, e-mail addresses or phone numbers: a redacting formatter removes them.",
	"nats":                  "The message bus. With no `nats.url`, `breach serve` runs an embedded NATS server with JetStream, its files under `data_dir`; with one, it connects to that cluster. Several processes connected to the same cluster and store share the work through durable consumers.",
	"nats.tls":              "TLS files for the connection to an external cluster (only with `nats.url`).",
	"nats.streams":          "The JetStream stream names, configurable so that several tenants can share a cluster (with different `nats.prefix` values).",
	"http":                  "The HTTP API. Every route except `/healthz` and `/readyz` needs a bearer token of a named principal (see `breach token`).",
	"store":                 "Persistence: SQLite under `data_dir` by default, PostgreSQL when several replicas share the work.",
	"intake":                "The durable consumer that validates and stores incidents from the INCIDENTS stream.",
	"campaign":              "Notice campaigns: approval, channel order and retry policy.",
	"secrets":               "Keys the service generates when they are not given.",
	"channels.email":        "The e-mail channel. Without `channels.email.smtp.host`, e-mail notices are written to the outbox under `data_dir` instead of being sent. A text or HTML part of printable US-ASCII with lines of at most 998 characters goes unencoded (`Content-Transfer-Encoding: 8bit`); so does one of UTF-8 text when the server offers 8BITMIME; any other part is quoted-printable.",
	"channels.email.smtp":   "The SMTP submission server.",
	"channels.email.dkim":   "Optional DKIM signing: `domain`, `selector` and `key_file` together. Signed messages have every part quoted-printable, so that no relay needs to re-encode them on the way (which would break the signature).",
	"channels.sms":          "The SMS channel (Twilio). Without `channels.sms.account_sid`, SMS notices go to the outbox.",
	"channels.push":         "The push channel: Web Push, FCM and APNs, each configured when any of its keys is set. With none configured, push notices go to the outbox. Push is an accelerator sent to every device of the directory's `devices`, never the legal notice, and it carries the incident reference only.",
	"channels.push.webpush": "Web Push with VAPID, for the browser subscriptions of the directory (`devices[].subscription`). Only public endpoints are reached.",
	"channels.push.fcm":     "Firebase Cloud Messaging (HTTP v1 API) for Android and web app registration tokens.",
	"channels.push.apns":    "Apple Push Notification service, token-based authentication with a `.p8` signing key.",
	"channels.voice":        "The voice channel: Twilio calls that read the notice in the person's language. Without `channels.voice.account_sid`, voice notices go to the outbox.",
	"channels.letter":       "The letter channel: print-ready A4 PDFs (window envelope address) and a mail-house `manifest.csv`, one batch directory per campaign. Without `channels.letter.dir`, letters go to the outbox.",
	"http.tls":              "TLS for the API: the certificate and key files, both or neither.",
	"public":                "The public announcement site (notice pages in five languages, Atom feed, press text, the check that a notice is genuine, \"am I affected?\") on its own listener, with no API route, no token and no cookie. `breach serve` starts it when an inventory is configured and `public.addr` is set.",
}

// keyDocs describe the keys in the words of an operator; a key missing here
// is described by its Go doc comment.
var keyDocs = map[string]string{
	"data_dir":                                     "Directory of the embedded NATS store, the SQLite database `breach.db`, the outbox and the generated notice key.",
	"inventory":                                    "Path of the data inventory YAML the service assesses incidents against. Empty: incidents are stored but not assessed.",
	"log.level":                                    "Least severe level written: `debug`, `info`, `warn` or `error`.",
	"log.format":                                   "`auto` (text on a terminal, JSON otherwise), `json` or `text`.",
	"nats.url":                                     "Comma-separated URLs of an external NATS cluster with JetStream, e.g. `nats://n1:4222,nats://n2:4222`. Empty: run the embedded server.",
	"nats.listen":                                  "Loopback address where the embedded server also listens for other processes (the CLI, detectors on this machine). Empty: in-process only. Must be a loopback address; use `nats.url` for a cluster.",
	"nats.creds_file":                              "NATS credentials file (JWT and seed) for the external cluster. Only with `nats.url`; not together with `nats.nkey_seed_file`.",
	"nats.nkey_seed_file":                          "NKey seed file for the external cluster. Only with `nats.url`.",
	"nats.tls.ca_file":                             "CA certificate that signs the cluster's certificates.",
	"nats.tls.cert_file":                           "Client certificate, for clusters that require mutual TLS.",
	"nats.tls.key_file":                            "Client certificate's private key.",
	"nats.prefix":                                  "First token of every subject (`<prefix>.incident.submit`, `<prefix>.event.…`). One plain token or several separated by dots; no spaces or wildcards.",
	"nats.replicas":                                "Replicas of each stream in a cluster, 1 to 5 (the embedded server always uses 1).",
	"nats.deadletter_max_age":                      "How long DEADLETTER keeps a message (its messages can hold personal data); the oldest go first. At least nats.duplicate_window.",
	"nats.deadletter_max_bytes":                    "The most DEADLETTER holds, in bytes; past it the oldest messages go. At least 1 MiB.",
	"nats.events_max_age":                          "How long EVENTS keeps a lifecycle event. At least nats.duplicate_window.",
	"nats.events_max_bytes":                        "The most EVENTS holds, in bytes; past it the oldest events go. At least 1 MiB.",
	"nats.duplicate_window":                        "How long the INCIDENTS, DEADLETTER and EVENTS streams remember a `Nats-Msg-Id`: a replayed incident revision within this window is dropped as a duplicate. At least 1s.",
	"nats.notice_duplicate_window":                 "The NOTICES stream's own duplicate window. The proof-of-notice ledger, not this window, keeps a notice from going out twice, so it stays short: JetStream holds every message id of the window in memory (about 170 bytes each). At least 1s.",
	"nats.streams.incidents":                       "Stream of submitted incidents and revisions.",
	"nats.streams.notices":                         "Work-queue stream of notices to send.",
	"nats.streams.deadletter":                      "Stream of rejected and undeliverable messages, each with its reason in `Breach-Error`.",
	"nats.streams.events":                          "Stream of incident lifecycle events.",
	"http.addr":                                    "Listen address of the API, host:port. Beyond loopback the API is served only over TLS (`http.tls`).",
	"http.api_token_file":                          "Legacy: file holding one static bearer token that acts as an admin principal named `api-token`. Prefer named tokens with roles (`breach token create`); on a store with no token at all the first start writes an admin token to `<data_dir>/admin.token`.",
	"store.driver":                                 "`sqlite` (a file under `data_dir`) or `postgres`.",
	"store.dsn_file":                               "For `postgres`: file holding the connection string, e.g. `postgres://breach@db/breach?sslmode=verify-full` (it may hold a password, so it is a secret).",
	"intake.workers":                               "Incidents validated and stored at once by this process. At least 1.",
	"intake.max_deliver":                           "Deliveries of one incident before intake gives up and dead-letters it (storage errors are retried until then, never dropped). At least 2.",
	"intake.nak_delay":                             "First delay before an incident that could not be stored is redelivered; it doubles with each delivery, up to 1m.",
	"intake.ack_wait":                              "How long JetStream waits before redelivering an incident that a process took and did not finish (after a crash, say). At least 1s.",
	"campaign.approvals_required":                  "How many distinct principals (approver or admin tokens) must approve the current revision of an incident before its campaign starts: 2 is the two-person rule. The same principal approving twice does not count twice. From 1 (the default) to 10. A revision approved before a change of this key keeps its approval.",
	"campaign.auto_approve":                        "Start campaigns without a person's approval. For demos and tests only.",
	"campaign.announcement_url":                    "Where notices tell people to read the public announcement. Empty: the incident's page on the public site when `public.base_url` is set, else the organisation's website.",
	"campaign.templates_dir":                       "Directory of notice templates that override the embedded ones file by file. An override that drops the incident reference, the verification code or a required section is refused at start.",
	"campaign.max_attempts":                        "Attempts of one notice before it is dead-lettered and the person's next channel is tried. At least 1.",
	"campaign.give_up_after":                       "How long a notice that keeps failing temporarily is retried (on top of `max_attempts`) before the next channel is tried: a provider outage delays notices, it does not make people unreachable.",
	"campaign.channels":                            "Legal-notice channels in the order they are tried for each person, comma-separated, from `email`, `sms`, `voice`, `letter`. Push is never one (see `campaign.push`).",
	"campaign.sms_also_when_high":                  "When the risk is high, send an SMS as well as the e-mail.",
	"campaign.push":                                "Send a push notice to every registered device as an accelerator. It never counts as the legal notice and carries the incident reference only.",
	"campaign.notify_all_affected":                 "Tell every affected person once any law requires a campaign, not only the people whose jurisdiction's law requires it.",
	"campaign.outbox_fallback":                     "Keep channels without a provider in campaigns, their notices written to the outbox, even when another channel has a real provider. Off by default: the ledger would otherwise record as sent what was only written to a file.",
	"secrets.notice_key_file":                      "File holding the key that derives notice verification codes and keys notice jobs, gone-device digests and the audit chain (at least 16 bytes). Empty: one is generated as `notice.key` under `data_dir` — but only when the service shares nothing: with `nats.url` or `store.driver: postgres` set, the service refuses to start until every replica is given the same key here (or in `BREACH_NOTICE_KEY`). Keep it: codes already sent can only be verified with the same key.",
	"channels.email.smtp.host":                     "SMTP server. Empty: e-mail notices go to the outbox.",
	"channels.email.smtp.port":                     "SMTP port, 1 to 65535.",
	"channels.email.smtp.tls":                      "`starttls`, `implicit` (TLS from the first byte, usually port 465) or `none`.",
	"channels.email.smtp.username":                 "SMTP user name.",
	"channels.email.smtp.password_file":            "File holding the SMTP password.",
	"channels.email.from":                          "The From address, e.g. `Seestar Store <notices@store.example>`. Required with `smtp.host`.",
	"channels.email.reply_to":                      "The Reply-To address, e.g. the privacy office.",
	"channels.email.connections":                   "SMTP connections kept open. At least 1. With a server that offers PIPELINING, each connection sends a message's MAIL FROM, RCPT TO and DATA behind the end of the message before it, so a busy connection waits for one round trip per message, not two: against a distant provider, fewer connections go as far.",
	"channels.email.rate_per_sec":                  "Most e-mails sent per second, across the connections. Above 0. Each replica enforces its own limit: with N replicas sending a campaign, set it to the provider's limit divided by N.",
	"channels.email.dkim.domain":                   "The signing domain (`d=`).",
	"channels.email.dkim.selector":                 "The selector (`s=`); the public key is published at `<selector>._domainkey.<domain>`.",
	"channels.email.dkim.key_file":                 "PEM file of the private key (RSA or Ed25519).",
	"channels.sms.account_sid":                     "Twilio account SID. Empty: SMS notices go to the outbox.",
	"channels.sms.auth_token_file":                 "File holding the Twilio auth token.",
	"channels.sms.from":                            "Sending number in E.164 form. Required with `account_sid` unless `messaging_service_sid` is set.",
	"channels.sms.messaging_service_sid":           "Twilio Messaging Service SID, used instead of `from`.",
	"channels.sms.status_callback":                 "URL Twilio calls with delivery receipts.",
	"channels.sms.base_url":                        "Twilio API base URL, for tests and regional endpoints. Empty: Twilio's.",
	"channels.sms.rate_per_sec":                    "Most SMS sent per second, evenly paced: never more in any one second, also when a campaign starts. Above 0. Each replica enforces its own limit: with N replicas sending a campaign, set it to the provider's limit divided by N.",
	"channels.sms.validity_period":                 "How long Twilio may keep an SMS queued before dropping it: whole seconds, from 1s to 10h; 0: Twilio's default, 10h.",
	"channels.sms.timeout":                         "Time allowed for one request to Twilio.",
	"channels.push.notice_url":                     "Link every push notification carries, with `{reference}` for the notice reference, e.g. `https://status.example.org/notices/{reference}`. Empty: no link.",
	"channels.push.webpush.vapid_public_key":       "The VAPID public key in base64url, as `web-push generate-vapid-keys` prints it; the same key the web page passes to `pushManager.subscribe`.",
	"channels.push.webpush.vapid_private_key_file": "File holding the VAPID private key, base64url, as `web-push generate-vapid-keys` prints it.",
	"channels.push.webpush.subject":                "How push services reach the sender: `mailto:security@example.org` or an https URL.",
	"channels.push.webpush.ttl":                    "How long the push service keeps a notice for an offline browser (whole seconds).",
	"channels.push.webpush.timeout":                "Time allowed for one request.",
	"channels.push.fcm.credentials_file":           "The service account's JSON key from the Firebase console; the account needs the Firebase Cloud Messaging API Admin role.",
	"channels.push.fcm.project_id":                 "The Firebase project the app's registration tokens belong to.",
	"channels.push.fcm.base_url":                   "FCM API base URL, for tests or a private endpoint. Empty: Google's.",
	"channels.push.fcm.token_url":                  "OAuth2 token endpoint, for tests. Empty: the one in the credentials file.",
	"channels.push.fcm.ttl":                        "How long FCM keeps a notice for an offline device (whole seconds).",
	"channels.push.fcm.timeout":                    "Time allowed for one request, token fetches included.",
	"channels.push.apns.key_file":                  "The `.p8` signing key Apple issued (PKCS #8 PEM).",
	"channels.push.apns.key_id":                    "The key's ten-character identifier.",
	"channels.push.apns.team_id":                   "The developer team's ten-character identifier.",
	"channels.push.apns.topic":                     "The app's bundle id.",
	"channels.push.apns.production":                "Send to Apple's production service; false sends to the sandbox (development builds of the app).",
	"channels.push.apns.base_url":                  "APNs host, for tests or a proxy. Empty: Apple's.",
	"channels.push.apns.ttl":                       "How long APNs keeps a notice for an offline device (whole seconds).",
	"channels.push.apns.timeout":                   "Time allowed for one request.",
	"channels.voice.account_sid":                   "Twilio account SID. Empty: voice notices go to the outbox.",
	"channels.voice.auth_token_file":               "File holding the Twilio auth token.",
	"channels.voice.from":                          "Caller id: a number of the account, or a verified caller id, in E.164 form.",
	"channels.voice.base_url":                      "Twilio API base URL, for tests and regional endpoints; plain http only to loopback. Empty: Twilio's.",
	"channels.voice.status_callback":               "URL Twilio posts each call's final status to (completed, busy, no-answer, failed, canceled).",
	"channels.voice.rate_per_sec":                  "Most calls started per second. Each replica enforces its own limit: with N replicas sending a campaign, set it to the provider's limit divided by N.",
	"channels.voice.timeout":                       "Time allowed for one request to Twilio.",
	"channels.letter.dir":                          "Directory where each campaign's batch of letters is written. Empty: letters go to the outbox.",
	"channels.letter.font_file":                    "TrueType font (`.ttf`, not a `.ttc` collection) for Latin, Greek and Cyrillic text.",
	"channels.letter.cjk_font_file":                "TrueType font for Chinese, Japanese and Korean text, used for every character the first font lacks.",
	"channels.letter.return_address":               "One-line return address printed above the recipient in the envelope window. Empty: the organisation's name.",
	"http.hosts":                                   "Names clients may use in the `Host` header besides loopback addresses, `localhost` and the listen address, comma-separated; a request for another name is refused (a defence against DNS rebinding).",
	"http.metrics_public":                          "Serve `/metrics` without a token (otherwise it needs the `read` action).",
	"http.tls.cert_file":                           "PEM certificate chain of the API's TLS server. Required, with `key_file`, when `http.addr` is not loopback.",
	"http.tls.key_file":                            "PEM private key of that certificate.",
	"campaign.auto_announce":                       "Publish the public notice as soon as one is required, without an approver. For demos and tests only.",
	"campaign.public_notice_unreachable":           "Require a public notice once this many people of a campaign are unreachable, whatever the law's own threshold. 0: only when the law requires one.",
	"public.addr":                                  "Listen address of the public announcement site, apart from the API. Empty: no site.",
	"public.base_url":                              "The site's address as people see it, e.g. `https://notice.example.org`: the feed's links become absolute, and notices link to the incident's page under it when `campaign.announcement_url` is empty. Empty: links stay relative.",
	"public.rate_per_sec":                          "Requests per second one client (one IPv4 address or IPv6 /64) may make.",
	"public.burst":                                 "Requests one client may make at once, above its rate.",
	"public.global_rate_per_sec":                   "Requests per second all clients together may make.",
	"public.resend_per_day":                        "How often, per UTC day, one address may have its notice sent again through \"am I affected?\". 0: never.",
}

// laterDefaults are the defaults a channel applies when its key is left
// empty (the configuration itself holds the zero value).
var laterDefaults = map[string]string{
	"channels.push.webpush.ttl":     fmtDuration(pushmsg.DefaultTTL),
	"channels.push.webpush.timeout": fmtDuration(pushmsg.DefaultTimeout),
	"channels.push.fcm.ttl":         fmtDuration(pushmsg.DefaultTTL),
	"channels.push.fcm.timeout":     fmtDuration(pushmsg.DefaultTimeout),
	"channels.push.apns.ttl":        fmtDuration(pushmsg.DefaultTTL),
	"channels.push.apns.timeout":    fmtDuration(pushmsg.DefaultTimeout),
	"channels.voice.timeout":        fmtDuration(voice.DefaultTimeout),
	"channels.sms.timeout":          "15s", // notify/sms.DefaultTimeout (notify/sms imports this package)
	"channels.letter.font_file":     letter.DefaultFontFile,
	"channels.letter.cjk_font_file": letter.DefaultCJKFontFile,
}

// Reference returns the reference's sections in the order of Config's
// fields: every settable key with its environment variable, type, default
// and description. A key described nowhere has an empty Doc.
func Reference(d Docs) []Section {
	secrets := map[string]string{}
	for _, s := range Default().SecretSettings() {
		secrets[s.Key] = s.Env
	}
	var sections []Section
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		sec := len(sections)
		sections = append(sections, Section{Key: path, Doc: d.Sections[path]})
		t := v.Type()
		var nested []int
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			f := v.Field(i)
			if f.Kind() == reflect.Struct && f.Type() != reflect.TypeFor[time.Duration]() {
				nested = append(nested, i)
				continue
			}
			key := join(path, tag)
			s := Setting{Key: key, Env: EnvName(key), Type: kindName(f.Type()), Default: defaultText(f), Doc: d.Keys[key]}
			if later, ok := laterDefaults[key]; ok && f.IsZero() {
				s.Default = later
			}
			if env, ok := secrets[key]; ok {
				s.Secret = env
				if env == "" {
					s.Secret = "-"
				}
			}
			sections[sec].Settings = append(sections[sec].Settings, s)
		}
		for _, i := range nested {
			walk(v.Field(i), join(path, strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]))
		}
	}
	walk(reflect.ValueOf(Default()), "")
	return slices.DeleteFunc(sections, func(s Section) bool { return len(s.Settings) == 0 })
}

// defaultText writes a default as a config file would.
func defaultText(v reflect.Value) string {
	if v.Type() == reflect.TypeFor[time.Duration]() {
		if v.Int() == 0 {
			return "0s"
		}
		return fmtDuration(time.Duration(v.Int()))
	}
	return fmt.Sprint(v.Interface())
}

// BuiltinDocs returns the reference's own descriptions, the operator's
// words for each key and section.
func BuiltinDocs() Docs {
	return Docs{Keys: keyDocs, Sections: sectionDocs}
}

// Merge returns d with the descriptions of fallback added where d has none.
func (d Docs) Merge(fallback Docs) Docs {
	out := Docs{Keys: map[string]string{}, Sections: map[string]string{}}
	for _, m := range []struct{ dst, a, b map[string]string }{{out.Keys, fallback.Keys, d.Keys}, {out.Sections, fallback.Sections, d.Sections}} {
		for k, v := range m.a {
			m.dst[k] = v
		}
		for k, v := range m.b {
			if v != "" {
				m.dst[k] = v
			}
		}
	}
	return out
}

// RenderReference writes the configuration reference as Markdown.
func RenderReference(sections []Section) []byte {
	var b bytes.Buffer
	b.WriteString(`# Configuration reference

<!-- Generated from the config structs by ` + "`go test ./internal/config -run Reference -update`" + `; do not edit by hand. -->

` + "`breach serve`" + ` needs no configuration at all: every default below is embedded, and together they run one
process with an embedded NATS server, SQLite and the outbox (nothing is sent) under ` + "`./breach-data`" + `.

Settings come from, each overriding the one before:

1. the embedded defaults;
2. one YAML file, ` + "`--config FILE`" + `. It is strict: an unknown key, a key set twice or a value of the wrong
   type is an error naming the key and the line;
3. environment variables ` + "`BREACH_<KEY>`" + `, the dotted key in upper case with ` + "`_`" + ` for ` + "`.`" + `
   (` + "`nats.url`" + ` → ` + "`BREACH_NATS_URL`" + `);
4. command-line flags (` + "`--data-dir`, `--http-addr`, `--nats-url`, `--nats-listen`, `--inventory`, `--log-level`, `--log-format`" + `).

Secrets are never written in the file itself: a ` + "`*_file`" + ` key names a file holding the secret, and for some
of them an environment variable holds it when the key is empty (the description says which). Secrets always print as
` + "`<secret>`" + `. ` + "`breach check-config --config FILE`" + ` prints the effective settings, reads every secret file, and
reports every problem, each naming its key and where it was set.

Durations are written like ` + "`30s`, `5m`, `24h`" + `. Types: text, whole number, number, true/false, duration.
`)
	for _, sec := range sections {
		title := sec.Key
		if title == "" {
			title = "Top level"
		} else {
			title = "`" + title + "`"
		}
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		if sec.Doc != "" {
			b.WriteString(wrap(sec.Doc, 110))
			b.WriteString("\n\n")
		}
		b.WriteString("| key | type | default | environment | description |\n|---|---|---|---|---|\n")
		for _, s := range sec.Settings {
			def := "`" + s.Default + "`"
			if s.Default == "" {
				def = "(empty)"
			}
			doc := s.Doc
			switch s.Secret {
			case "":
			case "-":
				doc += " Secret: read from this file only."
			default:
				doc += " Secret: when empty, read from `" + s.Secret + "`."
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` | %s |\n", s.Key, s.Type, def, s.Env, cell(doc))
		}
	}
	return b.Bytes()
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "|", `\|`)
}

// wrap breaks text into lines of at most width characters.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 {
			if n+1+len(w) > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// Undocumented returns the keys of sections that no description covers.
func Undocumented(sections []Section) []string {
	var out []string
	for _, sec := range sections {
		for _, s := range sec.Settings {
			if strings.TrimSpace(s.Doc) == "" {
				out = append(out, s.Key)
			}
		}
	}
	slices.Sort(out)
	return out
}
