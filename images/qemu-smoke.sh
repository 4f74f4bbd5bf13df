#!/usr/bin/env bash
# Smoke test of the kiosk image in QEMU (software emulation, no KVM needed):
#   images/qemu-smoke.sh [IMAGE]        (default images/out/kiosk-amd64.img)
#
# Boots a throw-away copy of the image (grown to 6 GiB, as if flashed on a
# bigger disk) with OVMF, -vga std, no network, the serial port to a log and
# a QMP socket. The copy's grubenv adds "console=ttyS0 kiosk.smoke" to the
# kernel command line, which turns on kiosk-smoke-report.service (inert on a
# terminal). Boot 1: kiosk.service must reach READY, / must be read-only,
# /var/lib/kiosk writable; a QMP screendump must show the setup screen (an
# unprovisioned kiosk starts there) -> docs/images/qemu-first-boot.png.
# Then an ACPI power-off, boot 2: the data written in boot 1 is still there.
# Budget: 15 minutes in all (KIOSK_SMOKE_BUDGET_S). Needs root only to
# install qemu-system-x86/ovmf/mtools when they are missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
img=${1:-$here/out/kiosk-amd64.img}
budget=${KIOSK_SMOKE_BUDGET_S:-900}
work=$here/out/smoke
shot=$repo/docs/images/qemu-first-boot.png
die() { echo "qemu-smoke: $*" >&2; exit 1; }
t0=$(date +%s)

[ -f "$img" ] || die "no image at $img: build it first with images/build.sh"
missing=()
for p in qemu-system-x86 ovmf mtools grub-common python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: run as root, or apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get could not install ${missing[*]}"
fi
code=/usr/share/OVMF/OVMF_CODE_4M.fd; vars=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -f "$code" ] && [ -f "$vars" ] || die "OVMF firmware not found in /usr/share/OVMF (package ovmf)"

if [ -f "$img.sha256" ]; then
  (cd "$(dirname "$img")" && sha256sum --quiet -c "$(basename "$img").sha256") \
    || die "$img does not match its .sha256: rebuild it (images/build.sh)"
fi

rm -rf "$work"; mkdir -p "$work" "$(dirname "$shot")"
disk=$work/disk.img
cp --sparse=always "$img" "$disk"
truncate -s 6G "$disk"
cp "$vars" "$work/OVMF_VARS.fd"

# Turn on the smoke report in this copy only: the ESP starts at 1 MiB.
esp_off=$(( $(sfdisk -J "$disk" 2>/dev/null | python3 -c 'import json,sys; t=json.load(sys.stdin)["partitiontable"]; print([p["start"] for p in t["partitions"] if p.get("name")=="kiosk-esp"][0])') * 512 ))
export MTOOLS_SKIP_CHECK=1
mcopy -n -i "$disk@@$esp_off" ::/grub/grubenv "$work/grubenv" || die "no /grub/grubenv on the image's ESP: was it built by images/build.sh?"
grub-editenv "$work/grubenv" set "KIOSK_CMDLINE_EXTRA=console=tty1 console=ttyS0,115200 systemd.show_status=true kiosk.smoke"
mcopy -o -i "$disk@@$esp_off" "$work/grubenv" ::/grub/grubenv

python3 "$here/qemu/smoke.py" --disk "$disk" --ovmf-code "$code" --ovmf-vars "$work/OVMF_VARS.fd" \
  --work "$work" --screenshot "$shot" --golden "$repo/tests/goldens/setup_connect_zh_landscape.png" \
  --budget "$budget" --data-mb "${KIOSK_DATA_MB:-256}" && rc=0 || rc=$?
echo "time: whole smoke test $(( $(date +%s) - t0 )) s (serial logs in $work)"
rm -f "$disk"
exit $rc
