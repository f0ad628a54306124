package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/breach-notify/breach/inventory"
)

// subjectColumns are the columns of the subjects table, in insert order.
const subjectColumns = `id, name, email, phone, locale, country, region, minor, guardian_email, guardian_phone, postal_address, systems, devices`

const subjectColumnCount = 13

// subjectBatch is how many rows one INSERT of ImportSubjects carries
// (13 parameters each, well under SQLite's 32766 and PostgreSQL's 65535).
const subjectBatch = 500

// subjectInsert is a multi-row INSERT of n subjects. A repeated id is
// skipped, not an error, so the importer can spot it by the row count.
func (d dialect) subjectInsert(n int) string {
	return d.multiRowInsert("subjects", subjectColumns, subjectColumnCount, n, "id")
}

// multiRowInsert is an INSERT of n rows of cols columns into table, each
// row skipped when its conflict key already exists.
func (d dialect) multiRowInsert(table, columns string, cols, n int, conflict string) string {
	var b strings.Builder
	b.Grow(64 + n*cols*6)
	b.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			d.param(&b, p)
			p++
		}
		b.WriteByte(')')
	}
	b.WriteString(" ON CONFLICT (" + conflict + ") DO NOTHING")
	return b.String()
}

// importer is the state of one ImportSubjects call.
type importer struct {
	ctx  context.Context
	d    dialect
	tx   *sql.Tx
	full *sql.Stmt
	opts ImportOptions
	res  ImportResult
	// args holds the parameters of the pending batch; ids and ordinals
	// its rows' ids and positions in the directory.
	args     []any
	ids      []string
	ordinals []int
	inBatch  map[string]struct{}
	read     int
}

// errFailFast marks a rejection that stops an import started with FailFast.
type errFailFast struct{ reason error }

func (e *errFailFast) Error() string { return e.reason.Error() }
func (e *errFailFast) Unwrap() error { return e.reason }

// DuplicateError rejects a directory row whose id an earlier row already
// used; the earlier row is kept.
type DuplicateError struct {
	Row int    // position of the rejected row among the directory's rows, from 1
	ID  string // the repeated subject id
}

// Error names the row and the id, unless the id looks like an e-mail
// address or a phone number (personal data stays out of messages). Row is
// a position among the rows given to the import, not a file line: a
// directory file read with inventory.OpenDirectory never gets here, its
// reader rejects a repeated id itself as FILE:LINE.
func (e *DuplicateError) Error() string {
	if strings.ContainsRune(e.ID, '@') || strings.HasPrefix(e.ID, "+") {
		return fmt.Sprintf("directory row %d (in the order read, not a file line): its subject id repeats an earlier row (the first one is kept)", e.Row)
	}
	return fmt.Sprintf("directory row %d (in the order read, not a file line): subject id %q repeats an earlier row (the first one is kept)", e.Row, e.ID)
}

