package store

import (
	"context"
	"fmt"
	"time"
)

// Devices keeps the push devices a push service reported gone, so that
// later campaigns, on every replica, skip them. A device is named by its
// platform and a keyed digest of its token (see pushmsg.DeviceDigest),
// never by the token itself.
type Devices interface {
	// RecordGoneDevice records d. A device already recorded keeps its
	// first record and recorded is false.
	RecordGoneDevice(ctx context.Context, d GoneDevice) (recorded bool, err error)
	// GoneDevices returns every recorded device, by platform and digest.
	GoneDevices(ctx context.Context) ([]GoneDevice, error)
	// ClearGoneDevice forgets the record of one device, so that campaigns
	// send to it again; cleared is false when it was not recorded.
	ClearGoneDevice(ctx context.Context, platform, digest string) (cleared bool, err error)
}

// GoneDevice is one push device a push service reported gone.
type GoneDevice struct {
	// Platform is webpush, apns or fcm.
	Platform string `json:"platform"`
	// Digest is the lower-case hex keyed digest (64 digits) of the
	// device's token or Web Push endpoint.
	Digest string `json:"digest"`
	// Reason is the push service's answer (410, UNREGISTERED,
	// BadDeviceToken, …) in words free of personal data.
	Reason string `json:"reason"`
	// At is when it was reported.
	At time.Time `json:"at"`
	// Notice is the key of the notice whose push reported it.
	Notice string `json:"notice"`
}

// Bounds of a GoneDevice's text fields.
const (
	maxGoneReason = 200
	maxGoneNotice = 500
)

var _ Devices = (*sqlStore)(nil)

// checkGoneDevice refuses a record the table cannot hold as asked.
func checkGoneDevice(d GoneDevice) error {
	switch {
	case !validPlatform(d.Platform):
		return fmt.Errorf("gone device: platform %q is not webpush, apns or fcm: %w", d.Platform, ErrInvalid)
	case !validDigest(d.Digest):
		return fmt.Errorf("gone device: digest must be 64 lower-case hexadecimal digits: %w", ErrInvalid)
	case d.Reason == "" || len(d.Reason) > maxGoneReason:
		return fmt.Errorf("gone device: reason must be 1 to %d bytes: %w", maxGoneReason, ErrInvalid)
	case len(d.Notice) > maxGoneNotice:
		return fmt.Errorf("gone device: notice key longer than %d bytes: %w", maxGoneNotice, ErrInvalid)
	case d.At.IsZero():
		return fmt.Errorf("gone device: time is required: %w", ErrInvalid)
	}
	return nil
}

func validPlatform(p string) bool { return p == "webpush" || p == "apns" || p == "fcm" }

func validDigest(d string) bool {
	if len(d) != 64 {
		return false
	}
	for _, c := range d {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// RecordGoneDevice implements Devices.
func (s *sqlStore) RecordGoneDevice(ctx context.Context, d GoneDevice) (bool, error) {
	if err := checkGoneDevice(d); err != nil {
		return false, err
	}
	return s.changedOne(ctx, "record gone device", `INSERT INTO gone_devices (platform, token_digest, reason, gone_at, notice_key)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, token_digest) DO NOTHING`, d.Platform, d.Digest, d.Reason, utc(d.At), d.Notice)
}

// changedOne runs a statement that changes at most one row and reports
// whether it did.
func (s *sqlStore) changedOne(ctx context.Context, what, query string, args ...any) (bool, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}

// GoneDevices implements Devices.
func (s *sqlStore) GoneDevices(ctx context.Context) ([]GoneDevice, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT platform, token_digest, reason, gone_at, notice_key FROM gone_devices ORDER BY platform, token_digest`)
	if err != nil {
		return nil, fmt.Errorf("gone devices: %w", err)
	}
	defer rows.Close()
	out := []GoneDevice{}
	for rows.Next() {
		var d GoneDevice
		if err := rows.Scan(&d.Platform, &d.Digest, &d.Reason, &d.At, &d.Notice); err != nil {
			return nil, fmt.Errorf("gone devices: %w", err)
		}
		d.At = d.At.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("gone devices: %w", err)
	}
	return out, nil
}

// ClearGoneDevice implements Devices.
func (s *sqlStore) ClearGoneDevice(ctx context.Context, platform, digest string) (bool, error) {
	if !validPlatform(platform) || !validDigest(digest) {
		return false, fmt.Errorf("clear gone device: want a platform (webpush, apns, fcm) and a 64-digit lower-case hex digest: %w", ErrInvalid)
	}
	return s.changedOne(ctx, "clear gone device", `DELETE FROM gone_devices WHERE platform = $1 AND token_digest = $2`, platform, digest)
}
