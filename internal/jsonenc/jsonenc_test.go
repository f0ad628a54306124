package jsonenc

import (
	"encoding/json"
	"testing"
)

// strings of every kind Marshal treats specially.
var samples = []string{"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rcr\bback\fform",
	"\x00\x01\x1f\x7f", "Grüße, 你好, 🙂", "\u2028\u2029", "bad \xff\xfe utf-8 \xe2\x82", "\xed\xa0\x80 surrogate"}

func TestStringMatchesMarshal(t *testing.T) {
	for _, s := range samples {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Errorf("String(%q) = %s, want %s", s, got, want)
		}
	}
	for _, ss := range [][]string{nil, {}, samples} {
		want, _ := json.Marshal(ss)
		if got := Strings(nil, ss); string(got) != string(want) {
			t.Errorf("Strings(%q) = %s, want %s", ss, got, want)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := String([]byte("x"), s); string(got) != "x"+string(want) {
			t.Fatalf("String(%q) = %s, want x%s", s, got, want)
		}
	})
}

func TestObjectMatchesMarshal(t *testing.T) {
	type v struct {
		A string   `json:"a"`
		B string   `json:"b,omitempty"`
		C int      `json:"c"`
		D int      `json:"d,omitempty"`
		E bool     `json:"e,omitempty"`
		F []string `json:"f,omitempty"`
		G []string `json:"g"`
	}
	for _, x := range []v{{}, {A: "<a>", B: "b", C: -3, D: 7, E: true, F: []string{"x"}, G: []string{}}} {
		want, _ := json.Marshal(x)
		o := NewObject(nil)
		o.String("a", x.A, false)
		o.String("b", x.B, true)
		o.Int("c", x.C, false)
		o.Int("d", x.D, true)
		o.Bool("e", x.E, true)
		o.Strings("f", x.F, true)
		o.Strings("g", x.G, false)
		if got := o.End(); string(got) != string(want) {
			t.Errorf("object %+v = %s, want %s", x, got, want)
		}
	}
}
