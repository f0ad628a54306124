package inventory

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// MaxRecordBytes is the longest CSV record (one row, all its lines) read.
// A longer row is a RowError and reading goes on with the next line, so one
// broken row never makes the reader hold more than this much of the file.
const MaxRecordBytes = 64 << 10

// MaxRecordLines is how many lines one CSV record may span: a quoted field
// (a postal address) may hold line breaks, but a quote that is still open
// after this many lines is taken for a missing closing quote.
const MaxRecordLines = 32

// Record-splitting outcomes of a CSV line, see quoteScan.line.
type scanResult int

const (
	scanEnd   scanResult = iota // the record ends with this line
	scanMore                    // a quoted field goes on to the next line
	scanBare                    // a '"' inside an unquoted field
	scanQuote                   // a closing '"' followed by something other than ',' or the line end
)

// quoteScan follows the quoting of one CSV record line by line with the
// rules of encoding/csv (Comma ',', LazyQuotes false): a field is quoted
// when its first byte is '"'; inside it `""` is a quote and a lone '"' ends
// it and must be followed by ',' or the end of the line; a '"' anywhere in
// an unquoted field is an error. It tells where a record ends without
// parsing its fields, so that a record can be bounded before encoding/csv
// sees it.
type quoteScan struct{ inQuote bool }

// line scans the content of one line, without its line ending.
func (q *quoteScan) line(c []byte) scanResult {
	if !q.inQuote && bytes.IndexByte(c, '"') < 0 {
		return scanEnd // the common line: no quote at all
	}
	i := 0
	for {
		if !q.inQuote {
			if i < len(c) && c[i] == '"' {
				q.inQuote = true
				i++
			} else {
				j := bytes.IndexAny(c[i:], `,"`)
				switch {
				case j < 0:
					return scanEnd
				case c[i+j] == '"':
					return scanBare
				}
				i += j + 1
				continue
			}
		}
		j := bytes.IndexByte(c[i:], '"')
		if j < 0 {
			return scanMore
		}
		i += j + 1
		switch {
		case i < len(c) && c[i] == '"':
			i++ // `""`: a quote inside the field
			continue
		case i == len(c):
			q.inQuote = false
			return scanEnd
		case c[i] == ',':
			q.inQuote = false
			i++
			continue
		}
		return scanQuote
	}
}

// content returns a line without its line ending ("\n" or "\r\n"; at the
// end of the file, where the line may have none, a trailing "\r"), as
// encoding/csv reads it.
func content(line []byte) []byte {
	n := len(line)
	switch {
	case n > 0 && line[n-1] == '\n':
		n--
		if n > 0 && line[n-1] == '\r' {
			n--
		}
	case n > 0 && line[n-1] == '\r':
		n--
	}
	return line[:n]
}

// recordFeed hands encoding/csv one record at a time: it reads the bytes
// of the current record, then io.EOF until the next record is set.
type recordFeed struct{ b []byte }

func (f *recordFeed) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// csvState is the CSV side of a DirectoryReader: the record splitter's
// input (bytes pushed back after a broken record come before the rest of
// the file), the current record and the encoding/csv reader that parses
// it.
type csvState struct {
	csv     *csv.Reader
	feed    recordFeed
	feedBuf *bufio.Reader // encoding/csv reads through it, so leftovers can be seen
	rec     []byte        // the current record's raw lines
	pend    []byte        // pushed-back input, read before br
	spare   []byte        // the next pend, built while pend is still read
	line    int           // physical lines consumed
}

// appendLine appends the next physical line, with its line ending, to dst
// but never past max bytes in all. complete is false when the line was cut
// at max: the rest of it stays unread. At the end of the input it returns
// dst unchanged and io.EOF.
func (r *DirectoryReader) appendLine(dst []byte, max int) (out []byte, complete bool, err error) {
	c := &r.c
	start := len(dst)
	for len(dst) < max {
		if len(c.pend) > 0 {
			p := c.pend
			room := max - len(dst)
			if i := bytes.IndexByte(p, '\n'); i >= 0 && i < room {
				dst = append(dst, p[:i+1]...)
				c.pend = p[i+1:]
				return dst, true, nil
			}
			take := min(len(p), room)
			dst = append(dst, p[:take]...)
			c.pend = p[take:]
			continue
		}
		if r.br.Buffered() == 0 {
			if _, err := r.br.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					if len(dst) > start {
						return dst, true, nil // a last line without a line ending
					}
					return dst, true, io.EOF
				}
				return dst, false, fmt.Errorf("read subject directory %s: %w", r.name, err)
			}
		}
		b, _ := r.br.Peek(r.br.Buffered())
		room := max - len(dst)
		if i := bytes.IndexByte(b, '\n'); i >= 0 && i < room {
			dst = append(dst, b[:i+1]...)
			r.br.Discard(i + 1)
			return dst, true, nil
		}
		take := min(len(b), room)
		dst = append(dst, b[:take]...)
		r.br.Discard(take)
	}
	return dst, false, nil
}

