package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/audit"
	"github.com/breach-notify/breach/internal/config"
	"github.com/breach-notify/breach/notify/push/pushmsg"
	"github.com/breach-notify/breach/store"
)

func newDevicesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "List and reactivate the push devices a push service reported gone",
		Long: `When a push service answers that a device is gone (Web Push 404 or 410, FCM
UNREGISTERED or an invalid registration token, APNs Unregistered or
BadDeviceToken), the service records the device so that later campaigns,
follow-ups and re-sends, on every replica, do not push to it again. The record
names the device by its platform and a keyed digest of its token (or Web Push
endpoint), never by the token.

An app that registers again gets a new token, which is not recorded and so is
pushed to. Should a device that was reported gone work again under the same
token, reactivate it here. These commands work on the store directly (the data
directory's database, or the PostgreSQL store of --config), like breach token;
a reactivation is an audit entry by system:cli.`,
	}
	cmd.AddCommand(newDevicesGoneCmd(), newDevicesReactivateCmd())
	return cmd
}

func newDevicesGoneCmd() *cobra.Command {
	return storeListCmd("gone", "List the push devices recorded gone (platform, digest, reason, when, notice)",
		func(ctx context.Context, env *trustEnv) ([]store.GoneDevice, error) { return env.st.GoneDevices(ctx) }, printGoneDevices)
}

func printGoneDevices(w io.Writer, list []store.GoneDevice) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLATFORM\tDIGEST\tREASON\tGONE AT\tNOTICE")
	for _, d := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Platform, d.Digest, d.Reason, d.At.Format(time.RFC3339), d.Notice)
	}
	return tw.Flush()
}

func newDevicesReactivateCmd() *cobra.Command {
	var platform, digest string
	var device bool
	cmd := &cobra.Command{
		Use:   "reactivate (--platform P --digest HEX | --device)",
		Short: "Forget that a push device is gone, so that campaigns push to it again",
		Long: `Reactivate one device recorded gone: by --platform and --digest as breach devices
gone lists them, or with --device, by the device itself, read from standard
input as the subject directory writes it (the devices[] JSON entry, or
"<platform>:<token>"), so that the token is not left in the shell history. The
digest is computed with the service's notice key (secrets.notice_key_file, or
the data directory's notice.key).`,
		Example: "  breach devices reactivate --platform fcm --digest 3f1c…\n" +
			"  echo '{\"platform\":\"fcm\",\"token\":\"…\"}' | breach devices reactivate --device",
		Args: usageArgs(cobra.NoArgs),
	}
	tf := addTrustFlags(cmd, true)
	cmd.Flags().StringVar(&platform, "platform", "", "webpush, apns or fcm (with --digest)")
	cmd.Flags().StringVar(&digest, "digest", "", "the device's digest as breach devices gone lists it")
	cmd.Flags().BoolVar(&device, "device", false, "read the device from standard input instead")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if device == (digest != "") || (digest != "" && platform == "") || (device && platform != "") {
			return usageError(errors.New("give either --platform and --digest, or --device (the device on standard input)"))
		}
		if device {
			cfg, err := config.Load(tf.config, os.Environ())
			if err != nil {
				return usageError(err)
			}
			if tf.dataDir != "" {
				cfg.DataDir = tf.dataDir
			}
			key, err := app.ConfiguredNoticeKey(cfg)
			if err != nil {
				return fmt.Errorf("notice key (the digest needs it): %w", err)
			}
			dev, err := readDevice(cmd.InOrStdin())
			if err != nil {
				return usageError(err)
			}
			platform, digest = dev.Platform, pushmsg.DeviceDigest(key, dev)
		}
		env, err := tf.open(cmd.Context(), true)
		if err != nil {
			return err
		}
		defer env.st.Close()
		digest = strings.ToLower(strings.TrimSpace(digest))
		cleared, err := env.st.ClearGoneDevice(cmd.Context(), platform, digest)
		if err != nil {
			return storeErr(err)
		}
		if !cleared {
			return usageError(fmt.Errorf("no %s device with digest %s is recorded gone (breach devices gone lists them): %w", platform, digest, store.ErrNotFound))
		}
		if _, err := env.log.Append(cmd.Context(), audit.Event{Principal: cliPrincipal.Name, Action: audit.ActionDeviceReactivated,
			Object: "device/" + platform + "/" + digest}); err != nil {
			return fmt.Errorf("device reactivated, but the audit entry failed: %w", err)
		}
		out := struct {
			Platform    string `json:"platform"`
			Digest      string `json:"digest"`
			Reactivated bool   `json:"reactivated"`
		}{platform, digest, true}
		if tf.format == "json" {
			return writeJSONOut(cmd.OutOrStdout(), out)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s device %s reactivated: later campaigns push to it again\n", platform, digest)
		return nil
	}
	return cmd
}

// readDevice reads one device address from r: the directory's devices[]
// JSON entry or "<platform>:<token>". Errors never quote it.
func readDevice(r io.Reader) (pushmsg.Device, error) {
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(r), pushmsg.MaxAddressBytes+1))
	if err != nil {
		return pushmsg.Device{}, fmt.Errorf("read the device from standard input: %w", err)
	}
	dev, err := pushmsg.Parse(string(b))
	if err != nil {
		return pushmsg.Device{}, fmt.Errorf("standard input: %w", err)
	}
	return dev, nil
}
