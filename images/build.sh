#!/usr/bin/env bash
# Builds the kiosk's disk image: images/out/kiosk-amd64.img (+ .sha256, .bmap,
# .manifest). One command, as root, on Debian 12 amd64, from a clean checkout;
# it installs the tools it needs from Debian and needs no other network.
#
#   stage        what                                              output
#   tools        apt-get the image tools if missing                 -
#   deb          cmake --preset release, build, cpack -G DEB        build/image-deb/kiosk_*.deb
#   rootfs       mmdebstrap bookworm minbase + kiosk + customize    images/build/rootfs/
#                (docs/man/locales never unpacked; rootfs/trim.sh
#                drops unneeded kernel modules, rebuilds initramfs)
#   trim         clean per-build state, clamp file times            (same)
#   partitions   ESP (vfat + GRUB EFI image), root A (ext4 -d),    images/build/*.part
#                data (ext4), each a file
#   disk         GPT with sfdisk, partitions dd'd in (sparse)        images/out/kiosk-amd64.img
#                + the same root as a signed RAUC bundle              images/out/kiosk-amd64-VERSION.raucb
#
# Disk layout (GPT, MiB):  1 ESP 64 · 2 root A · 3 root B · 4 kiosk-data
#   ESP      /EFI/BOOT/BOOTX64.EFI (GRUB, config built in), /grub/grubenv (A/B state)
#   root A/B read-only ext4, each with its own kernel + initramfs (RAUC slots)
#   data     ext4 "kiosk-data" at /var/lib/kiosk, grown to the disk at first boot
#
# Reproducibility: SOURCE_DATE_EPOCH = the commit time; partition, disk and
# file-system ids derive from it; file times are clamped to it. The package
# versions are whatever the mirror serves today (set KIOSK_SNAPSHOT to a
# snapshot.debian.org time stamp to pin them, where that host is reachable).
#
# Settings (environment): KIOSK_ROOT_MB (slot size, 1536), KIOSK_DATA_MB (256),
# KIOSK_TZ (Asia/Shanghai), KIOSK_MIRROR (http://deb.debian.org),
# KIOSK_SNAPSHOT, KIOSK_DEB (use this .deb instead of building one),
# KIOSK_UPDATE_KEYS (folder with the update-signing keys, default images/keys
# made by images/update-keys.sh), KIOSK_IMAGE_VERSION (default
# <package version>+<commit time>.g<commit>),
# KIOSK_KEEP_BUILD=1 (keep images/build/ for inspection).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=$here/build
out=$here/out
ROOT_MB=${KIOSK_ROOT_MB:-1536}
DATA_MB=${KIOSK_DATA_MB:-256}
ESP_MB=64
KIOSK_TZ=${KIOSK_TZ:-Asia/Shanghai}
KIOSK_UID=901
MIRROR=${KIOSK_MIRROR:-http://deb.debian.org}
CMDLINE="quiet loglevel=3 systemd.show_status=false vt.global_cursor_default=0 consoleblank=0 panic=30 systemd.gpt_auto=0"

die() { echo "build.sh: $*" >&2; exit 1; }
declare -a timings=()
stage_start=0
stage() { stage_name=$1; stage_start=$(date +%s); echo; echo "=== $1"; }
stage_done() { local s=$(( $(date +%s) - stage_start )); timings+=("$(printf '%-11s %4d s' "$stage_name" "$s")"); echo "=== $stage_name: ${s} s"; }
t0=$(date +%s)

# ---------------------------------------------------------------- checks
[ "$(id -u)" -eq 0 ] || die "run me as root (mmdebstrap, chroot and mkfs need it): sudo images/build.sh"
[ "$(dpkg --print-architecture)" = amd64 ] || die "this builds an amd64 image on an amd64 host; this host is $(dpkg --print-architecture)"
grep -q '^VERSION_CODENAME=bookworm' /etc/os-release || echo "build.sh: warning: not Debian 12 (bookworm); tested only there" >&2
avail_mb=$(df -Pm "$here" | awk 'NR==2 {print $4}')
[ "$avail_mb" -gt 8000 ] || die "need 8 GB free under $here, have ${avail_mb} MB"

SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct 2>/dev/null) || die "cannot read the commit time: run from a git checkout"
export SOURCE_DATE_EPOCH
commit=$(git -C "$repo" rev-parse --short HEAD)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no | wc -l)
echo "build.sh: commit $commit (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH$( [ "$dirty" -gt 0 ] && echo ", $dirty files changed since: not a reproducible input"))"

