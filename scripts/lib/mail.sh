# shellcheck shell=bash
# Starts the mail servers the email tests use, on loopback and non-default ports, without systemd:
#   - SMTP on 127.0.0.1:$HUB_SMTP_PORT: scripts/lib/mail-sink.mjs (nodemailer's smtp-server, from npm),
#     which stores each accepted message into the maildir of the recipient's local part;
#   - IMAP on 127.0.0.1:$HUB_IMAP_PORT: Debian's dovecot-imapd over those maildirs. Any user name logs
#     in with the password $HUB_MAIL_PASSWORD and sees the mail sent to <that name>@any-domain.
# Recipients whose local part starts with "reject" are refused with 550, "defer" with 450.
# Sourced by scripts/test.sh: `source scripts/lib/mail.sh && start_mail` exports HUB_TEST_SMTP and
# HUB_TEST_IMAP (host:port) and HUB_TEST_MAIL_PASSWORD; stop_mail undoes it.

_mail_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=services.sh
declare -F ensure_packages >/dev/null || source "$_mail_lib_dir/services.sh"

HUB_SMTP_PORT=${HUB_SMTP_PORT:-12525}
HUB_IMAP_PORT=${HUB_IMAP_PORT:-11143}
HUB_MAIL_PASSWORD=${HUB_MAIL_PASSWORD:-hub}
HUB_MAIL_DIR=${HUB_MAIL_DIR:-${HUB_SERVICES_DIR:-/tmp/hub-services}/mail}
# smtp-server is installed once here and reused across runs.
HUB_MAIL_NODE_DIR=${HUB_MAIL_NODE_DIR:-/tmp/hub-mail-node}
HUB_SMTP_SERVER_VERSION=3.21.6

_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_wait_port() {
  for _ in $(seq 100); do _port_open "$1" && return 0; sleep 0.1; done
  return 1
}

start_mail() {
  ensure_packages dovecot-imapd || return 1
  command -v node >/dev/null && command -v npm >/dev/null || { log "mail: node and npm are needed for the SMTP server"; return 1; }
  mkdir -p "$HUB_MAIL_DIR"
  start_smtp_sink && start_dovecot || return 1
  export HUB_TEST_SMTP="127.0.0.1:$HUB_SMTP_PORT" HUB_TEST_IMAP="127.0.0.1:$HUB_IMAP_PORT" HUB_TEST_MAIL_PASSWORD="$HUB_MAIL_PASSWORD"
}

# The user the maildirs belong to: Debian's "mail" user when we are root, ourselves otherwise.
_mail_owner() {
  if [ "$(id -u)" -eq 0 ]; then echo "$(id -u mail) $(id -g mail) mail"; else echo "$(id -u) $(id -g) $(id -un)"; fi
}

start_smtp_sink() {
  if _port_open "$HUB_SMTP_PORT"; then
    log "mail: something already answers on 127.0.0.1:$HUB_SMTP_PORT (taken as the SMTP server)"
    return 0
  fi
  if [ ! -f "$HUB_MAIL_NODE_DIR/node_modules/smtp-server/package.json" ]; then
    mkdir -p "$HUB_MAIL_NODE_DIR"
    log "mail: installing smtp-server@$HUB_SMTP_SERVER_VERSION from npm into $HUB_MAIL_NODE_DIR"
    npm install --prefix "$HUB_MAIL_NODE_DIR" --no-audit --no-fund --silent "smtp-server@$HUB_SMTP_SERVER_VERSION" >/dev/null || return 1
  fi
  local uid gid _user
  read -r uid gid _user < <(_mail_owner)
  mkdir -p "$HUB_MAIL_DIR/boxes"
  chown "$uid:$gid" "$HUB_MAIL_DIR/boxes"
  HUB_SMTP_PORT=$HUB_SMTP_PORT HUB_MAIL_ROOT="$HUB_MAIL_DIR/boxes" HUB_MAIL_PASSWORD=$HUB_MAIL_PASSWORD \
    HUB_MAIL_NODE_DIR=$HUB_MAIL_NODE_DIR HUB_MAIL_UID=$uid HUB_MAIL_GID=$gid \
    nohup node "$_mail_lib_dir/mail-sink.mjs" >"$HUB_MAIL_DIR/smtp.log" 2>&1 &
  echo $! >"$HUB_MAIL_DIR/smtp.pid"
  _wait_port "$HUB_SMTP_PORT" || { log "mail: the SMTP server did not start (see $HUB_MAIL_DIR/smtp.log)"; return 1; }
  log "mail: SMTP started on 127.0.0.1:$HUB_SMTP_PORT"
}

start_dovecot() {
  if _port_open "$HUB_IMAP_PORT"; then
    log "mail: something already answers on 127.0.0.1:$HUB_IMAP_PORT (taken as the IMAP server)"
    return 0
  fi
  local uid gid user login_user internal_user
  read -r uid gid user < <(_mail_owner)
  if [ "$(id -u)" -eq 0 ]; then login_user=dovenull internal_user=dovecot; else login_user=$user internal_user=$user; fi
  mkdir -p "$HUB_MAIL_DIR/run" "$HUB_MAIL_DIR/state"
  cat >"$HUB_MAIL_DIR/dovecot.conf" <<CONF
# Written by scripts/lib/mail.sh: a throwaway IMAP server for the tests.
base_dir = $HUB_MAIL_DIR/run
state_dir = $HUB_MAIL_DIR/state
log_path = $HUB_MAIL_DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = $login_user
default_internal_user = $internal_user
first_valid_uid = $uid
first_valid_gid = $gid
mail_location = maildir:$HUB_MAIL_DIR/boxes/%n/Maildir
mail_fsync = never
mailbox_idle_check_interval = 1 secs
passdb {
  driver = static
  args = password=$HUB_MAIL_PASSWORD
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$HUB_MAIL_DIR/boxes/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $HUB_IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
  dovecot -c "$HUB_MAIL_DIR/dovecot.conf" || { log "mail: dovecot did not start (see $HUB_MAIL_DIR/dovecot.log)"; return 1; }
  _wait_port "$HUB_IMAP_PORT" || { log "mail: dovecot does not answer on $HUB_IMAP_PORT (see $HUB_MAIL_DIR/dovecot.log)"; return 1; }
  log "mail: IMAP (dovecot) started on 127.0.0.1:$HUB_IMAP_PORT"
}

stop_mail() {
  if [ -f "$HUB_MAIL_DIR/dovecot.conf" ] && [ -f "$HUB_MAIL_DIR/run/master.pid" ]; then
    dovecot -c "$HUB_MAIL_DIR/dovecot.conf" stop >/dev/null 2>&1 || true
  fi
  if [ -f "$HUB_MAIL_DIR/smtp.pid" ]; then
    kill "$(cat "$HUB_MAIL_DIR/smtp.pid")" 2>/dev/null || true
    rm -f "$HUB_MAIL_DIR/smtp.pid"
  fi
}
