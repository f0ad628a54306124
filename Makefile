# breach — build, test and measure. `make help` lists the targets.
GO        ?= go
PKGS      ?= ./...
NATS_URL  ?= nats://127.0.0.1:4222
PG_DSN    ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
BENCHTIME ?= 1x
BREACH_BENCH_ROUNDS ?= 3
FUZZ_DECODE    ?= 300000x
FUZZ_DIRECTORY ?= 100000x
FUZZ_INVENTORY ?= 60000x
FUZZ_RECORDS   ?= 100000x
FUZZ_GATE      ?= 30000x
FUZZ_WIRE      ?= 20000x
FUZZ_JSON      ?= 200000x

.PHONY: help build test test-integration fuzz bench bench-e2e lint run clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

build: ## build bin/breach
	$(GO) build -o bin/breach ./cmd/breach

test: ## unit and in-process tests (no external services), a few minutes at most
	$(GO) test -count=1 -timeout 15m $(PKGS)

test-integration: ## everything, plus crash, fault and scale tests and the real NATS (4222) and PostgreSQL (5432)
	BREACH_TEST_INTEGRATION=1 BREACH_TEST_NATS_URL=$(NATS_URL) BREACH_TEST_POSTGRES_DSN='$(PG_DSN)' \
		$(GO) test -count=1 -timeout 40m $(PKGS)

fuzz: ## run the input fuzz targets for a fixed number of executions each (FUZZ_DECODE=300000x ...)
	# Execution counts, not durations: a duration budget races Go's fuzz coordinator
	# (go.dev/issue/75804, fixed in Go 1.27) and fails with a bare "context deadline exceeded".
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZ_DECODE) -fuzzminimizetime 2000x ./incident
	$(GO) test -run '^$$' -fuzz '^FuzzDirectoryCSV$$' -fuzztime $(FUZZ_DIRECTORY) -fuzzminimizetime 2000x ./inventory
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_INVENTORY) -fuzzminimizetime 2000x ./inventory
	$(GO) test -run '^$$' -fuzz '^FuzzCSVRecords$$' -fuzztime $(FUZZ_RECORDS) -fuzzminimizetime 2000x ./inventory
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime $(FUZZ_GATE) -fuzzminimizetime 2000x ./notify/compose
	$(GO) test -run '^$$' -fuzz '^FuzzCheckFacts$$' -fuzztime $(FUZZ_GATE) -fuzzminimizetime 2000x ./notify/compose
	$(GO) test -run '^$$' -fuzz '^FuzzWireRoundTrip$$' -fuzztime $(FUZZ_WIRE) -fuzzminimizetime 200x ./notify/email
	$(GO) test -run '^$$' -fuzz '^FuzzString$$' -fuzztime $(FUZZ_JSON) -fuzzminimizetime 2000x ./internal/jsonenc

bench: ## benchmarks (BENCHTIME=1x by default; e.g. make bench BENCHTIME=3s)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

bench-e2e: ## planning vs raw JetStream and e-mail vs Postfix smtp-source, side by side (installs postfix's tools; BREACH_BENCH_* sizes, BREACH_BENCH_ROUNDS=3 rounds, median)
	GO=$(GO) BREACH_BENCH_ROUNDS=$(BREACH_BENCH_ROUNDS) scripts/bench-e2e.sh $(BENCH_E2E_FLAGS)

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'run gofmt -w'; exit 1)
	$(GO) vet $(PKGS)

run: ## run the service on its embedded defaults
	$(GO) run ./cmd/breach serve

clean: ## remove build output and the default data directory
	rm -rf bin breach-data
