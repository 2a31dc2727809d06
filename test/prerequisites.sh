#!/bin/sh
# The system programs the tests use (`sh test/prerequisites.sh`, run by `npm test` before any test) or the
# benchmark uses (`sh test/prerequisites.sh bench`, run by `npm run bench`). It looks for each program first, so
# when everything is there it only checks and returns. What is missing it installs on Debian/Ubuntu when it
# can (root, or sudo without a password); otherwise it stops with the one command to run.
#
# What needs what:
#   keytar (loads in Node)           libsecret-1-dev g++ make python3: npm builds keytar from source; then
#                                    this script runs `npm install` (keytar left out) or `npm rebuild keytar`
#   gnome-keyring-daemon             gnome-keyring: the real Secret Service the vault tests use
#   dbus-run-session                 dbus: the private session bus test/with-keyring.sh starts
#   /usr/bin/chromium                chromium: the browser tests (playwright-core drives Debian's Chromium)
#   curl                             curl: the CLI test runs the two curl lines the demo prints
#   ${KUBECTL:-/usr/bin/kubectl}     kubernetes-client: the fake API server is checked against a real kubectl
#   /usr/sbin/nginx                  nginx-light: the bench's nginx configurations are checked by `nginx -t`
#   bench: nginx, wrk, hey           nginx-light wrk hey
set -eu
cd "$(dirname "$0")/.."

group=${1:-test}
if [ "$group" = bench ]; then users=benchmark; else users=tests; fi
packages=''
missing=''
keytar_missing=''

# need WHAT PACKAGES...: WHAT is missing, and PACKAGES provide it.
need() {
  what=$1
  shift
  missing="$missing $what"
  for package in "$@"; do
    case " $packages " in *" $package "*) ;; *) packages="$packages $package" ;; esac
  done
}
has() { command -v "$1" >/dev/null 2>&1; }
keytar_loads() { node -e "require('keytar')" >/dev/null 2>&1; }

if [ "$group" = test ]; then
  if ! keytar_loads; then
    keytar_missing=1
    pkg-config --exists libsecret-1 2>/dev/null || need 'libsecret headers' libsecret-1-dev
    has g++ || need g++ g++
    has make || need make make
    has python3 || need python3 python3
  fi
  has gnome-keyring-daemon || need gnome-keyring-daemon gnome-keyring
  has dbus-run-session || need dbus-run-session dbus
  [ -x /usr/bin/chromium ] || need /usr/bin/chromium chromium
  has curl || need curl curl
  [ -x "${KUBECTL:-/usr/bin/kubectl}" ] || need "${KUBECTL:-/usr/bin/kubectl}" kubernetes-client
  [ -x /usr/sbin/nginx ] || need /usr/sbin/nginx nginx-light
elif [ "$group" = bench ]; then
  [ -x /usr/sbin/nginx ] || need /usr/sbin/nginx nginx-light
  has wrk || need wrk wrk
  has hey || need hey hey
else
  echo "usage: sh test/prerequisites.sh [test|bench]" >&2
  exit 2
fi

if [ -n "$packages" ]; then
  install="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$packages"
  if [ "$(id -u)" -eq 0 ]; then as_root=''; elif has sudo && sudo -n true 2>/dev/null; then as_root='sudo'; else as_root=none; fi
  if ! has apt-get || [ "$as_root" = none ]; then
    echo "Missing for the ${users}:$missing. Install, then run the same command again:" >&2
    if has apt-get; then
      echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$packages" >&2
    else
      echo "  (Debian/Ubuntu package names:$packages)" >&2
    fi
    exit 1
  fi
  echo "Installing what the ${users} use:$packages" >&2
  $as_root sh -c "$install" >&2
fi

if [ -n "$keytar_missing" ]; then
  # npm leaves keytar out when it cannot build it (an optional dependency); now that it can, build it.
  if [ -d node_modules/keytar ]; then npm rebuild keytar >&2; else npm install --no-audit --no-fund >&2; fi
  if ! keytar_loads; then
    echo "keytar still does not load:" >&2
    node -e "require('keytar')" >&2 || true
    exit 1
  fi
fi
