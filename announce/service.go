package announce

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/breach-notify/breach/assess"
	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/internal/logging"
	"github.com/sirupsen/logrus"
)

// Store keeps the versions of announcements. The store package implements
// it.
type Store interface {
	// AddAnnouncementVersion stores v. A version number already stored for
	// the incident is an error matching ErrConflict.
	AddAnnouncementVersion(ctx context.Context, v Version) error
	// AnnouncementVersions returns every version of an incident's
	// announcement, oldest first; none is an empty slice.
	AnnouncementVersions(ctx context.Context, incidentID string) ([]Version, error)
	// AnnouncedIncidents returns the ids of every announced incident, most
	// recently changed first.
	AnnouncedIncidents(ctx context.Context) ([]string, error)
	// RecentAnnouncementVersions returns up to limit versions of any
	// incident, newest first.
	RecentAnnouncementVersions(ctx context.Context, limit int) ([]Version, error)
}

// Service publishes, updates, corrects and withdraws announcements. Every
// version is an explicit act of an approver, and its content passes the
// notices' gate (Builder).
type Service struct {
	Store   Store
	Builder *Builder
	// Now stamps versions; time.Now when nil.
	Now func() time.Time
	// Log receives one line per version; nil discards.
	Log *logrus.Entry
}

// Request is one act on an announcement.
type Request struct {
	Kind     Kind
	Approver string
	// Note says what changed or why it is withdrawn; required for
	// corrections and withdrawals.
	Note string
}

// Apply records req for incident in (with its assessment; nil for a
// withdrawal) and returns the new version. A publication starts (or,
// after a withdrawal, restarts) an announcement; an update or correction
// needs a published one; a withdrawal keeps a tombstone.
func (s *Service) Apply(ctx context.Context, in *incident.Incident, a *assess.Assessment, req Request) (Version, error) {
	if in == nil {
		return Version{}, fmt.Errorf("announcement: no incident: %w", ErrInvalid)
	}
	if !req.Kind.Valid() {
		return Version{}, fmt.Errorf("announcement %s: kind %q is not one of publish, update, correction, withdrawal: %w", in.ID, req.Kind, ErrInvalid)
	}
	if strings.TrimSpace(req.Approver) == "" {
		return Version{}, fmt.Errorf("announcement %s: an approver is required: %w", in.ID, ErrInvalid)
	}
	if (req.Kind == KindCorrection || req.Kind == KindWithdrawal) && strings.TrimSpace(req.Note) == "" {
		return Version{}, fmt.Errorf("announcement %s: a %s needs a note saying %s: %w", in.ID, req.Kind, map[Kind]string{
			KindCorrection: "what was corrected", KindWithdrawal: "why it is withdrawn"}[req.Kind], ErrInvalid)
	}
	prev, err := s.Store.AnnouncementVersions(ctx, in.ID)
	if err != nil {
		return Version{}, fmt.Errorf("announcement %s: %w", in.ID, err)
	}
	live := len(prev) > 0 && prev[len(prev)-1].Kind != KindWithdrawal
	switch {
	case req.Kind == KindPublish && live:
		return Version{}, fmt.Errorf("announcement %s is already published: publish an update or a correction instead: %w", in.ID, ErrConflict)
	case req.Kind != KindPublish && !live:
		return Version{}, fmt.Errorf("announcement %s: nothing published to %s: publish it first: %w", in.ID, verb(req.Kind), ErrConflict)
	}
	v := Version{IncidentID: in.ID, Version: len(prev) + 1, Kind: req.Kind, Approver: strings.TrimSpace(req.Approver),
		Note: strings.TrimSpace(req.Note), PublishedAt: s.now().UTC().Truncate(time.Microsecond)}
	if req.Kind != KindWithdrawal {
		if s.Builder == nil {
			return Version{}, errors.New("announcement: no builder configured")
		}
		if v.Content, err = s.Builder.Build(in, a); err != nil {
			return Version{}, err
		}
	}
	if err := v.check(); err != nil {
		return Version{}, err
	}
	if err := s.Store.AddAnnouncementVersion(ctx, v); err != nil {
		return Version{}, fmt.Errorf("announcement %s version %d: %w", in.ID, v.Version, err)
	}
	s.log().WithFields(logrus.Fields{"incident": in.ID, "version": v.Version, "kind": string(v.Kind)}).Info("announcement version published")
	return v, nil
}

// Notice returns the announcement of an incident, or ErrNotFound.
func (s *Service) Notice(ctx context.Context, incidentID string) (*Notice, error) {
	return Load(ctx, s.Store, incidentID)
}

// Load reads the announcement of an incident from st, or ErrNotFound.
func Load(ctx context.Context, st Store, incidentID string) (*Notice, error) {
	vs, err := st.AnnouncementVersions(ctx, incidentID)
	if err != nil {
		return nil, fmt.Errorf("announcement %s: %w", incidentID, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("announcement %s: %w", incidentID, ErrNotFound)
	}
	return &Notice{IncidentID: incidentID, Versions: vs}, nil
}

// LoadAll reads every announcement, most recently changed first.
func LoadAll(ctx context.Context, st Store) ([]*Notice, error) {
	ids, err := st.AnnouncedIncidents(ctx)
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	out := make([]*Notice, 0, len(ids))
	for _, id := range ids {
		n, err := Load(ctx, st, id)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func verb(k Kind) string {
	switch k {
	case KindUpdate:
		return "update"
	case KindCorrection:
		return "correct"
	default:
		return "withdraw"
	}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *logrus.Entry {
	if s.Log != nil {
		return s.Log
	}
	return logging.Discard()
}