// skipLine discards the rest of the current physical line.
func (r *DirectoryReader) skipLine() error {
	c := &r.c
	if len(c.pend) > 0 {
		if i := bytes.IndexByte(c.pend, '\n'); i >= 0 {
			c.pend = c.pend[i+1:]
			return nil
		}
		c.pend = c.pend[:0]
	}
	for {
		_, err := r.br.ReadSlice('\n')
		switch {
		case err == nil, errors.Is(err, io.EOF):
			return nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return fmt.Errorf("read subject directory %s: %w", r.name, err)
		}
	}
}

// pushBack makes the input start again with b (lines already read that
// follow a broken record's first line), then what was pending.
func (r *DirectoryReader) pushBack(b []byte) {
	c := &r.c
	if len(b) == 0 {
		return
	}
	c.spare = append(append(c.spare[:0], b...), c.pend...)
	c.pend, c.spare = c.spare, c.pend[:0]
}

// errRecordTooLong and the others are why nextRecord rejected a record.
var (
	errRecordTooLong = fmt.Errorf("the row is longer than %d bytes", MaxRecordBytes)
	errUnterminated  = fmt.Errorf("%w: a quoted field that starts on this row is not closed within %d lines or %d bytes", csv.ErrQuote, MaxRecordLines, MaxRecordBytes)
	errNeverClosed   = fmt.Errorf("%w: a quoted field that starts on this row is never closed", csv.ErrQuote)
)

// nextRecord reads the raw lines of the next CSV record into r.c.rec and
// returns the line it starts on. Empty lines between records are skipped.
//
// A record is one line, or several when a quoted field holds line breaks;
// it never exceeds MaxRecordBytes or MaxRecordLines. When the record is
// malformed (a stray or missing quote, too long) nextRecord returns its
// first line and why (bad), and reading goes on with the line after that
// first line: a missing closing quote costs one row, not the rest of the
// file. err is io.EOF at the end or a read error.
func (r *DirectoryReader) nextRecord() (start int, bad error, err error) {
	c := &r.c
	for {
		start = c.line + 1
		rec, complete, err := r.appendLine(c.rec[:0], MaxRecordBytes)
		c.rec = rec
		if err != nil {
			return start, nil, err
		}
		c.line = start
		if !complete {
			if err := r.skipLine(); err != nil {
				return start, nil, err
			}
			return start, errRecordTooLong, nil
		}
		first := content(rec)
		if len(first) == 0 {
			continue // an empty line
		}
		firstLen := len(rec)
		var q quoteScan
		res := q.line(first)
		eof := false
	grow:
		for lines := 1; res == scanMore && lines < MaxRecordLines; lines++ {
			n := len(rec)
			rec, complete, err = r.appendLine(rec, MaxRecordBytes)
			c.rec = rec
			switch {
			case errors.Is(err, io.EOF):
				eof = true
				break grow
			case err == nil && !complete:
				break grow // MaxRecordBytes
			case err != nil:
				return start, nil, err
			}
			c.line++
			res = q.line(content(rec[n:]))
		}
		switch res {
		case scanEnd:
			return start, nil, nil
		case scanBare:
			bad = csv.ErrBareQuote
		case scanQuote:
			bad = csv.ErrQuote
		case scanMore:
			if eof {
				bad = errNeverClosed
			} else {
				bad = errUnterminated
			}
		}
		// Go on with the line after the first: put back the lines read
		// since (the last one perhaps cut at MaxRecordBytes, its rest is
		// still unread).
		r.pushBack(rec[firstLen:])
		c.line = start
		return start, bad, nil
	}
}

// readCSV parses the current record with encoding/csv. The record is
// well-formed as far as quoting goes, so encoding/csv reads all of it and
// nothing more; a leftover (which would mean the two disagree) is dropped
// so that it cannot leak into the next record.
func (r *DirectoryReader) readCSV() ([]string, error) {
	c := &r.c
	c.feed.b = c.rec
	rec, err := c.csv.Read()
	if len(c.feed.b) > 0 || c.feedBuf.Buffered() > 0 {
		c.feed.b = nil
		c.feedBuf.Discard(c.feedBuf.Buffered())
		if err == nil {
			err = &csv.ParseError{Err: csv.ErrQuote}
		}
	}
	return rec, err
}
