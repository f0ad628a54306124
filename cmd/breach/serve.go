package main

import (
	"github.com/spf13/cobra"

	"github.com/breach-notify/breach/app"
	"github.com/breach-notify/breach/internal/logging"
)

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the service: intake on NATS, assessment, HTTP API (embedded NATS and SQLite by default)",
		Args:  cobra.NoArgs,
	}
	cf := addConfigFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		logger, err := logging.New(cmd.ErrOrStderr(), cfg.Log.Level, cfg.Log.Format)
		if err != nil {
			return usageError(err)
		}
		log := logger.WithField("service", "breach")
		svc, err := app.Start(cmd.Context(), cfg, log, app.Options{})
		if err != nil {
			return err
		}
		return svc.Run(cmd.Context())
	}
	return cmd
}
