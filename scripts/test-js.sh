#!/usr/bin/env bash
# Runs the Node tests of the JavaScript client (clients/js): installs its npm packages from the committed
# package-lock.json (npm ci), then `node --test`, which starts a real Hub process from the built
# server/Hub.Server (run `dotnet build Hub.sln` first) and kills it at the end.
#
# Prints node's own summary ("# tests N", "# pass N", "# fail N", "# skipped N"…) and exits non-zero when
# a test fails, npm ci fails, or no test ran.
set -uo pipefail
cd "$(dirname "$0")/../clients/js"

log() { echo "[test-js] $*" >&2; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "node and npm are required (Node >= 20)"
  echo "# tests 0"; echo "# pass 0"; echo "# fail 1"; echo "# skipped 0"
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  log "Node >= 20 is required, found $(node --version)"
  echo "# tests 0"; echo "# pass 0"; echo "# fail 1"; echo "# skipped 0"
  exit 1
fi

dll=../../server/Hub.Server/bin/Debug/net10.0/Hub.Server.dll
if [ -z "${HUB_SERVER_DLL:-}" ] && [ ! -f "$dll" ]; then
  log "$dll is missing: run 'dotnet build Hub.sln' first"
  echo "# tests 0"; echo "# pass 0"; echo "# fail 1"; echo "# skipped 0"
  exit 1
fi

log "npm ci ($(node --version), npm $(npm --version 2>/dev/null))"
if ! npm ci --no-audit --no-fund --loglevel=error >&2; then
  log "npm ci failed"
  echo "# tests 0"; echo "# pass 0"; echo "# fail 1"; echo "# skipped 0"
  exit 1
fi

log "node --test"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
node --test --test-reporter=tap test/*.test.mjs 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

pass=$(grep -Eo '^# pass [0-9]+' "$out" | tail -1 | awk '{print $3}')
fail=$(grep -Eo '^# fail [0-9]+' "$out" | tail -1 | awk '{print $3}')
cancelled=$(grep -Eo '^# cancelled [0-9]+' "$out" | tail -1 | awk '{print $3}')
if [ -z "$pass" ] || [ "$pass" -eq 0 ]; then
  log "no test passed"
  status=1
fi
if [ -n "$fail" ] && [ "$fail" -gt 0 ]; then
  status=1
fi
if [ -n "$cancelled" ] && [ "$cancelled" -gt 0 ]; then
  log "$cancelled test(s) cancelled: counted as a failure"
  status=1
fi
exit "$status"