// ImportSubjects implements Store.
func (s *sqlStore) ImportSubjects(ctx context.Context, rows iter.Seq2[*inventory.Subject, error], opts ImportOptions) (ImportResult, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import subjects: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM subjects`); err != nil {
		return ImportResult{}, fmt.Errorf("import subjects: clear directory: %w", err)
	}
	full, err := tx.PrepareContext(ctx, s.d.subjectInsert(subjectBatch))
	if err != nil {
		return ImportResult{}, fmt.Errorf("import subjects: prepare: %w", err)
	}
	defer full.Close()
	im := &importer{ctx: ctx, d: s.d, tx: tx, full: full, opts: opts,
		args:     make([]any, 0, subjectBatch*subjectColumnCount),
		ids:      make([]string, 0, subjectBatch),
		ordinals: make([]int, 0, subjectBatch),
		inBatch:  make(map[string]struct{}, subjectBatch),
	}
	for sub, rowErr := range rows {
		if err := im.take(sub, rowErr); err != nil {
			return im.res, importErr(err)
		}
	}
	if err := im.flush(); err != nil {
		return im.res, importErr(err)
	}
	if err := ctx.Err(); err != nil {
		return im.res, fmt.Errorf("import subjects: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return im.res, fmt.Errorf("import subjects: commit: %w", err)
	}
	s.log.WithField("taken", im.res.Taken).WithField("rejected", im.res.Rejected).Info("replaced the subject directory")
	if opts.Progress != nil {
		opts.Progress(im.res.Taken, im.res.Rejected)
	}
	return im.res, nil
}

func importErr(err error) error {
	var ff *errFailFast
	if errors.As(err, &ff) {
		return fmt.Errorf("import subjects: stopped at the first rejected row: %w", ff.reason)
	}
	return fmt.Errorf("import subjects: %w", err)
}

// reject counts one rejected row and keeps its reason.
func (im *importer) reject(reason error) error {
	im.res.Rejected++
	if len(im.res.Errors) < MaxImportErrors {
		im.res.Errors = append(im.res.Errors, reason.Error())
	}
	if im.opts.FailFast {
		return &errFailFast{reason: reason}
	}
	return nil
}

// take adds one row (or its error) to the pending batch.
func (im *importer) take(sub *inventory.Subject, rowErr error) error {
	if err := im.ctx.Err(); err != nil {
		return err
	}
	if rowErr != nil {
		var re *inventory.RowError
		if errors.As(rowErr, &re) {
			im.read++
			return im.reject(rowErr)
		}
		return fmt.Errorf("read directory: %w", rowErr)
	}
	if sub == nil {
		return nil
	}
	im.read++
	if _, dup := im.inBatch[sub.ID]; dup {
		return im.reject(&DuplicateError{Row: im.read, ID: sub.ID})
	}
	im.inBatch[sub.ID] = struct{}{}
	devices := ""
	if len(sub.Devices) > 0 {
		b, err := encodeDevices(sub.Devices)
		if err != nil {
			return im.reject(fmt.Errorf("directory row %d: subject %q: devices: %w", im.read, sub.ID, err))
		}
		devices = string(b)
	}
	minor := 0
	if sub.Minor {
		minor = 1
	}
	// Strings are immutable, so keeping them is a copy of the reused
	// Subject; the Systems slice is joined now for the same reason.
	im.args = append(im.args, sub.ID, sub.Name, sub.Email, sub.Phone, sub.Locale, sub.Country, sub.Region, minor,
		sub.GuardianEmail, sub.GuardianPhone, sub.PostalAddress, strings.Join(sub.Systems, ";"), devices)
	im.ids = append(im.ids, sub.ID)
	im.ordinals = append(im.ordinals, im.read)
	if len(im.ids) == subjectBatch {
		return im.flush()
	}
	return nil
}

// flush inserts the pending batch. Ids are unique within a batch; when the
// database reports fewer rows than sent, some ids repeat rows of earlier
// batches: the batch is undone, those rows are rejected and the rest
// inserted again.
func (im *importer) flush() error {
	n := len(im.ids)
	if n == 0 {
		return nil
	}
	defer func() {
		im.args, im.ids, im.ordinals = im.args[:0], im.ids[:0], im.ordinals[:0]
		clear(im.inBatch)
		if im.opts.Progress != nil {
			im.opts.Progress(im.res.Taken, im.res.Rejected)
		}
	}()
	if _, err := im.tx.ExecContext(im.ctx, `SAVEPOINT subjects_batch`); err != nil {
		return fmt.Errorf("insert subjects: %w", err)
	}
	inserted, err := im.insert(im.args, n)
	if err != nil {
		return err
	}
	if inserted == n {
		if _, err := im.tx.ExecContext(im.ctx, `RELEASE SAVEPOINT subjects_batch`); err != nil {
			return fmt.Errorf("insert subjects: %w", err)
		}
		im.res.Taken += n
		return nil
	}
	if _, err := im.tx.ExecContext(im.ctx, `ROLLBACK TO SAVEPOINT subjects_batch`); err != nil {
		return fmt.Errorf("insert subjects: %w", err)
	}
	if _, err := im.tx.ExecContext(im.ctx, `RELEASE SAVEPOINT subjects_batch`); err != nil {
		return fmt.Errorf("insert subjects: %w", err)
	}
	existing, err := im.existing()
	if err != nil {
		return err
	}
	kept := make([]any, 0, len(im.args))
	keptRows := 0
	for i, id := range im.ids {
		if _, dup := existing[id]; dup {
			if err := im.reject(&DuplicateError{Row: im.ordinals[i], ID: id}); err != nil {
				return err
			}
			continue
		}
		kept = append(kept, im.args[i*subjectColumnCount:(i+1)*subjectColumnCount]...)
		keptRows++
	}
	if keptRows == 0 {
		return nil
	}
	inserted, err = im.insert(kept, keptRows)
	if err != nil {
		return err
	}
	if inserted != keptRows {
		return fmt.Errorf("insert subjects: %d of %d rows stored after removing repeated ids", inserted, keptRows)
	}
	im.res.Taken += keptRows
	return nil
}

func (im *importer) insert(args []any, n int) (int, error) {
	var (
		r   sql.Result
		err error
	)
	if n == subjectBatch {
		r, err = im.full.ExecContext(im.ctx, args...)
	} else {
		r, err = im.tx.ExecContext(im.ctx, im.d.subjectInsert(n), args...)
	}
	if err != nil {
		return 0, fmt.Errorf("insert subjects: %w", err)
	}
	got, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("insert subjects: %w", err)
	}
	return int(got), nil
}

// existing returns which ids of the pending batch are already stored.
func (im *importer) existing() (map[string]struct{}, error) {
	var b strings.Builder
	b.WriteString("SELECT id FROM subjects WHERE id IN (")
	args := make([]any, len(im.ids))
	for i, id := range im.ids {
		if i > 0 {
			b.WriteByte(',')
		}
		im.d.param(&b, i+1)
		args[i] = id
	}
	b.WriteByte(')')
	rows, err := im.tx.QueryContext(im.ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("find repeated subject ids: %w", err)
	}
	defer rows.Close()
	out := map[string]struct{}{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find repeated subject ids: %w", err)
		}
		out[id] = struct{}{}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find repeated subject ids: %w", err)
	}
	return out, nil
}

// CountSubjects implements Store.
func (s *sqlStore) CountSubjects(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM subjects`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count subjects: %w", err)
	}
	return n, nil
}

