package letter

import (
	"errors"
	"fmt"
	"strings"
)

// Default font files: Debian's fonts-dejavu-core and fonts-droid-fallback
// packages install them.
const (
	DefaultFontFile    = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	DefaultCJKFontFile = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
)

// Config configures the letter channel, as the channels.letter section
// of the configuration file.
type Config struct {
	// Dir is where batches are written, one directory per campaign
	// (default <data_dir>/letters, set by the caller).
	Dir string `yaml:"dir"`
	// FontFile is a TrueType font (.ttf, not a .ttc collection) for
	// Latin, Greek and Cyrillic text; default DefaultFontFile.
	FontFile string `yaml:"font_file"`
	// CJKFontFile is a TrueType font for Chinese, Japanese and Korean
	// text, used for every character FontFile lacks; default
	// DefaultCJKFontFile.
	CJKFontFile string `yaml:"cjk_font_file"`
	// ReturnAddress is the one-line postal return address printed above
	// the recipient in the envelope window, e.g. "Example Ltd, 1 High
	// Street, London N1 1AA"; default: the first line of the letter's
	// sender block (the organisation's name).
	ReturnAddress string `yaml:"return_address"`
}

// Validate checks the values that need no file system and names each bad
// key (channels.letter.…). New also checks that the fonts load.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

func (c Config) withDefaults() (Config, error) {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("channels.letter.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	c.Dir = strings.TrimSpace(c.Dir)
	if c.Dir == "" {
		bad("dir", "is required")
	}
	if c.FontFile = strings.TrimSpace(c.FontFile); c.FontFile == "" {
		c.FontFile = DefaultFontFile
	}
	if c.CJKFontFile = strings.TrimSpace(c.CJKFontFile); c.CJKFontFile == "" {
		c.CJKFontFile = DefaultCJKFontFile
	}
	c.ReturnAddress = strings.TrimSpace(c.ReturnAddress)
	if strings.ContainsAny(c.ReturnAddress, "\r\n") {
		bad("return_address", "must be one line")
	}
	return c, errors.Join(errs...)
}
