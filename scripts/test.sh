#!/usr/bin/env bash
# Runs every test of Hub. Installs what the tests need (PostgreSQL, Redis) when it can, starts the
# servers on loopback, runs the suites on SQLite and again on PostgreSQL, stops the servers and prints
# one closing line: "Total: N passed, N failed, N skipped".
#
# CI=true makes a missing server a failure; elsewhere the PostgreSQL run is skipped, loudly.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/services.sh
source scripts/lib/mail.sh
source scripts/lib/browser.sh
source scripts/lib/chaos-table.sh

results=.artifacts/test-results
rm -rf "$results" && mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The chaos suites (tests/Hub.Chaos) run in pass 4 in their bounded form and write their ledger here.
export HUB_CHAOS_REPORT="$PWD/$results/chaos-report.tsv"

servers=yes
if ! ensure_packages postgresql redis-server || ! start_postgres || ! start_redis; then
  servers=no
  if [ "${CI:-}" = "true" ]; then
    log "CI: PostgreSQL and Redis are required and could not be started"
    exit 1
  fi
  log "!!! PostgreSQL/Redis unavailable: the PostgreSQL pass and Redis tests are SKIPPED on this machine !!!"
fi
trap 'stop_mail; stop_services' EXIT
if ! ensure_browser; then
  [ "${CI:-}" = "true" ] && { log "CI: chromium is required for the widget's browser tests (tests/Hub.E2E)"; exit 1; }
  log "!!! no chromium: the widget browser test is SKIPPED !!!"
fi
if ! start_mail; then
  [ "${CI:-}" = "true" ] && { log "CI: the test mail servers (SMTP + IMAP) could not be started"; exit 1; }
  log "!!! mail servers unavailable: the email tests against real SMTP/IMAP are SKIPPED on this machine !!!"
fi
if [ "$servers" = yes ]; then
  export HUB_TEST_POSTGRES="Host=127.0.0.1;Port=$HUB_PG_PORT;Username=postgres;Database=postgres"
  export HUB_TEST_REDIS="127.0.0.1:$HUB_REDIS_PORT"
fi

if [ -x scripts/fetch-sentiment-data.sh ]; then
  scripts/fetch-sentiment-data.sh || { [ "${CI:-}" = "true" ] && exit 1; }
fi

dotnet build Hub.sln -nologo -v q -clp:ErrorsOnly || exit 1

status=0
log "pass 1: every suite, on SQLite"
# (the chaos suites get a pass of their own, below: they kill servers and measure memory, so they run alone)
HUB_TEST_STORE=sqlite dotnet test Hub.sln --no-build -nologo --filter "FullyQualifiedName!~Hub.Chaos" \
  --logger "trx;LogFilePrefix=sqlite" --results-directory "$results" || status=1

if [ "$servers" = yes ]; then
  log "pass 2: the server suite again, on PostgreSQL"
  HUB_TEST_STORE=postgres dotnet test tests/Hub.Server.Tests --no-build -nologo \
    --logger "trx;LogFilePrefix=postgres" --results-directory "$results" || status=1
fi

if [ "$servers" = yes ]; then
  log "pass 3: reliability and security (tests/Hub.Chaos, bounded form; scripts/chaos.sh runs it at full length)"
  HUB_TEST_STORE=postgres dotnet test tests/Hub.Chaos --no-build -nologo \
    --logger "trx;LogFilePrefix=chaos" --results-directory "$results" || status=1
fi

log "pass 4: the JavaScript client, with the official @microsoft/signalr package, against a running Hub"
bash scripts/test-js.sh | tee "$results/js.tap" || status=1

log "reliability and security: faults survived, inputs tried, losses (tests/Hub.Chaos)"
chaos_table "$HUB_CHAOS_REPORT"

# The failed tests by name, with their first message line, so the tail of a CI log says what broke.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  python3 - "$trx" <<'PY' 2>/dev/null || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(sys.argv[1]).getroot()
name = sys.argv[1].rsplit("/", 1)[-1]
for r in root.iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
        msg = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
        print(f"FAILED [{name}] {r.get('testName')}")
        for line in msg[:3]:
            print(f"    {line[:300]}")
PY
done
grep -E '^not ok ' "$results/js.tap" 2>/dev/null | sed 's/^/FAILED [js] /' || true

# One closing line over every TRX file of both passes, plus node's own counts.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] }')
read -r jp jf js < <(awk '/^# pass /{p=$3} /^# fail /{f=$3} /^# cancelled /{c=$3} /^# skipped /{s=$3} END{print p+0, f+c+0, s+0}' "$results/js.tap" 2>/dev/null)
passed=$(( ${passed:-0} + ${jp:-0} )); failed=$(( ${failed:-0} + ${jf:-0} )); skipped=$(( ${skipped:-0} + ${js:-0} ))
echo "Total: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
[ "${passed:-0}" -gt 0 ] || status=1
[ "${failed:-0}" -eq 0 ] || status=1
exit $status
