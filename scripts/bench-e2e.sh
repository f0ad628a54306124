#!/usr/bin/env bash
# bench-e2e: install Postfix's smtp-sink and smtp-source when missing, build
# cmd/breach-bench and print the planning and e-mail ratios. Sizes come from
# BREACH_BENCH_* variables (see cmd/breach-bench); arguments are passed on,
# e.g. scripts/bench-e2e.sh -cpuprofile email.pprof
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

if [[ ! -x /usr/sbin/smtp-sink || ! -x /usr/sbin/smtp-source ]]; then
	echo "bench-e2e: installing Debian's postfix package for smtp-sink and smtp-source" >&2
	SUDO=""
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null || { echo "bench-e2e: smtp-sink is missing and this user cannot install postfix (run as root or apt-get install postfix)" >&2; exit 1; }
		SUDO="sudo"
	fi
	# postfix asks for a mail configuration on install: no questions, and
	# the mail daemon itself is never started here (only its test tools run).
	echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi

mkdir -p bin
$GO build -o bin/breach-bench ./cmd/breach-bench
exec bin/breach-bench "$@"
