# Shared by the image's update scripts (sourced, POSIX sh): where things are
# and small helpers.
#
# Two kinds of place on the data partition (mounted at $part):
#   $sys  = $part/system   root only (0700): RAUC's status, the trial
#           records, root's own record of the installed and the failed
#           update, the persistent machine id. The kiosk cannot reach it.
#   $data = $part/kiosk, bind-mounted at /var/lib/kiosk: the kiosk's own.
#           $updates is the contract with the kiosk (docs/IMAGE.md
#           "Updates"): the kiosk writes pending.*, reboot-request; the
#           installer writes installed.json, failed.json there for it.
# Root never trusts, follows or changes anything in $data as root: it reads
# and writes there only as the kiosk user (as_kiosk), so a link or a file
# the kiosk planted gets the kiosk nothing it did not have already. What
# root decides on comes from $sys.
part=/var/lib/kiosk-data
sys=$part/system
slots=$sys/slots
data=/var/lib/kiosk
updates=$data/updates
release=/etc/kiosk-image-release

booted_slot() { sed -n 's/.*rauc\.slot=\([AB]\).*/\1/p' /proc/cmdline; }
other_slot() { [ "$(booted_slot)" = A ] && echo B || echo A; }
running_version() { sed -n 's/^VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$release"; }
# cmdline_value KEY DEFAULT: KEY=value from the kernel command line (tests).
cmdline_value() { v=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=\([0-9][0-9]*\)\$/\1/p" | tail -1); echo "${v:-$2}"; }
# json_text STRING: safe inside a JSON string: printable ASCII without
# quotes or backslashes, at most 400 characters.
json_text() { printf '%s' "$1" | LC_ALL=C tr '\t\n' '  ' | LC_ALL=C tr -cd ' !#-[]-~' | cut -c1-400; }
# good_version TEXT / good_sha TEXT: what a version or a sha256 may look like.
good_version() { printf '%s' "$1" | grep -Eqx '[A-Za-z0-9][A-Za-z0-9.+~_-]{0,99}'; }
good_sha() { printf '%s' "$1" | grep -Eqx '[0-9a-f]{64}'; }
# newer_or_same A B: version A sorts at or after version B (sort -V).
newer_or_same() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -1)" = "$1" ]; }

as_kiosk() { runuser -u kiosk -- "$@"; }
# kiosk_read FILE: a file in the kiosk's folder, read with the kiosk's rights.
kiosk_read() { as_kiosk cat -- "$1" 2>/dev/null; }
# kiosk_put FILE TEXT: write a file the kiosk reads, atomically, as the kiosk.
kiosk_put() { printf '%s\n' "$2" | as_kiosk sh -c 't=$(mktemp "$1.XXXXXX") && cat > "$t" && chmod 0644 "$t" && sync "$t" && mv -fT "$t" "$1"' put "$1"; }
kiosk_rm() { as_kiosk rm -f -- "$@"; }
# json_field TEXT KEY: a string or number field of a flat JSON object.
json_field() { printf '%s\n' "$1" | sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" | head -1; }

# root_put FILE TEXT: a record in $sys, atomically and durably.
root_put() { printf '%s\n' "$2" > "$1.new" && sync "$1.new" && mv -f "$1.new" "$1" && sync "$(dirname "$1")"; }
# Root's records: "VERSION SHA256 SLOT" of the update installed and not yet
# confirmed; "VERSION SHA256" of the last one that failed.
installed_rec=$sys/update-installed
failed_rec=$sys/update-failed

# record_failed VERSION SHA256 MESSAGE: root's record and the kiosk's copy
# (which the kiosk reports to the hub).
record_failed() {
    root_put "$failed_rec" "$1 $2"
    kiosk_put "$updates/failed.json" "{\"version\": \"$(json_text "$1")\", \"sha256\": \"$(json_text "$2")\", \"error\": \"$(json_text "$3")\", \"at\": $(date +%s)}"
}
# clear_installed: the installed update is confirmed, failed or replaced.
clear_installed() { rm -f "$installed_rec"; kiosk_rm "$updates/installed.json"; }

ensure_dirs() {
    mkdir -p "$slots" && chmod 0700 "$sys" "$slots"
    as_kiosk mkdir -p -m 0750 "$updates"
}
# log TEXT: to the journal; also to the serial port in the QEMU tests
# (kiosk.smoke on the kernel command line, never on a terminal).
log() {
    echo "$*"
    if grep -qw kiosk.smoke /proc/cmdline; then echo "KIOSK-SMOKE log: $*" > /dev/ttyS0; fi
}
