#!/usr/bin/env bash
# Runs the reliability and security suites (tests/Hub.Chaos) at full length — the 15-minute soak, every fault
# scenario — against real PostgreSQL, Redis, SMTP/IMAP servers and Hub processes this script starts, then prints
# the table of faults survived, inputs tried and losses. scripts/test.sh runs the same suites in a bounded form.
#
#   bash scripts/chaos.sh                 # everything, soak 15 minutes
#   HUB_SOAK_DURATION=00:02:00 bash scripts/chaos.sh --filter "FullyQualifiedName~Soak"
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
source scripts/lib/mail.sh
source scripts/lib/chaos-table.sh

results=.artifacts/chaos
rm -rf "$results" && mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export HUB_CHAOS_REPORT="$PWD/$results/report.tsv"
export HUB_SOAK_DURATION=${HUB_SOAK_DURATION:-00:15:00}
export HUB_CHAOS_FULL=true HUB_TEST_STORE=postgres

ensure_packages postgresql redis-server && start_postgres && start_redis || { log "PostgreSQL/Redis could not be started"; exit 1; }
trap 'stop_mail; stop_services' EXIT
start_mail || { log "the test mail servers could not be started"; exit 1; }
export HUB_TEST_POSTGRES="Host=127.0.0.1;Port=$HUB_PG_PORT;Username=postgres;Database=postgres"
export HUB_TEST_REDIS="127.0.0.1:$HUB_REDIS_PORT"

dotnet build tests/Hub.Chaos -nologo -v q -clp:ErrorsOnly || exit 1
status=0
dotnet test tests/Hub.Chaos --no-build -nologo --logger "trx;LogFilePrefix=chaos" --results-directory "$results" "$@" || status=1
echo
chaos_table "$HUB_CHAOS_REPORT"
exit $status
