# shellcheck shell=bash
# The browser the end-to-end tests (tests/Hub.E2E) drive: the system's Chromium, headless. Playwright never
# downloads one (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1). Sourced by scripts/test.sh; needs scripts/lib/services.sh.

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
HUB_CHROMIUM=${HUB_CHROMIUM:-/usr/bin/chromium}
export HUB_CHROMIUM

# Installs Debian's chromium when it's missing (root with apt); returns 1 if there's still no browser.
ensure_browser() {
  if [ -x "$HUB_CHROMIUM" ]; then
    return 0
  fi
  if ! declare -F ensure_packages >/dev/null; then
    # shellcheck source=services.sh
    . "$(dirname "${BASH_SOURCE[0]}")/services.sh"
  fi
  ensure_packages chromium || true
  if [ -x "$HUB_CHROMIUM" ]; then
    log "browser: $("$HUB_CHROMIUM" --version 2>/dev/null || echo "$HUB_CHROMIUM")"
    return 0
  fi
  log "no browser at $HUB_CHROMIUM: the web chat widget tests (tests/Hub.E2E) skip, or fail under CI=true"
  return 1
}
