package letter

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// ManifestName is the mail house's list of a batch's letters.
const ManifestName = "manifest.csv"

// ManifestHeader is the manifest's header row. A row names a letter's
// file and what goes on the envelope; it never carries the notice text.
var ManifestHeader = []string{"file", "reference", "recipient_name",
	"address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "country", "pages"}

var errBatchClosed = errors.New("letter batch closed")

// Batch is one campaign's letters: a directory of PDF files, one per
// notice, and ManifestName listing them in the order written. Adding a
// letter whose file is already listed writes nothing, so a retried notice
// is printed once. A Batch is safe for concurrent use; one process should
// own its directory.
type Batch struct {
	name string
	dir  string
	r    *Renderer

	mu       sync.Mutex
	manifest *os.File
	listed   map[string]bool
}

// OpenBatch opens (creating it 0700: the files hold personal data) the
// batch directory name under root and reads the files its manifest
// already lists.
func OpenBatch(root, name string, r *Renderer) (*Batch, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("letter batch: name is empty")
	}
	name = batchName(name)
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create letter batch %s: %w", name, err)
	}
	path := filepath.Join(dir, ManifestName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open letter manifest %s: %w", path, err)
	}
	listed, header, err := readManifest(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("read letter manifest %s: %w", path, err)
	}
	b := &Batch{name: name, dir: dir, r: r, manifest: f, listed: listed}
	if !header {
		if err := b.appendRow(ManifestHeader); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	return b, nil
}

// readManifest returns the files a manifest lists and whether it has its
// header; a manifest ending in a partial row (a crash) is cut back to its
// last complete row.
func readManifest(f *os.File) (listed map[string]bool, header bool, err error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, false, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		if err := f.Truncate(int64(i + 1)); err != nil {
			return nil, false, err
		}
		data = data[:i+1]
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, false, err
	}
	listed = map[string]bool{}
	for i, row := range rows {
		if i > 0 && len(row) > 0 {
			listed[row[0]] = true
		}
	}
	return listed, len(rows) > 0, nil
}

// Name returns the batch's directory name.
func (b *Batch) Name() string { return b.name }

// Dir returns the batch's directory.
func (b *Batch) Dir() string { return b.dir }

// Add renders l into <dir>/<key>.pdf (atomically: temporary file, fsync,
// rename) and lists it in the manifest, returning the file name. A letter
// already listed is not written again; its file name is returned.
func (b *Batch) Add(l Letter) (string, error) {
	if err := l.check(); err != nil {
		return "", err
	}
	file := FileName(l.Key)
	b.mu.Lock()
	closed, done := b.manifest == nil, b.listed[file]
	b.mu.Unlock()
	if closed {
		return "", errBatchClosed
	}
	if done {
		return file, nil
	}
	var buf bytes.Buffer
	pages, err := b.r.Render(&buf, l)
	if err != nil {
		return "", err
	}
	if err := writeAtomic(filepath.Join(b.dir, file), buf.Bytes()); err != nil {
		return "", err
	}
	p := l.split()
	row := make([]string, 0, len(ManifestHeader))
	row = append(row, file, cell(l.Reference), cell(strings.Join(trimmed(p.recipient), " ")))
	for i := range MaxAddressLines {
		v := ""
		if i < len(l.AddressLines) {
			v = l.AddressLines[i]
		}
		row = append(row, cell(v))
	}
	row = append(row, cell(country(l.AddressLines)), strconv.Itoa(pages))

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.manifest == nil {
		return "", errBatchClosed
	}
	if b.listed[file] {
		return file, nil
	}
	if err := b.appendRow(row); err != nil {
		return "", err
	}
	b.listed[file] = true
	return file, nil
}

// appendRow writes one CSV row with a single write and syncs it.
func (b *Batch) appendRow(row []string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(row)
	w.Flush()
	if _, err := b.manifest.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("append to letter manifest of %s: %w", b.name, err)
	}
	if err := b.manifest.Sync(); err != nil {
		return fmt.Errorf("sync letter manifest of %s: %w", b.name, err)
	}
	return nil
}

// Close closes the manifest; Add fails afterwards.
func (b *Batch) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.manifest == nil {
		return nil
	}
	err := b.manifest.Close()
	b.manifest = nil
	return err
}

// cell trims a manifest value and defuses spreadsheet formulas: a value
// starting with =, +, - or @ gets a leading apostrophe, so a
// spreadsheet shows it as text instead of running it.
func cell(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// plainName is a name usable as is for a directory.
var plainName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$`)

// batchName is the directory of a campaign: its id when that is a plain
// name, else "batch-" and a hash of it.
func batchName(id string) string {
	if plainName.MatchString(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return fmt.Sprintf("batch-%x", sum[:8])
}

// FileName is the PDF file of the notice with idempotency key key: a
// hash of the key, so a retried notice overwrites its own file and the
// name says nothing about the person.
func FileName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf("%x.pdf", sum[:10])
}

// country is the address's last line, where international addresses put
// the country; empty for a one-line address.
func country(lines []string) string {
	if len(lines) < 2 {
		return ""
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func trimmed(ls []string) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// writeAtomic writes data to path through a temporary file in the same
// directory, synced before the rename.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".letter-*")
	if err != nil {
		return fmt.Errorf("write letter: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write letter %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("sync letter %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close letter %s: %w", filepath.Base(path), err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("write letter %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write letter %s: %w", filepath.Base(path), err)
	}
	return nil
}
