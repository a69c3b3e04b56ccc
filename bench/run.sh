#!/usr/bin/env bash
# Hub's benchmarks side by side with their peers (bench/README.md). Installs what a scenario needs (apt: wrk,
# nginx, postfix for smtp-sink; npm ci in bench/peers: ws, socket.io, socket.io-client, @microsoft/signalr, nodemailer), starts
# PostgreSQL when a scenario needs it (scripts/lib/services.sh), builds Hub.Bench in Release, runs and prints
# each scenario's table. Nothing is committed or left running; loopback only.
#
#   bench/run.sh all                      # every scenario with its defaults, one after the other
#   bench/run.sh fanout|groups|connections|tracking|campaign|latency|classify [scenario options]   # one scenario (see --help)
#   bench/run.sh --help
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scenario="${1:-all}"
shift || true
# shellcheck source=../scripts/lib/services.sh
source "$root/scripts/lib/services.sh"

say() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

# apt packages: installed without starting their services (nginx and postfix run only as the bench's children).
apt_packages() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local policy=/usr/sbin/policy-rc.d added=""
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1
  fi
  ensure_packages "${missing[@]}" || { [ -n "$added" ] && rm -f "$policy"; say "install ${missing[*]} first"; exit 2; }
  [ -n "$added" ] && rm -f "$policy"
  return 0
}

peers_installed=""
node_peers() {
  [ -n "$peers_installed" ] && return 0
  command -v node >/dev/null || { say "node (20+) is required"; exit 2; }
  (cd "$here/peers" && npm ci --no-audit --no-fund --loglevel=error)
  peers_installed=1
}

needs() {
  case "$1" in
    fanout) node_peers ;;
    groups) node_peers; start_postgres ;;
    classify) ;;
    tracking) apt_packages wrk nginx; start_postgres ;;
    campaign) apt_packages postfix; node_peers; start_postgres ;;
    latency) start_postgres ;;
    connections) node_peers ;;
  esac
}

# One descriptor per connection on each side (fan-out and groups: 1,000 clients; connections: 10,000).
want=65536
hard=$(ulimit -Hn)
if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then want=$hard; fi
ulimit -n "$want" || true

build() {
  say "building Hub.Bench (Release)"
  dotnet build "$here/Hub.Bench" -c Release -nologo -v q -clp:ErrorsOnly >&2
}

run() {
  local name="$1"; shift
  say "scenario $name"
  # Every scenario is bounded by its own counts and timeouts; this is a backstop.
  timeout --kill-after=10 1800 dotnet "$here/Hub.Bench/bin/Release/net10.0/Hub.Bench.dll" "$name" "$@"
}

case "$scenario" in
  -h|--help|help)
    build; dotnet "$here/Hub.Bench/bin/Release/net10.0/Hub.Bench.dll" --help ;;
  all)
    for s in fanout groups connections tracking campaign latency classify; do needs "$s"; done
    build
    status=0
    for s in fanout groups connections tracking campaign latency classify; do run "$s" || status=$?; done
    exit $status ;;
  fanout|groups|connections|classify|tracking|campaign|latency)
    needs "$scenario"; build; run "$scenario" "$@" ;;
  *)
    say "unknown scenario $scenario (all, fanout, groups, connections, tracking, campaign, latency, classify)"; exit 2 ;;
esac
