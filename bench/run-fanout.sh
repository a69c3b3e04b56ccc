#!/usr/bin/env bash
# Scenario 1, broadcast fan-out (bench/README.md): installs the Node peers from the npm registry
# (exact versions, package-lock.json), builds Hub.Bench in Release and runs Hub, ws and socket.io 4
# side by side, printing the table. Arguments go to `Hub.Bench fanout`, e.g.
#   bench/run-fanout.sh --clients 1000 --seconds 10 --markdown /tmp/fanout.md
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# One file descriptor per connection on each side, plus the runtime's own.
want=20000
hard=$(ulimit -Hn)
if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then want=$hard; fi
ulimit -n "$want" || true

command -v node >/dev/null || { echo "run-fanout: node (20+) is required" >&2; exit 2; }
(cd "$here/peers" && npm ci --no-audit --no-fund --loglevel=error)

# The whole scenario is bounded (each run --seconds plus a drain of 30 s at most); this is a backstop.
exec timeout --kill-after=10 900 dotnet run -c Release --project "$here/Hub.Bench" -- fanout "$@"
