package inventory

import (
	"context"
	"io"
	"iter"
)

// SubjectReader reads a subject directory one person at a time: Next
// returns io.EOF at the end and a *RowError for a row it skips.
type SubjectReader interface {
	Next() (*Subject, error)
	Warnings() WarningSummary
	Close() error
}

// Source is where an inventory's people come from when not from the file
// its subjects key names: the service's imported directory, say.
type Source struct {
	// Name says where the people come from, for logs and assessments.
	Name string
	// Open starts one walk over the people.
	Open func(ctx context.Context) (SubjectReader, error)
}

// Directory opens the inventory's subject directory: its Source when set,
// else the file of its subjects key.
func (inv *Inventory) Directory(ctx context.Context) (SubjectReader, error) {
	if inv.Source != nil {
		return inv.Source.Open(ctx)
	}
	return OpenDirectory(inv.SubjectsPath, inv)
}

// DirectoryName says where the inventory's people come from: its Source's
// name, else the directory file's path.
func (inv *Inventory) DirectoryName() string {
	if inv.Source != nil {
		return inv.Source.Name
	}
	return inv.SubjectsPath
}

// SeqReader reads people from an iterator (such as a store's), with no
// row warnings: they were given when the people were imported.
func SeqReader(seq iter.Seq2[*Subject, error]) SubjectReader {
	next, stop := iter.Pull2(seq)
	return &seqReader{next: next, stop: stop}
}

type seqReader struct {
	next func() (*Subject, error, bool)
	stop func()
}

func (r *seqReader) Next() (*Subject, error) {
	s, err, ok := r.next()
	if !ok {
		return nil, io.EOF
	}
	return s, err
}

func (r *seqReader) Warnings() WarningSummary { return WarningSummary{} }

func (r *seqReader) Close() error { r.stop(); return nil }
