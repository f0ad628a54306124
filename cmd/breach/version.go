package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildInfo is what `breach version` prints: the module version and the
// VCS revision the binary was built from.
type buildInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// version, when set at link time (-ldflags "-X main.version=v1.2.0"),
// replaces the module version the Go toolchain records.
var version string

// readBuildInfo reads the binary's build information.
func readBuildInfo() buildInfo {
	v := buildInfo{Version: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = buildInfoOf(bi)
	}
	if version != "" {
		v.Version = version
	}
	return v
}

// buildInfoOf extracts the version, the revision and its time, and whether
// the work tree had changes, from bi.
func buildInfoOf(bi *debug.BuildInfo) buildInfo {
	v := buildInfo{Version: bi.Main.Version, Go: bi.GoVersion}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the one-line version: "v1.2.0 (revision 0123abcd, 2026-12-01T10:00:00Z, modified)".
func (v buildInfo) String() string {
	var parts []string
	if v.Revision != "" {
		parts = append(parts, "revision "+v.Revision)
	}
	if v.Time != "" {
		parts = append(parts, v.Time)
	}
	if v.Modified {
		parts = append(parts, "modified")
	}
	if len(parts) == 0 {
		return v.Version
	}
	return v.Version + " (" + strings.Join(parts, ", ") + ")"
}

func newVersionCmd(info func() buildInfo) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version and the source revision of this binary",
		Args:  usageArgs(cobra.NoArgs),
	}
	out := addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		format, err := out.resolve(cmd)
		if err != nil {
			return err
		}
		v := info()
		return writeAs(cmd.OutOrStdout(), format, v, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "breach %s\n%s\n", v, v.Go)
			return err
		})
	}
	return cmd
}
