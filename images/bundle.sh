#!/usr/bin/env bash
# Makes a signed RAUC update bundle from a root file system image:
#   images/bundle.sh ROOT.ext4 VERSION OUT.raucb
#
# ROOT.ext4 is a root slot's file system (images/build.sh passes the one it
# put in slot A, so the bundle of a build holds the same system as its disk
# image). VERSION must match VERSION= in that root's /etc/kiosk-image-release
# (checked): it is what the kiosk reports and what RAUC records. The bundle is
# RAUC's "verity" format (the payload is a squashfs checked block by block
# with dm-verity while it installs), compressed with zstd, and signed with
# the update-signing key from KIOSK_UPDATE_KEYS (default images/keys, made by
# images/update-keys.sh). It is checked against the CA that the image
# trusts before this script says it is done.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "bundle.sh: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: images/bundle.sh ROOT.ext4 VERSION OUT.raucb"
root=$1; version=$2; out=$3
keys=${KIOSK_UPDATE_KEYS:-$here/keys}
[ -f "$root" ] || die "$root: no such root file system image"
case "$version" in ''|*[[:space:]]*) die "version '$version' must be one word (e.g. 0.1.0+202611211415.gb5d53f1)";; esac
for f in update-signing.cert.pem update-signing.key.pem update-ca.cert.pem; do
  [ -f "$keys/$f" ] || die "$keys/$f missing: run images/update-keys.sh, or set KIOSK_UPDATE_KEYS to the folder with the release keys"
done
command -v rauc >/dev/null && command -v mksquashfs >/dev/null \
  || die "rauc and mksquashfs are needed: apt-get install rauc squashfs-tools"
inside=$(debugfs -R 'cat /etc/kiosk-image-release' "$root" 2>/dev/null | sed -n 's/^VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p')
[ "$inside" = "$version" ] || die "$root says VERSION=${inside:-<none>} in /etc/kiosk-image-release, not $version"

t0=$(date +%s)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cp --sparse=always "$root" "$dir/rootfs.ext4"
cat > "$dir/manifest.raucm" <<MF
[update]
compatible=kiosk-amd64
version=$version
description=Kiosk OS $version

[bundle]
format=verity

[image.rootfs]
filename=rootfs.ext4
MF
# RAUC on the host checks the new signature the way the image will: against
# the update CA, for the code-signing purpose (as in rootfs/overlay/etc/rauc/system.conf).
printf '[system]\ncompatible=kiosk-amd64\nbootloader=noop\n[keyring]\npath=%s\ncheck-purpose=codesign\n' \
  "$keys/update-ca.cert.pem" > "$dir/host.conf"
rm -f "$out"
rauc --conf="$dir/host.conf" bundle --cert="$keys/update-signing.cert.pem" --key="$keys/update-signing.key.pem" \
  --keyring="$keys/update-ca.cert.pem" --mksquashfs-args="-comp zstd -Xcompression-level 6 -no-progress -quiet" \
  "$dir" "$out" >"$dir/rauc.log" 2>&1 || { cat "$dir/rauc.log" >&2; die "rauc bundle failed (above)"; }
rauc --conf="$dir/host.conf" info --output-format=shell "$out" > "$dir/info" 2>"$dir/info.err" \
  || { cat "$dir/info.err" >&2; die "the new bundle does not verify against $keys/update-ca.cert.pem"; }
grep -q "^RAUC_MF_VERSION='$version'" "$dir/info" || die "rauc info shows another version: $(grep RAUC_MF_VERSION "$dir/info")"
echo "bundle: $out ($(( $(stat -c %s "$out") / 1048576 )) MiB, version $version, $(( $(date +%s) - t0 )) s)"
