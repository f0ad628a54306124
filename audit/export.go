package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Export writes every entry to w as JSON Lines, one Entry per line in seq
// order, streaming, exactly as stored (a tampered entry is exported as it
// is; Verify finds it). It returns the number of entries written.
func (l *Log) Export(ctx context.Context, w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var n int64
	for rec, err := range l.st.AuditRecords(ctx, 0) {
		if err != nil {
			return n, fmt.Errorf("export audit log: %w", err)
		}
		if err := enc.Encode(fromRecord(rec)); err != nil {
			return n, fmt.Errorf("export audit log: entry %d: %w", rec.Seq, err)
		}
		n++
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export audit log: %w", err)
	}
	return n, nil
}
