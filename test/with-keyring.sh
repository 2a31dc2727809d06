#!/bin/sh
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring (its keyring files in
# a temporary folder, so no earlier keyring with another password is in the way), so the vault tests use a
# real OS keychain (Secret Service) on Linux. Elsewhere, or already inside one, it runs the command as is.
if [ "$(uname -s)" = Linux ] && [ -z "${GATEHOUSE_KEYRING_READY:-}" ] \
  && command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec dbus-run-session -- sh -c '
    keyrings=$(mktemp -d)
    printf %s gatehouse-test | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    GATEHOUSE_KEYRING_READY=1 "$@"
    status=$?
    rm -rf "$keyrings"
    exit $status' sh "$@"
fi
exec "$@"