# uuid NAME: a stable UUID (version-4 layout) from the commit time and a name.
uuid() { local h; h=$(printf 'kiosk-image %s %s' "$SOURCE_DATE_EPOCH" "$1" | sha256sum | cut -c1-32)
  printf '%s-%s-4%s-8%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"; }

# ---------------------------------------------------------------- tools
stage tools
need=(rauc squashfs-tools openssl mmdebstrap mtools dosfstools e2fsprogs fdisk binutils grub-efi-amd64-bin grub-common bmap-tools zstd qemu-system-x86 ovmf git)
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get could not install ${missing[*]}: check /etc/apt/sources.list and the network to the Debian mirror"
fi
stage_done

# ---------------------------------------------------------------- keys
# OS update signing (RAUC): the CA goes into the image, the signing key
# signs this build's bundle. Separate from the content and TLS keys.
UPDATE_KEYS=${KIOSK_UPDATE_KEYS:-$here/keys}
KIOSK_UPDATE_KEYS=$UPDATE_KEYS "$here/update-keys.sh" "$UPDATE_KEYS" || die "images/update-keys.sh could not make the update keys in $UPDATE_KEYS"
for f in update-ca.cert.pem update-signing.cert.pem update-signing.key.pem; do
  [ -f "$UPDATE_KEYS/$f" ] || die "$UPDATE_KEYS/$f missing (KIOSK_UPDATE_KEYS must hold update-ca.cert.pem, update-signing.{cert,key}.pem)"
done

# ---------------------------------------------------------------- deb
stage deb
if [ -n "${KIOSK_DEB:-}" ]; then
  deb=$(readlink -f "$KIOSK_DEB"); [ -f "$deb" ] || die "KIOSK_DEB=$KIOSK_DEB is not a file"
  echo "using $deb (KIOSK_DEB)"
else
  "$repo/scripts/install-deps.sh" || die "scripts/install-deps.sh failed: the project's build dependencies are missing"
  (cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release) \
    || die "the release build failed (cmake --preset release && cmake --build --preset release): fix the build first"
  rm -rf "$repo/build/image-deb"; mkdir -p "$repo/build/image-deb"
  (cd "$repo/build/release" && cpack -G DEB -B "$repo/build/image-deb" >/dev/null) || die "cpack -G DEB failed in build/release"
  deb=$(ls "$repo"/build/image-deb/kiosk_*_amd64.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || die "cpack made no kiosk_*_amd64.deb in build/image-deb"
fi
chmod 0644 "$deb"
echo "package: $(basename "$deb"), Depends: $(dpkg-deb -f "$deb" Depends)"
# The image's version: the kiosk package's version, the commit time and the
# commit (what the kiosk reports to the hub and RAUC records per slot).
IMAGE_VERSION=${KIOSK_IMAGE_VERSION:-$(dpkg-deb -f "$deb" Version | sed 's/[-~:]/./g')+$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M).g$commit$( [ "$dirty" -eq 0 ] || echo .dirty)}
case "$IMAGE_VERSION" in *[[:space:]\"\']*) die "KIOSK_IMAGE_VERSION '$IMAGE_VERSION' must be one word without quotes";; esac
echo "image version: $IMAGE_VERSION"
# The site config must be one the kiosk accepts: check it with this build's kioskctl.
ctl=$(mktemp -d); dpkg-deb -x "$deb" "$ctl"
"$ctl/usr/bin/kioskctl" config check "$here/rootfs/overlay/etc/kiosk/kiosk.toml" >/dev/null \
  || die "images/rootfs/overlay/etc/kiosk/kiosk.toml is refused by kioskctl config check (message above)"
rm -rf "$ctl"
stage_done

# ---------------------------------------------------------------- rootfs
stage rootfs
rm -rf "$work"; mkdir -p "$work" "$out"
if [ -n "${KIOSK_SNAPSHOT:-}" ]; then
  base="http://snapshot.debian.org/archive/debian/$KIOSK_SNAPSHOT"; sec="http://snapshot.debian.org/archive/debian-security/$KIOSK_SNAPSHOT"
else
  base="$MIRROR/debian"; sec="$MIRROR/debian-security"
fi
packages=(
  systemd systemd-sysv udev dbus systemd-timesyncd systemd-resolved   # init, devices, time, names
  linux-image-amd64 initramfs-tools zstd kmod                         # kernel and its initramfs
  e2fsprogs dosfstools fdisk grub-common                              # data partition, ESP, grubenv
  libgl1-mesa-dri libegl1 libegl-mesa0 libgles2 libgbm1               # Mesa for SDL's kmsdrm (GLES + GBM)
  fonts-noto-cjk rime-data-luna-pinyin ca-certificates                # what the kiosk loads at run time
  rauc rauc-service                                                   # A/B updates
)
dpkgopts=(
  path-exclude=/usr/share/man/* path-exclude=/usr/share/info/* path-exclude=/usr/share/lintian/*
  path-exclude=/usr/share/doc/* path-include=/usr/share/doc/*/copyright path-include=/usr/share/doc/kiosk/*
  path-exclude=/usr/share/locale/* path-include=/usr/share/locale/locale.alias
  path-exclude=/usr/share/fonts/opentype/noto/NotoSerifCJK*
)
mmargs=(--variant=minbase --architectures=amd64 --mode=root --format=directory
  --components=main --aptopt='Acquire::Languages "none"'
  --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount
  --customize-hook="KIOSK_IMAGE_DIR='$here' KIOSK_TZ='$KIOSK_TZ' KIOSK_UID='$KIOSK_UID' KIOSK_UPDATE_CA='$UPDATE_KEYS/update-ca.cert.pem' KIOSK_IMAGE_VERSION='$IMAGE_VERSION' KIOSK_COMMIT='$commit' SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH' sh '$here/rootfs/customize.sh' \"\$1\""
  --customize-hook="KIOSK_TRIM_REPORT='$work/trim.txt' SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH' sh '$here/rootfs/trim.sh' \"\$1\""
  --include="$(IFS=,; echo "${packages[*]}")" --include="$deb")
for o in "${dpkgopts[@]}"; do mmargs+=(--dpkgopt="$o"); done
mmdebstrap "${mmargs[@]}" bookworm "$work/rootfs" \
  "deb $base bookworm main" "deb $base bookworm-updates main" "deb $sec bookworm-security main" \
  > "$work/mmdebstrap.log" 2>&1 \
  || { tail -30 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed: the lines above say where (full log: $work/mmdebstrap.log; a hook failure names images/rootfs/*.sh, a download failure the mirror $base)"; }
R=$work/rootfs
dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Package} ${Version}\n' | sort > "$work/manifest"
echo "installed $(wc -l < "$work/manifest") packages, $(du -sm "$R" | cut -f1) MiB"
stage_done

# ---------------------------------------------------------------- trim
stage trim
# Kernel modules and the initramfs were trimmed inside mmdebstrap (rootfs/trim.sh).
cat "$work/trim.txt"
# Per-machine and per-build state must not ship: each kiosk makes its own.
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"; ln -sf /etc/machine-id "$R/var/lib/dbus/machine-id"
echo kiosk > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tkiosk\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
ln -sf ../run/systemd/resolve/stub-resolv.conf "$R/etc/resolv.conf"
rm -rf "$R"/var/log/* "$R"/var/cache/apt/* "$R"/var/lib/apt/lists/* "$R"/var/cache/debconf/*-old \
       "$R"/var/lib/dpkg/*-old "$R"/var/cache/ldconfig/aux-cache "$R"/var/lib/systemd/random-seed \
       "$R"/etc/ssh/ssh_host_* "$R"/tmp/* "$R"/var/tmp/*
grep -q '^root:[*!]' "$R/etc/shadow" || die "root has a password in the image: lock it"
# Clamp every file time to the commit time (reproducible file systems).
find "$R" -xdev -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
root_mb=$(du -sm "$R" | cut -f1)
echo "root file system: ${root_mb} MiB in a ${ROOT_MB} MiB slot"
[ "$root_mb" -lt $(( ROOT_MB * 85 / 100 )) ] || die "the root file system (${root_mb} MiB) leaves too little room in a ${ROOT_MB} MiB slot: raise KIOSK_ROOT_MB or trim more"
stage_done

# ---------------------------------------------------------------- partitions
stage partitions
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
PARTUUID_A=$(uuid partition-root-a); PARTUUID_B=$(uuid partition-root-b)
# GRUB standalone EFI image with the slot-choosing config built in.
sed -e "s/@PARTUUID_A@/$PARTUUID_A/g" -e "s/@PARTUUID_B@/$PARTUUID_B/g" -e "s|@CMDLINE@|$CMDLINE|" \
    "$here/boot/grub.cfg" > "$work/grub.cfg"
touch -d "@$SOURCE_DATE_EPOCH" "$work/grub.cfg"
# grub-mkimage with a memdisk tar made here is what grub-mkstandalone does,
# minus its temporary-file time stamps: the same input gives the same bytes.
mkdir -p "$work/memdisk/boot/grub"; cp "$work/grub.cfg" "$work/memdisk/boot/grub/grub.cfg"
find "$work/memdisk" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner --format=ustar \
  -C "$work/memdisk" -cf "$work/memdisk.tar" boot
grub-mkimage -O x86_64-efi -p '(memdisk)/boot/grub' -m "$work/memdisk.tar" -o "$work/BOOTX64.EFI" \
  memdisk tar part_gpt fat ext2 normal linux loadenv test echo regexp configfile sleep reboot all_video gzio \
  || die "grub-mkimage failed (package grub-efi-amd64-bin)"
grub-editenv "$work/grubenv" create
grub-editenv "$work/grubenv" set "ORDER=A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0 KIOSK_CMDLINE_EXTRA=
touch -d "@$SOURCE_DATE_EPOCH" "$work/BOOTX64.EFI" "$work/grubenv"
volid=$(uuid esp-volume | cut -c1-8)
mkfs.vfat -C -F 32 -S 512 -s 1 -n KIOSK-ESP -i "$volid" --invariant "$work/esp.part" $(( ESP_MB * 1024 )) >/dev/null \
  || die "mkfs.vfat failed (package dosfstools)"
export MTOOLS_SKIP_CHECK=1
mmd -i "$work/esp.part" ::/EFI ::/EFI/BOOT ::/grub
mcopy -m -i "$work/esp.part" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -m -i "$work/esp.part" "$work/grubenv" ::/grub/grubenv
# Root slot A: read-only ext4 from the directory; no journal (never written
# in place); features GRUB 2.06 can read.
mkfs.ext4 -q -F -L kiosk-root -U "$(uuid fs-root)" -b 4096 -m 0 -O ^has_journal,^metadata_csum_seed,^orphan_file \
  -E "hash_seed=$(uuid fs-root-hash),lazy_itable_init=0,root_owner=0:0" -d "$R" "$work/root.part" "${ROOT_MB}M" \
  || die "mkfs.ext4 -d of the root file system failed"
# mkfs.ext4 -d copies each file's ctime and atime from the build tree (the
# time of this build); set them to the commit time so the same input gives
# the same bytes.
{ echo "sif / ctime @$SOURCE_DATE_EPOCH"; echo "sif / atime @$SOURCE_DATE_EPOCH"
  (cd "$R" && find . -mindepth 1 -printf '%P\n') | LC_ALL=C sort \
    | sed "s|^\(.*\)\$|sif \"/\1\" ctime @$SOURCE_DATE_EPOCH\nsif \"/\1\" atime @$SOURCE_DATE_EPOCH|"; } > "$work/times.debugfs"
debugfs -w -f "$work/times.debugfs" "$work/root.part" >/dev/null 2>"$work/times.err" || die "debugfs could not set file times in root.part"
if grep -qv '^debugfs ' "$work/times.err"; then
  echo "not reproducible: debugfs could not set the times of $(grep -cv '^debugfs ' "$work/times.err") paths (see $work/times.err)"
fi
# Data: ext4, its top folder root's (the first boot makes kiosk/ and
# system/ in it: usr/lib/kiosk-image/data-owner); grown at first boot.
mkfs.ext4 -q -F -L kiosk-data -U "$(uuid fs-data)" -b 4096 -m 1 -O ^metadata_csum_seed,^orphan_file \
  -E "hash_seed=$(uuid fs-data-hash),lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0" \
  "$work/data.part" "${DATA_MB}M" || die "mkfs.ext4 of the data partition failed"
stage_done

# ---------------------------------------------------------------- disk
stage disk
img=$out/kiosk-amd64.img
rm -f "$img" "$img.sha256" "$img.bmap"
a=1; b=$(( a + ESP_MB )); c=$(( b + ROOT_MB )); d=$(( c + ROOT_MB )); total=$(( d + DATA_MB + 1 ))
truncate -s "${total}M" "$img"
sfdisk --quiet "$img" <<EOF || die "sfdisk could not write the partition table"
label: gpt
label-id: $(uuid disk)
unit: sectors
sector-size: 512
first-lba: 2048

start=$(( a * 2048 )), size=$(( ESP_MB * 2048 )), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$(uuid partition-esp), name="kiosk-esp"
start=$(( b * 2048 )), size=$(( ROOT_MB * 2048 )), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$PARTUUID_A, name="kiosk-root-a"
start=$(( c * 2048 )), size=$(( ROOT_MB * 2048 )), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$PARTUUID_B, name="kiosk-root-b"
start=$(( d * 2048 )), size=$(( DATA_MB * 2048 )), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$(uuid partition-data), name="kiosk-data"
EOF
dd if="$work/esp.part"  of="$img" bs=1M seek=$a conv=notrunc,sparse status=none
dd if="$work/root.part" of="$img" bs=1M seek=$b conv=notrunc,sparse status=none
# Slot B starts blank: GRUB never picks it (B_OK=0) until an update fills it.
dd if="$work/data.part" of="$img" bs=1M seek=$d conv=notrunc,sparse status=none
bundle=$out/kiosk-amd64-$IMAGE_VERSION.raucb
rm -f "$out"/kiosk-amd64-*.raucb
KIOSK_UPDATE_KEYS=$UPDATE_KEYS "$here/bundle.sh" "$work/root.part" "$IMAGE_VERSION" "$bundle" \
  || die "images/bundle.sh could not make the update bundle (above)"
bmaptool -q create -o "$img.bmap" "$img" || echo "build.sh: bmaptool create failed; flash with dd instead" >&2
(cd "$out" && sha256sum "$(basename "$img")" > "$(basename "$img").sha256")
{ echo "# kiosk-amd64.img from commit $commit, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"; echo "# kiosk package: $(basename "$deb") sha256 $(sha256sum "$deb" | cut -c1-64)"; cat "$work/manifest"; } > "$out/kiosk-amd64.manifest"
stage_done

echo
echo "image:    $img ($(( total )) MiB, $(du -m "$img" | cut -f1) MiB allocated)"
echo "sha256:   $(cut -c1-64 "$img.sha256")"
echo "manifest: $out/kiosk-amd64.manifest (package versions)"
echo "update:   $bundle (the same system as slot A, signed with $UPDATE_KEYS/update-signing.key.pem)"
echo "layout:   ESP ${ESP_MB} MiB · root A ${ROOT_MB} MiB · root B ${ROOT_MB} MiB (blank) · kiosk-data ${DATA_MB} MiB (grows at first boot)"
echo "not reproducible: package versions follow the mirror unless KIOSK_SNAPSHOT is set; the .deb is rebuilt by this host's compiler;"
echo "                  run the build twice and compare the .sha256 to check the rest"
printf 'time: %s\n' "${timings[@]}"
echo "time: total       $(( $(date +%s) - t0 )) s"
[ "${KIOSK_KEEP_BUILD:-0}" = 1 ] || rm -rf "$work"
