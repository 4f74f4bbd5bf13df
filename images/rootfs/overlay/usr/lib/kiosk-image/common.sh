# Shared by the image's update scripts (sourced, POSIX sh): where things are
# and small helpers. Files under $updates are the contract with the kiosk
# (docs/IMAGE.md "Updates"): the kiosk writes pending.*, reboot-request;
# root writes installed.json, failed.json.
data=/var/lib/kiosk
updates=$data/updates
slots=$data/.system/slots
release=/etc/kiosk-image-release

booted_slot() { sed -n 's/.*rauc\.slot=\([AB]\).*/\1/p' /proc/cmdline; }
other_slot() { [ "$(booted_slot)" = A ] && echo B || echo A; }
running_version() { sed -n 's/^VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$release"; }
# cmdline_value KEY DEFAULT: KEY=value from the kernel command line (tests).
cmdline_value() { v=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=\([0-9][0-9]*\)\$/\1/p" | tail -1); echo "${v:-$2}"; }
# json_text STRING: safe inside a JSON string (no quotes, backslashes, control characters).
json_text() { printf '%s' "$1" | tr -d '"\\' | tr '\000-\037' ' ' | cut -c1-400; }
# json_field FILE KEY: a string or number field of a flat JSON object.
json_field() { sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" "$1" 2>/dev/null | head -1; }
# put FILE TEXT: write a file the kiosk reads, atomically, never through a
# link the kiosk could have left at that name (rename replaces the link).
put() {
    mkdir -p "$(dirname "$1")"
    t=$(mktemp "$(dirname "$1")/.put.XXXXXX") || return 1
    printf '%s\n' "$2" > "$t" && chmod 0644 "$t" && sync "$t" && mv -fT "$t" "$1"
}
ensure_updates_dir() {
    [ -L "$updates" ] && rm -f "$updates"
    mkdir -p "$updates" && chown kiosk:kiosk "$updates" && chmod 0750 "$updates"
    mkdir -p "$slots" && chmod 0700 "$slots"
}
# log TEXT: to the journal; also to the serial port in the QEMU tests
# (kiosk.smoke on the kernel command line, never on a terminal).
log() {
    echo "$*"
    if grep -qw kiosk.smoke /proc/cmdline; then echo "KIOSK-SMOKE log: $*" > /dev/ttyS0; fi
}
