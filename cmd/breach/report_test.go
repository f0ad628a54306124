package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// reportArgs are the flags every report draft case shares: the example
// inventory and incident, 60 hours after discovery.
var reportArgs = []string{"report", "draft", "--inventory", "../../examples/seestar/inventory.yaml",
	"--incident", "../../examples/seestar/incidents/01-exfiltration-orders.json", "--now", "2026-11-22T21:00:00Z"}

// TestReportDraft runs breach report draft in-process for each format.
func TestReportDraft(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, stdout []byte)
	}{
		{
			name: "markdown to stdout",
			args: []string{"--jurisdiction", "eu-gdpr"},
			check: func(t *testing.T, out []byte) {
				for _, want := range []string{"# Regulator report drafts: EU-GDPR, incident INC-2026-0042", "Datenschutzbehörde", "| Time left | 12h0m |", "Name and contact details of the data protection officer"} {
					if !bytes.Contains(out, []byte(want)) {
						t.Errorf("markdown lacks %q", want)
					}
				}
			},
		},
		{
			name: "json to a file",
			args: []string{"--jurisdiction", "US-WA", "--format", "json", "--out", filepath.Join(dir, "wa.json")},
			check: func(t *testing.T, _ []byte) {
				raw, err := os.ReadFile(filepath.Join(dir, "wa.json"))
				if err != nil {
					t.Fatal(err)
				}
				var d struct {
					Schema  string `json:"schema"`
					Filings []struct {
						ID     string `json:"id"`
						Fields []struct {
							ID      string `json:"id"`
							Value   string `json:"value"`
							Missing string `json:"missing"`
						} `json:"fields"`
						NoticeCopy *struct{ Text string } `json:"notice_copy"`
					} `json:"filings"`
				}
				if err := json.Unmarshal(raw, &d); err != nil {
					t.Fatalf("decode: %v", err)
				}
				if d.Schema != "breach.report-draft/v1" || len(d.Filings) != 1 || d.Filings[0].ID != "US-WA" || len(d.Filings[0].Fields) == 0 {
					t.Fatalf("got %+v, want one US-WA filing", d)
				}
				if d.Filings[0].NoticeCopy == nil || !strings.Contains(d.Filings[0].NoticeCopy.Text, "XXXXX-XXXXX") {
					t.Errorf("got no sample notice copy, want one")
				}
			},
		},
		{
			name: "html",
			args: []string{"--jurisdiction", "CN-PIPL", "--format", "html"},
			check: func(t *testing.T, out []byte) {
				if !bytes.Contains(out, []byte(`<html lang="zh-CN">`)) || !bytes.Contains(out, []byte("个人信息处理者的联系方式")) {
					t.Errorf("html lacks the Chinese labels or language:\n%.400s", out)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(append(append([]string{}, reportArgs...), tt.args...), nil, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d, want 0; stderr: %s", code, stderr.String())
			}
			tt.check(t, stdout.Bytes())
		})
	}
}

// TestReportDraftPDF writes a CN-PIPL PDF and reads its Chinese text back.
func TestReportDraftPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (Debian poppler-utils)")
	}
	for _, f := range []string{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("font %s not installed (Debian fonts-dejavu-core, fonts-droid-fallback)", f)
		}
	}
	out := filepath.Join(t.TempDir(), "cn.pdf")
	var stdout, stderr bytes.Buffer
	if code := run(append(append([]string{}, reportArgs...), "--jurisdiction", "CN-PIPL", "--format", "pdf", "--out", out), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", code, stderr.String())
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !bytes.Contains(text, []byte("个人信息处理者的联系方式")) {
		t.Errorf("PDF text lacks the Chinese contact label:\n%.600s", text)
	}
}

// TestReportDraftBadInput checks exit status 2 with one line naming what
// is wrong.
func TestReportDraftBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown jurisdiction", append(append([]string{}, reportArgs...), "--jurisdiction", "JP-APPI"), []string{`"JP-APPI"`, "EU-GDPR", "CN-PIPL", "--jurisdiction"}},
		{"no jurisdiction", reportArgs, []string{"--jurisdiction is required"}},
		{"bad format", append(append([]string{}, reportArgs...), "--jurisdiction", "EU-GDPR", "--format", "docx"), []string{`"docx"`, "md, html, json, pdf"}},
		{"bad now", []string{"report", "draft", "--inventory", "../../examples/seestar/inventory.yaml", "--incident", "../../examples/seestar/incidents/01-exfiltration-orders.json", "--jurisdiction", "EU-GDPR", "--now", "tomorrow"}, []string{"--now"}},
		{"missing incident", []string{"report", "draft", "--inventory", "../../examples/seestar/inventory.yaml", "--incident", "nope.json", "--jurisdiction", "EU-GDPR"}, []string{"read incident"}},
		{"positional id with offline flags", append(append([]string{}, reportArgs...), "INC-1"), []string{"--inventory is for offline drafts"}},
		{"two ids", []string{"report", "draft", "INC-1", "INC-2", "--jurisdiction", "EU-GDPR"}, []string{"accepts at most 1 arg"}},
		{"missing cjk font", append(append([]string{}, reportArgs...), "--jurisdiction", "CN-PIPL", "--format", "pdf", "--cjk-font-file", "/nonexistent/font.ttf"), []string{"report.cjk_font_file", "/nonexistent/font.ttf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, nil, &stdout, &stderr)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr.String())
			}
			msg := strings.TrimSuffix(stderr.String(), "\n")
			if strings.Contains(msg, "\n") {
				t.Errorf("got a multi-line error %q, want one line", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("got %q, want it to contain %q", msg, w)
				}
			}
		})
	}
}
