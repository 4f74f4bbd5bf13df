#!/bin/sh
# mmdebstrap customize hook, after customize.sh ($1 = the new root, /proc,
# /sys and /dev mounted). Removes kernel modules for hardware a kiosk never
# has, then rebuilds the initramfs so it matches what is left. Docs, man
# pages and translations are never unpacked (dpkg path-exclude in build.sh).
#
# Removed: data-centre NICs and storage HBAs, InfiniBand, ISDN, SCSI/NVMe
# targets, TV tuners (DVB), cluster and server file systems. Kept: GPUs,
# USB, input, HID, sound, Wi-Fi and Bluetooth, desktop NICs, SATA/NVMe/eMMC,
# device-mapper (RAUC's verity bundles), vfat/exfat/ntfs3/iso9660 (USB
# sticks), UVC cameras. Modules that needed a removed one go too (from
# modules.dep), so nothing left refers to a missing symbol.
# Writes a summary to $KIOSK_TRIM_REPORT.
set -eu
root=$1
kver=$(ls "$root/usr/lib/modules" | head -1)
[ -n "$kver" ] || { echo "trim: no kernel modules in $root/usr/lib/modules" >&2; exit 1; }
mods=$root/usr/lib/modules/$kver/kernel
before=$(du -sm "$mods" | cut -f1)
# modules.dep of the full tree lists every module's dependencies (all of
# them, not just direct ones): a module that needs a removed one goes too.
chroot "$root" depmod -a "$kver"
dep=$root/usr/lib/modules/$kver/modules.dep
removed=$(mktemp)
for d in drivers/infiniband drivers/isdn drivers/target drivers/nvme/target \
         drivers/media/dvb-frontends drivers/media/pci drivers/media/tuners drivers/media/dvb-core \
         drivers/media/usb/dvb-usb drivers/media/usb/dvb-usb-v2 drivers/media/common/siano \
         drivers/media/usb/em28xx drivers/media/usb/cx231xx \
         drivers/net/ethernet/mellanox drivers/net/ethernet/chelsio drivers/net/ethernet/qlogic \
         drivers/net/ethernet/cavium drivers/net/ethernet/netronome drivers/net/ethernet/emulex \
         drivers/net/ethernet/huawei drivers/net/ethernet/pensando drivers/net/ethernet/sfc \
         drivers/net/ethernet/brocade drivers/net/ethernet/fungible drivers/net/ethernet/amazon \
         drivers/scsi/lpfc drivers/scsi/qla2xxx drivers/scsi/qla4xxx drivers/scsi/bfa drivers/scsi/be2iscsi \
         drivers/scsi/qedf drivers/scsi/qedi drivers/scsi/csiostor drivers/scsi/fnic drivers/scsi/megaraid \
         drivers/scsi/mpt3sas drivers/scsi/smartpqi drivers/scsi/aacraid drivers/scsi/mpi3mr drivers/scsi/pm8001 \
         drivers/scsi/elx drivers/scsi/bnx2fc drivers/scsi/bnx2i drivers/scsi/cxgbi \
         fs/ocfs2 fs/gfs2 fs/dlm fs/ceph fs/nfsd fs/ksmbd fs/smb/server fs/orangefs fs/coda fs/afs fs/jfs \
         fs/nilfs2 fs/reiserfs fs/xfs fs/btrfs net/ceph net/rds net/tipc; do
  [ -d "$mods/$d" ] && (cd "$root/usr/lib/modules/$kver" && find "kernel/$d" -name '*.ko*') >> "$removed"
done
awk -v list="$removed" 'BEGIN { while ((getline l < list) > 0) gone[l] = 1 }
  { m = $1; sub(/:$/, "", m); if (m in gone) next
    for (i = 2; i <= NF; i++) if ($i in gone) { print m; next } }' "$dep" > "$removed.dependents"
dropped=$(wc -l < "$removed.dependents")
(cd "$root/usr/lib/modules/$kver" && cat "$removed" "$removed.dependents" | xargs -r rm -f)
find "$mods" -depth -type d -empty -delete
rm -f "$removed" "$removed.dependents"
# Compress what is left (kmod 30 in bookworm loads .ko.zst; Debian's own
# trixie kernels ship compressed modules): about a third of the space.
find "$mods" -name '*.ko' -print0 | xargs -0 -r -P 2 -n 200 zstd -q -9 --rm
chroot "$root" depmod -a "$kver"
after=$(du -sm "$mods" | cut -f1)

# The kiosk's own programs come from a RelWithDebInfo build: ~170 MB of
# debug info that a terminal never reads (the .deb in build/image-deb keeps
# it for crash analysis). Stripped here with the build host's binutils.
strip --strip-debug "$root/usr/bin/kiosk" "$root/usr/bin/kioskctl"

chroot "$root" update-initramfs -u -k "$kver" >/dev/null
for l in vmlinuz initrd.img; do
  [ -e "$root/$l" ] || { echo "trim: /$l missing in the root file system (linux-image postinst makes it)" >&2; exit 1; }
done
echo "kernel modules ${before} MiB -> ${after} MiB ($dropped dependent modules dropped); initramfs $(du -m "$root/boot/initrd.img-$kver" | cut -f1) MiB" \
  > "${KIOSK_TRIM_REPORT:-/dev/stderr}"
