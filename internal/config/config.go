// Package config holds breach's configuration: one strict YAML file, then
// environment overrides BREACH_<SECTION>_<KEY>, then command-line flags, on
// top of embedded defaults that need no configuration at all. An unknown key
// or a bad value is an error naming the key and the line. Secrets are read
// from files or the environment and always print as <secret>.
package config

import (
	"time"

	"github.com/breach-notify/breach/notify/letter"
	"github.com/breach-notify/breach/notify/push"
	"github.com/breach-notify/breach/notify/voice"
	"github.com/breach-notify/breach/web/public"
)

// Config is the effective configuration of breach.
type Config struct {
	// DataDir holds the embedded NATS store, the SQLite database, the
	// outbox and generated keys.
	DataDir string `yaml:"data_dir"`
	// Inventory is the path of the data inventory YAML the service assesses
	// incidents against ("" = no automatic assessment).
	Inventory string   `yaml:"inventory"`
	Log       Log      `yaml:"log"`
	NATS      NATS     `yaml:"nats"`
	HTTP      HTTP     `yaml:"http"`
	Store     Store    `yaml:"store"`
	Intake    Intake   `yaml:"intake"`
	Campaign  Campaign `yaml:"campaign"`
	Secrets   Secrets  `yaml:"secrets"`
	Channels  Channels `yaml:"channels"`
	// Public is the public announcement site, on its own listener.
	Public public.Config `yaml:"public"`

	// origin records where each value came from (file and line,
	// environment, flag) for error messages; nil for defaults.
	origin *origins
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // auto (text on a terminal, JSON otherwise), json, text
}

// NATS configures the message bus. With no URL, breach serve runs an
// embedded server.
type NATS struct {
	URL             string        `yaml:"url"`    // comma-separated cluster URLs; empty = embedded
	Listen          string        `yaml:"listen"` // embedded server's loopback address; "" = in-process only
	CredsFile       string        `yaml:"creds_file"`
	NKeySeedFile    string        `yaml:"nkey_seed_file"`
	TLS             TLS           `yaml:"tls"`
	Prefix          string        `yaml:"prefix"`
	Replicas        int           `yaml:"replicas"`
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
	// NoticeDuplicateWindow is the NOTICES stream's own dedup window. The
	// proof-of-notice ledger, not this window, keeps a notice from going
	// out twice, so it stays short: JetStream holds every message id of
	// the window in memory (about 170 bytes each, 170 MB for a million).
	NoticeDuplicateWindow time.Duration `yaml:"notice_duplicate_window"`
	Streams               Streams       `yaml:"streams"`
	// DeadletterMaxAge and DeadletterMaxBytes bound the DEADLETTER stream,
	// whose messages can hold personal data; the oldest go first.
	DeadletterMaxAge   time.Duration `yaml:"deadletter_max_age"`
	DeadletterMaxBytes int64         `yaml:"deadletter_max_bytes"`
	// EventsMaxAge and EventsMaxBytes bound the EVENTS stream.
	EventsMaxAge   time.Duration `yaml:"events_max_age"`
	EventsMaxBytes int64         `yaml:"events_max_bytes"`
}

