package jsonenc_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	"github.com/breach-notify/breach/incident"
	"github.com/breach-notify/breach/notify"
)

// awkward is a string Marshal escapes in every way it can.
const awkward = "a<b>&\"c\\\u2028\xff\n"

// TestAppendJSONMatchesMarshal: each type with an AppendJSON writes what
// encoding/json writes, for a value with every field set (reflection sets
// them, so a field added without AppendJSON fails here), the zero value,
// and typical ones.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	var job notify.Job
	fill(reflect.ValueOf(&job).Elem())
	var outcome incident.NoticeOutcome
	fill(reflect.ValueOf(&outcome).Elem())
	values := []interface{ AppendJSON([]byte) []byte }{
		&job, &notify.Job{},
		new(notify.NewJob("INC-1", 2, 3, "u-1", notify.Route{Channel: notify.ChannelEmail, To: "p@example.com"}, nil)),
		&notify.Job{Key: "k", Categories: []string{}, Changes: []string{"risk"},
			Fallback: []notify.Route{{Channel: notify.ChannelLetter, To: "Street 1\nTown", Guardian: true}}},
		outcome, incident.NoticeOutcome{},
		incident.NoticeOutcome{Kind: incident.EventNoticeSent, Incident: "INC-1", Key: "k", State: "sent", Attempt: 1},
	}
	for i, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.AppendJSON([]byte("x")); string(got) != "x"+string(want) {
			t.Errorf("value %d (%T):\n got %s\nwant x%s", i, v, got, want)
		}
	}
}

// fill sets every field of v to a value that is not its zero value and
// that no other field gets (strings carry a counter after awkward, ints
// count down from -1, bools are true), so that two fields written in each
// other's place differ from Marshal's output.
func fill(v reflect.Value) {
	n := 0
	var set func(v reflect.Value)
	set = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.String:
			v.SetString(awkward + strconv.Itoa(n))
		case reflect.Int:
			v.SetInt(int64(-n))
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range 2 {
				set(v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				set(v.Field(i))
			}
		default:
			panic("fill: no value for " + v.Kind().String())
		}
	}
	set(v)
}

// BenchmarkJob compares encoding a planned job with AppendJSON and with
// encoding/json's Marshal.
//
//	go test ./internal/jsonenc -run '^$' -bench Job -benchmem
func BenchmarkJob(b *testing.B) {
	j := notify.NewJob("INC-2026-0001", 1, 1, "u-1000001", notify.Route{Channel: notify.ChannelEmail, To: "u-1000001@example.com",
		ToName: "Person Number u-1000001"}, []notify.Route{{Channel: notify.ChannelLetter, To: "Beispielstraße 12, 10115 Berlin"}})
	j.Locale, j.Jurisdiction, j.Categories, j.PostalName = "de-DE", "DE", []string{"contact", "identity", "financial"}, "Person Number u-1000001"
	b.Run("AppendJSON", func(b *testing.B) {
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			buf = j.AppendJSON(buf[:0])
		}
	})
	b.Run("Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&j); err != nil {
				b.Fatal(err)
			}
		}
	})
}
