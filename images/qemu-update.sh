#!/usr/bin/env bash
# A/B update test of the kiosk image in QEMU (software emulation), as root:
#   images/qemu-update.sh [IMAGE]       (default images/out/kiosk-amd64.img)
#
# Makes two update bundles from the image's own root file system with the
# build's update keys (images/keys or KIOSK_UPDATE_KEYS):
#   V2 = the same system under a new version string        (a good update)
#   V3 = V2 whose /usr/bin/kiosk exits at once             (a broken update)
#   V4 = V2 whose /vmlinuz is not a kernel                 (an update that
#        never comes up: GRUB falls back in the same boot)
# starts a real kiosk-hub (this checkout's build/release) in a network
# namespace of its own, writes a provisioning file for it, puts
# provision.json + V2 on a USB stick (FAT image) and lets the kiosk reboot
# for an update at any time (device.toml on the copy's data partition).
# images/qemu/update.py then boots the image with the stick and checks that
# the stick enrols the kiosk and installs V2, that V2 boots from slot B and
# is marked good only after READY and a sync with the hub, that the home
# screen shows (docs/images/qemu-home-after-update.png); then the hub
# publishes V3: the kiosk downloads it, it is installed into slot A, the
# idle kiosk asks for the reboot, V3 is given up when its kiosk never
# starts, the terminal falls back to V2, the hub sees it, and V3 is not
# fetched again. Then the hub offers V4: installed into slot A, the reboot
# into it falls back to V2 at once, and V2 records V4 as failed.
# Budget: 35 minutes (KIOSK_UPDATE_BUDGET_S). Network: only the namespace's
# loopback (the guest's 10.0.2.2 is QEMU's user network to it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
img=${1:-$here/out/kiosk-amd64.img}
budget=${KIOSK_UPDATE_BUDGET_S:-2100}
work=$here/out/update-test
hub=${KIOSK_HUB:-$repo/build/release/sync/hub/kiosk-hub}
demo=${KIOSK_DEMO_CONTENT:-$repo/build/release/demo-content.db}
shot=$repo/docs/images/qemu-home-after-update.png
die() { echo "qemu-update: $*" >&2; exit 1; }
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }

[ "$(id -u)" -eq 0 ] || die "run me as root (network namespace, debugfs on image files, apt-get)"
[ -f "$img" ] || die "no image at $img: build it first with images/build.sh"
[ -x "$hub" ] || die "no kiosk-hub at $hub: cmake --preset release && cmake --build --preset release (or set KIOSK_HUB)"
[ -f "$demo" ] || die "no demo content at $demo: cmake --build --preset release --target demo_content (or set KIOSK_DEMO_CONTENT)"
missing=()
for p in qemu-system-x86 ovmf mtools dosfstools grub-common python3 rauc squashfs-tools e2fsprogs iproute2 util-linux; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get could not install ${missing[*]}"
fi
code=/usr/share/OVMF/OVMF_CODE_4M.fd; vars=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -f "$code" ] && [ -f "$vars" ] || die "OVMF firmware not found in /usr/share/OVMF (package ovmf)"

rm -rf "$work"; mkdir -p "$work" "$(dirname "$shot")"
disk=$work/disk.img
cp --sparse=always "$img" "$disk"
truncate -s 6G "$disk"
cp "$vars" "$work/OVMF_VARS.fd"
part_start() {  # byte offset of the partition named $2 in disk image $1
  echo $(( $(sfdisk -J "$1" | python3 -c 'import json,sys; t=json.load(sys.stdin)["partitiontable"]; print([p["start"] for p in t["partitions"] if p.get("name")==sys.argv[1]][0])' "$2") * 512 ))
}
part_size() {
  echo $(( $(sfdisk -J "$1" | python3 -c 'import json,sys; t=json.load(sys.stdin)["partitiontable"]; print([p["size"] for p in t["partitions"] if p.get("name")==sys.argv[1]][0])' "$2") * 512 ))
}

# ---- bundles: V2 and V3 from the image's slot A
stamp "making update bundles from the image's root file system"
root_off=$(part_start "$img" kiosk-root-a); root_size=$(part_size "$img" kiosk-root-a)
dd if="$img" of="$work/root-v2.ext4" bs=1M iflag=skip_bytes,count_bytes skip="$root_off" count="$root_size" conv=sparse status=none
v1=$(debugfs -R 'cat /etc/kiosk-image-release' "$work/root-v2.ext4" 2>/dev/null | sed -n 's/^VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p')
[ -n "$v1" ] || die "the image's root has no VERSION in /etc/kiosk-image-release: rebuild it with this checkout's images/build.sh"
# Later versions sort after earlier ones (sort -V): the installer refuses older.
v2="$v1.2"; v3="$v1.3"; v4="$v1.4"
set_version() {  # set_version ROOT.ext4 VERSION [broken|no-kernel]
  local rel=$work/release.$2
  debugfs -R 'cat /etc/kiosk-image-release' "$1" 2>/dev/null | sed "s/^VERSION=.*/VERSION=\"$2\"/" > "$rel"
  { echo "rm /etc/kiosk-image-release"; echo "write $rel /etc/kiosk-image-release"
    echo "sif /etc/kiosk-image-release mode 0100644"; echo "sif /etc/kiosk-image-release uid 0"; echo "sif /etc/kiosk-image-release gid 0"
    if [ "${3:-}" = broken ]; then
      printf '#!/bin/sh\necho "kiosk: deliberately broken build (images/qemu-update.sh)" >&2\nexit 1\n' > "$work/broken-kiosk"
      echo "rm /usr/bin/kiosk"; echo "write $work/broken-kiosk /usr/bin/kiosk"
      echo "sif /usr/bin/kiosk mode 0100755"; echo "sif /usr/bin/kiosk uid 0"; echo "sif /usr/bin/kiosk gid 0"
    fi
    if [ "${3:-}" = no-kernel ]; then
      echo "not a kernel (images/qemu-update.sh)" > "$work/not-a-kernel"
      echo "rm /vmlinuz"; echo "write $work/not-a-kernel /vmlinuz"
    fi; } > "$work/edit.debugfs"
  debugfs -w -f "$work/edit.debugfs" "$1" >/dev/null 2>"$work/edit.err" || die "debugfs could not edit $1: $(cat "$work/edit.err")"
}
set_version "$work/root-v2.ext4" "$v2"
cp --sparse=always "$work/root-v2.ext4" "$work/root-v3.ext4"
set_version "$work/root-v3.ext4" "$v3" broken
cp --sparse=always "$work/root-v2.ext4" "$work/root-v4.ext4"
set_version "$work/root-v4.ext4" "$v4" no-kernel
"$here/bundle.sh" "$work/root-v2.ext4" "$v2" "$work/kiosk-amd64-$v2.raucb"
"$here/bundle.sh" "$work/root-v3.ext4" "$v3" "$work/kiosk-amd64-$v3.raucb"
"$here/bundle.sh" "$work/root-v4.ext4" "$v4" "$work/kiosk-amd64-$v4.raucb"
rm -f "$work/root-v2.ext4" "$work/root-v3.ext4" "$work/root-v4.ext4"