// TLS names the files for a TLS connection to an external NATS server.
type TLS struct {
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// Streams names the JetStream streams (configurable for multi-tenant
// clusters).
type Streams struct {
	Incidents  string `yaml:"incidents"`
	Notices    string `yaml:"notices"`
	Deadletter string `yaml:"deadletter"`
	Events     string `yaml:"events"`
}

// HTTP configures the API server.
type HTTP struct {
	Addr string `yaml:"addr"`
	// APITokenFile holds a legacy static bearer token (BREACH_API_TOKEN
	// also works) that acts as an admin principal named "api-token".
	// Prefer named tokens: breach token create.
	APITokenFile string `yaml:"api_token_file"`
	// Hosts are the names clients may use to reach the API besides
	// loopback addresses and localhost, comma-separated (a request with
	// another Host is refused).
	Hosts string `yaml:"hosts"`
	// MetricsPublic serves /metrics without a token.
	MetricsPublic bool `yaml:"metrics_public"`
	// TLS serves the API over HTTPS; required when addr is not loopback.
	TLS HTTPTLS `yaml:"tls"`
}

// HTTPTLS is the API's certificate and key.
type HTTPTLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// Store configures persistence.
type Store struct {
	Driver  string `yaml:"driver"`   // sqlite (default) or postgres
	DSNFile string `yaml:"dsn_file"` // postgres: file holding the DSN (a secret)
}

// Intake configures the incident consumer.
type Intake struct {
	Workers    int           `yaml:"workers"`
	MaxDeliver int           `yaml:"max_deliver"`
	NakDelay   time.Duration `yaml:"nak_delay"`
	// AckWait is how long JetStream waits before redelivering an incident a
	// process took and did not finish (after a crash, say).
	AckWait time.Duration `yaml:"ack_wait"`
	// MaxMessageBytes is the largest incident message the INCIDENTS stream
	// stores; a larger one is refused to its publisher.
	MaxMessageBytes int `yaml:"max_message_bytes"`
}

// Campaign configures notice campaigns.
type Campaign struct {
	// AutoApprove starts campaigns without a person's approval (demos and
	// tests only).
	AutoApprove bool `yaml:"auto_approve"`
	// AutoAnnounce publishes the public notice as soon as one is required,
	// without an approver (demos and tests only).
	AutoAnnounce bool `yaml:"auto_announce"`
	// PublicNoticeUnreachable makes a public notice required once this
	// many people of a campaign are unreachable, whatever the law's own
	// threshold (0: only the law's).
	PublicNoticeUnreachable int `yaml:"public_notice_unreachable"`
	// AnnouncementURL is where the public announcement will be published;
	// notices point to it.
	AnnouncementURL string `yaml:"announcement_url"`
	// TemplatesDir overrides embedded notice templates file by file.
	TemplatesDir string `yaml:"templates_dir"`
	// MaxAttempts is how often one notice is tried before it is
	// dead-lettered and the person's next channel is tried.
	MaxAttempts int `yaml:"max_attempts"`
	// GiveUpAfter is how long a notice that keeps failing temporarily is
	// retried (on top of max_attempts) before the person's next channel is
	// tried: an SMTP or SMS outage delays notices, it does not make people
	// unreachable.
	GiveUpAfter time.Duration `yaml:"give_up_after"`
	// Channels is the order in which legal-notice channels are tried for
	// each person, comma-separated (push is never one: see Push).
	Channels string `yaml:"channels"`
	// SMSAlsoWhenHigh sends an SMS as well as the e-mail when the risk is
	// high.
	SMSAlsoWhenHigh bool `yaml:"sms_also_when_high"`
	// Push sends a push notice to every registered device as an
	// accelerator (it never counts as the legal notice).
	Push bool `yaml:"push"`
	// NotifyAllAffected tells every affected person, not only those whose
	// jurisdiction's law requires it, once any law requires a campaign.
	NotifyAllAffected bool `yaml:"notify_all_affected"`
	// OutboxFallback keeps channels without a provider in campaigns (their
	// notices are written to the outbox) even when another channel has a
	// real provider. Off by default: the ledger would otherwise record as
	// sent what was only written to a file.
	OutboxFallback bool `yaml:"outbox_fallback"`
	// MaxUntranslated is how many people a high-risk campaign may tell
	// with the incident's text in a language other than theirs (the
	// incident's translations cover the rest); approval is refused above
	// it. 0 by default; -1 allows any number.
	MaxUntranslated int `yaml:"max_untranslated"`
	// ApprovalsRequired is how many distinct principals must approve the
	// current revision before its campaign starts (the two-person rule
	// with 2). 1 by default, at most MaxApprovalsRequired.
	ApprovalsRequired int `yaml:"approvals_required"`
}

// MaxApprovalsRequired bounds campaign.approvals_required.
const MaxApprovalsRequired = 10

// Secrets names files holding secrets.
type Secrets struct {
	// NoticeKeyFile holds the key that derives notice verification codes;
	// when empty, one is generated under the data directory.
	NoticeKeyFile string `yaml:"notice_key_file"`
}

// Channels configures the notice channels.
type Channels struct {
	Email Email `yaml:"email"`
	SMS   SMS   `yaml:"sms"`
	// Push is Web Push, FCM and APNs; with no platform configured, push
	// notices go to the outbox.
	Push push.Config `yaml:"push"`
	// Voice is Twilio calls; with no account_sid, voice notices go to the
	// outbox.
	Voice voice.Config `yaml:"voice"`
	// Letter writes print-ready PDFs and a mail-house manifest into dir;
	// with no dir, letters go to the outbox.
	Letter letter.Config `yaml:"letter"`
}

// SMS configures the SMS channel (Twilio). With no account_sid, SMS notices
// go to the outbox.
type SMS struct {
	AccountSID          string  `yaml:"account_sid"`
	AuthTokenFile       string  `yaml:"auth_token_file"` // or BREACH_TWILIO_AUTH_TOKEN
	From                string  `yaml:"from"`
	MessagingServiceSID string  `yaml:"messaging_service_sid"`
	StatusCallback      string  `yaml:"status_callback"`
	BaseURL             string  `yaml:"base_url"` // tests and regional endpoints; empty = Twilio
	RatePerSec          float64 `yaml:"rate_per_sec"`
	// ValidityPeriod drops an SMS still queued at Twilio after this long
	// (whole seconds, 1s to 10h); 0 keeps Twilio's default (10h).
	ValidityPeriod time.Duration `yaml:"validity_period"`
	// Timeout bounds one request to Twilio (0: 15s, notify/sms's default).
	Timeout time.Duration `yaml:"timeout"`
}

// Email configures the e-mail channel. With no smtp.host, notices go to the
// outbox.
type Email struct {
	SMTP        SMTP    `yaml:"smtp"`
	From        string  `yaml:"from"`
	ReplyTo     string  `yaml:"reply_to"`
	Connections int     `yaml:"connections"`
	RatePerSec  float64 `yaml:"rate_per_sec"`
	DKIM        DKIM    `yaml:"dkim"`
}

// SMTP is the submission server.
type SMTP struct {
	Host         string `yaml:"host"`
	Port         int    `yaml:"port"`
	TLS          string `yaml:"tls"` // none, starttls, implicit
	Username     string `yaml:"username"`
	PasswordFile string `yaml:"password_file"`
}

// DKIM configures optional DKIM signing.
type DKIM struct {
	Domain   string `yaml:"domain"`
	Selector string `yaml:"selector"`
	KeyFile  string `yaml:"key_file"`
}

// Default returns the embedded defaults: everything runs in one process with
// an embedded NATS server, SQLite and the outbox.
func Default() Config {
	return Config{
		DataDir: "./breach-data",
		Log:     Log{Level: "info", Format: "auto"},
		NATS: NATS{
			Listen:                "127.0.0.1:4223",
			Prefix:                "breach",
			Replicas:              1,
			DuplicateWindow:       24 * time.Hour,
			NoticeDuplicateWindow: 2 * time.Second,
			Streams:               Streams{Incidents: "INCIDENTS", Notices: "NOTICES", Deadletter: "DEADLETTER", Events: "EVENTS"},
			DeadletterMaxAge:      30 * 24 * time.Hour,
			DeadletterMaxBytes:    1 << 30,
			EventsMaxAge:          90 * 24 * time.Hour,
			EventsMaxBytes:        1 << 30,
		},
		HTTP:     HTTP{Addr: "127.0.0.1:8080"},
		Public:   public.DefaultConfig(),
		Store:    Store{Driver: "sqlite"},
		Intake:   Intake{Workers: 4, MaxDeliver: 2000, NakDelay: 2 * time.Second, AckWait: 30 * time.Second, MaxMessageBytes: 1 << 20},
		Campaign: Campaign{ApprovalsRequired: 1, MaxAttempts: 8, GiveUpAfter: 24 * time.Hour, Channels: "email,sms,voice,letter", SMSAlsoWhenHigh: true, Push: true},
		Channels: Channels{Email: Email{
			SMTP:        SMTP{Port: 587, TLS: "starttls"},
			Connections: 4,
			RatePerSec:  50,
		},
			SMS:   SMS{RatePerSec: 10},
			Voice: voice.Config{RatePerSec: 1},
		},
	}
}