// subjectScanner scans subject rows into one reused Subject.
type subjectScanner struct {
	sub              inventory.Subject
	minor            int
	systems, devices string
}

func (sc *subjectScanner) scan(rows interface{ Scan(...any) error }) (*inventory.Subject, error) {
	s := &sc.sub
	if err := rows.Scan(&s.ID, &s.Name, &s.Email, &s.Phone, &s.Locale, &s.Country, &s.Region, &sc.minor,
		&s.GuardianEmail, &s.GuardianPhone, &s.PostalAddress, &sc.systems, &sc.devices); err != nil {
		return nil, err
	}
	s.Minor = sc.minor != 0
	s.Systems = s.Systems[:0]
	if sc.systems != "" {
		s.Systems = append(s.Systems, strings.Split(sc.systems, ";")...)
	}
	s.Devices = nil
	if sc.devices != "" {
		var ds []storedDevice
		if err := json.Unmarshal([]byte(sc.devices), &ds); err != nil {
			return nil, fmt.Errorf("subject %s: decode stored devices: %w", s.ID, err)
		}
		s.Devices = make([]inventory.Device, len(ds))
		for i, d := range ds {
			s.Devices[i] = inventory.Device{Platform: d.Platform, Token: d.Token, Subscription: d.Subscription}
		}
	}
	return s, nil
}

// storedDevice is how a push device is kept in the devices column, with
// its own JSON names so the stored form does not depend on inventory's.
type storedDevice struct {
	Platform     string          `json:"platform"`
	Token        string          `json:"token,omitempty"`
	Subscription json.RawMessage `json:"subscription,omitempty"`
}

func encodeDevices(devs []inventory.Device) ([]byte, error) {
	ds := make([]storedDevice, len(devs))
	for i, d := range devs {
		ds[i] = storedDevice{Platform: d.Platform, Token: d.Token, Subscription: d.Subscription}
	}
	return json.Marshal(ds)
}

// GetSubject implements Store.
func (s *sqlStore) GetSubject(ctx context.Context, id string) (*inventory.Subject, error) {
	var sc subjectScanner
	sub, err := sc.scan(s.r.QueryRowContext(ctx, `SELECT `+subjectColumns+` FROM subjects WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get subject %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get subject %q: %w", id, err)
	}
	return sub, nil
}

// Subjects implements Store.
func (s *sqlStore) Subjects(ctx context.Context) iter.Seq2[*inventory.Subject, error] {
	return func(yield func(*inventory.Subject, error) bool) {
		rows, err := s.r.QueryContext(ctx, `SELECT `+subjectColumns+` FROM subjects ORDER BY id`)
		if err != nil {
			yield(nil, fmt.Errorf("read subjects: %w", err))
			return
		}
		defer rows.Close()
		var sc subjectScanner
		for rows.Next() {
			sub, err := sc.scan(rows)
			if err != nil {
				yield(nil, fmt.Errorf("read subjects: %w", err))
				return
			}
			if !yield(sub, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("read subjects: %w", err))
		}
	}
}

// DirectoryRows adapts a directory reader's Next method (such as
// (*inventory.DirectoryReader).Next) to the rows ImportSubjects takes: it
// yields every subject and every *inventory.RowError, stops quietly at
// io.EOF, and stops after yielding any other error.
func DirectoryRows(next func() (*inventory.Subject, error)) iter.Seq2[*inventory.Subject, error] {
	return func(yield func(*inventory.Subject, error) bool) {
		for {
			sub, err := next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(sub, err) {
				return
			}
			var re *inventory.RowError
			if err != nil && !errors.As(err, &re) {
				return
			}
		}
	}
}
