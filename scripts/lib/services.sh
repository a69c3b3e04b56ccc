# shellcheck shell=bash
# Starts the servers the tests use — PostgreSQL and Redis — on loopback, on non-default ports, without
# systemd. Sourced by scripts/test.sh and scripts/services.sh. Everything runs as root-or-postgres in a
# throwaway directory under $HUB_SERVICES_DIR, and stop_services undoes it.

# Below the kernel's ephemeral range (32768-60999), so an outgoing connection can't be holding the port.
HUB_PG_PORT=${HUB_PG_PORT:-15432}
HUB_REDIS_PORT=${HUB_REDIS_PORT:-16379}
HUB_SERVICES_DIR=${HUB_SERVICES_DIR:-/tmp/hub-services}

log() { printf '\033[1m[services]\033[0m %s\n' "$*" >&2; }

# Installs Debian packages when they're missing and we may (root with apt); returns 1 otherwise.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    log "missing packages: ${missing[*]} (not root, or no apt-get): can't install them"
    return 1
  fi
  log "installing ${missing[*]}"
  if [ ! -f /tmp/.hub-apt-updated ]; then
    apt-get update -qq && touch /tmp/.hub-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

start_postgres() {
  if pg_isready -h 127.0.0.1 -p "$HUB_PG_PORT" >/dev/null 2>&1; then
    log "PostgreSQL already answers on 127.0.0.1:$HUB_PG_PORT"
    return 0
  fi
  local bin data
  bin=$(pg_bin)
  [ -n "$bin" ] || { log "PostgreSQL is not installed"; return 1; }
  data="$HUB_SERVICES_DIR/pg"
  rm -rf "$data" && mkdir -p "$data"
  chown postgres "$data" "$HUB_SERVICES_DIR" 2>/dev/null || true
  # initdb refuses to run as root, so it runs as the postgres user the package created.
  run_as_postgres "$bin/initdb -D $data -A trust -U postgres" >/dev/null || { log "initdb failed"; return 1; }
  if ! run_as_postgres "$bin/pg_ctl -D $data -o '-p $HUB_PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' -l $data/log -w start" >/dev/null; then
    log "PostgreSQL failed to start on 127.0.0.1:$HUB_PG_PORT:"; tail -5 "$data/log" >&2; return 1
  fi
  log "PostgreSQL started on 127.0.0.1:$HUB_PG_PORT"
}

stop_postgres() {
  local bin data="$HUB_SERVICES_DIR/pg"
  bin=$(pg_bin)
  [ -n "$bin" ] && [ -f "$data/postmaster.pid" ] && run_as_postgres "$bin/pg_ctl -D $data stop -m fast" >/dev/null 2>&1 || true
}

run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

start_redis() {
  if redis-cli -p "$HUB_REDIS_PORT" ping >/dev/null 2>&1; then
    log "Redis already answers on 127.0.0.1:$HUB_REDIS_PORT"
    return 0
  fi
  command -v redis-server >/dev/null || { log "Redis is not installed"; return 1; }
  mkdir -p "$HUB_SERVICES_DIR"
  redis-server --port "$HUB_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$HUB_SERVICES_DIR/redis.pid" --logfile "$HUB_SERVICES_DIR/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$HUB_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  if ! redis-cli -p "$HUB_REDIS_PORT" ping >/dev/null 2>&1; then
    log "Redis failed to start on 127.0.0.1:$HUB_REDIS_PORT:"; tail -3 "$HUB_SERVICES_DIR/redis.log" >&2; return 1
  fi
  log "Redis started on 127.0.0.1:$HUB_REDIS_PORT"
}

stop_redis() {
  [ -f "$HUB_SERVICES_DIR/redis.pid" ] && redis-cli -p "$HUB_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

stop_services() {
  stop_redis
  stop_postgres
}