# ---- the hub (in the namespace the test runs in: see the unshare below)
cat > "$work/inside.sh" <<EOF
set -eu
ip link set lo up
"$hub" --data "$work/hub" serve --listen 127.0.0.1:18443 --name 10.0.2.2 > "$work/hub.log" 2>&1 &
hub_pid=\$!
trap 'kill \$hub_pid 2>/dev/null || true' EXIT
for _ in \$(seq 1 100); do [ -s "$work/hub/hub.url" ] && break; sleep 0.1; done
[ -s "$work/hub/hub.url" ] || { echo "qemu-update: kiosk-hub did not start: see $work/hub.log" >&2; exit 1; }
"$hub" --data "$work/hub" content publish "$demo" > /dev/null
"$hub" --data "$work/hub" provision-file --site "青浦区行政服务中心" --url https://10.0.2.2:18443 --ttl 2h --out "$work/provision.json" > /dev/null
# ---- USB sticks (FAT)
mk_stick() {  # mk_stick IMAGE FILE...
  img=\$1; shift
  mb=\$(( \$(du -cm "\$@" | tail -1 | cut -f1) + 32 ))
  mkfs.vfat -C -n KIOSK-USB "\$img" \$(( mb * 1024 )) > /dev/null
  MTOOLS_SKIP_CHECK=1 mcopy -i "\$img" "\$@" ::/
}
mk_stick "$work/stick1.img" "$work/provision.json" "$work/kiosk-amd64-$v2.raucb"
python3 "$here/qemu/update.py" --disk "$disk" --ovmf-code "$code" --ovmf-vars "$work/OVMF_VARS.fd" \
  --work "$work" --stick1 "$work/stick1.img" --hub "$hub" --hub-data "$work/hub" \
  --v1 "$v1" --v2 "$v2" --v3 "$v3" --v3-bundle "$work/kiosk-amd64-$v3.raucb" \
  --v4 "$v4" --v4-bundle "$work/kiosk-amd64-$v4.raucb" --screenshot "$shot" \
  --golden "$repo/tests/goldens/home_zh_landscape.png" --budget "$budget"
EOF

# The kiosk may reboot for an update at any time in this copy (the default
# window is 02:00-05:00): device.toml in the data partition's kiosk/ folder
# (/var/lib/kiosk on the terminal), owned by the kiosk user.
data_off=$(part_start "$disk" kiosk-data); data_size=$(part_size "$disk" kiosk-data)
dd if="$disk" of="$work/data.part" bs=1M iflag=skip_bytes,count_bytes skip="$data_off" count="$data_size" status=none
printf '[update]\nreboot_window = "00:00-24:00"\n' > "$work/device.toml"
debugfs -w -f - "$work/data.part" >/dev/null 2>"$work/edit.err" <<DBG || die "debugfs could not write device.toml: $(cat "$work/edit.err")"
mkdir kiosk
sif kiosk uid 901
sif kiosk gid 901
sif kiosk mode 040750
cd kiosk
write $work/device.toml device.toml
sif device.toml uid 901
sif device.toml gid 901
sif device.toml mode 0100640
DBG
dd if="$work/data.part" of="$disk" bs=1M oflag=seek_bytes seek="$data_off" conv=notrunc status=none
rm -f "$work/data.part"

# Turn on the smoke report and short trial limits in this copy only.
esp_off=$(part_start "$disk" kiosk-esp)
export MTOOLS_SKIP_CHECK=1
mcopy -n -i "$disk@@$esp_off" ::/grub/grubenv "$work/grubenv" || die "no /grub/grubenv on the image's ESP"
grub-editenv "$work/grubenv" set "KIOSK_CMDLINE_EXTRA=console=tty1 console=ttyS0,115200 systemd.show_status=true kiosk.smoke kiosk.trial_ready_s=150 kiosk.trial_sync_s=300"
mcopy -o -i "$disk@@$esp_off" "$work/grubenv" ::/grub/grubenv

stamp "starting the hub and QEMU in a new network namespace (v1 $v1)"
unshare --net -- bash "$work/inside.sh" && rc=0 || rc=$?
stamp "done (rc=$rc); logs in $work"
rm -f "$disk" "$work"/*.raucb "$work"/stick*.img
exit $rc
