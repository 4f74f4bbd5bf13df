#!/bin/sh
# mmdebstrap customize hook (run on the build host, $1 = the new root, with
# /proc, /sys and /dev mounted in it). Turns a Debian minbase + packages into
# the kiosk's root file system: overlay files, the kiosk user, units enabled
# and masked, time zone, an initramfs that matches the trimmed modules.
# Environment from build.sh: KIOSK_IMAGE_DIR, KIOSK_TZ, KIOSK_UID,
# SOURCE_DATE_EPOCH. Must stay idempotent and never touch the host.
set -eu
root=$1
here=$KIOSK_IMAGE_DIR
in_root() { chroot "$root" "$@"; }

# Overlay: configuration, units, helper scripts (owned by root).
cp -a --no-preserve=ownership "$here/rootfs/overlay/." "$root/"
chown -R 0:0 "$root/etc/kiosk" "$root/etc/systemd" "$root/etc/udev" "$root/etc/rauc" "$root/usr/lib/kiosk-image"

# OS updates: RAUC trusts the update CA only (images/update-keys.sh), and
# the image says which version it is (the kiosk reports it; RAUC bundles
# carry the same string).
install -m 0644 "$KIOSK_UPDATE_CA" "$root/etc/rauc/keyring.pem"
printf 'VERSION="%s"\nCOMMIT="%s"\nBUILT="%s"\n' "$KIOSK_IMAGE_VERSION" "$KIOSK_COMMIT" \
  "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" > "$root/etc/kiosk-image-release"

# The kiosk user: fixed uid/gid so the data partition keeps its owner across
# image versions (an A/B update must not orphan /var/lib/kiosk).
if ! in_root getent passwd kiosk >/dev/null; then
  in_root groupadd --system --gid "$KIOSK_UID" kiosk
  in_root useradd --system --uid "$KIOSK_UID" --gid kiosk --home-dir /var/lib/kiosk \
    --no-create-home --shell /usr/sbin/nologin --comment "Self-service kiosk" kiosk
fi
for g in video input render lp; do
  in_root getent group "$g" >/dev/null || { echo "customize: group $g missing in the image" >&2; exit 1; }
done
# Mount points: the data partition, and its kiosk/ folder bound at
# /var/lib/kiosk (etc/fstab, usr/lib/kiosk-image/data-owner).
mkdir -p "$root/var/lib/kiosk" "$root/var/lib/kiosk-data" "$root/boot/efi"
chmod 0750 "$root/var/lib/kiosk"; chmod 0755 "$root/var/lib/kiosk-data"

# Local time for the clock on screen and the screen schedule.
ln -sf "/usr/share/zoneinfo/$KIOSK_TZ" "$root/etc/localtime"
echo "$KIOSK_TZ" > "$root/etc/timezone"

# Units: the kiosk and its helpers on; networking by systemd-networkd.
in_root systemctl enable kiosk.service kiosk-data-owner.service kiosk-slot-confirm.service \
  kiosk-update-install.path kiosk-update-reboot.path kiosk-smoke-report.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service
in_root systemctl set-default multi-user.target
# No text logins anywhere (screen or serial), no Ctrl+Alt+Del reboot, no
# package timers on a read-only root.
for u in getty@tty1.service getty@.service autovt@.service serial-getty@.service \
         console-getty.service getty-static.service ctrl-alt-del.target \
         apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
         e2scrub_reap.service systemd-networkd-wait-online.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done

# initramfs: zstd (quick to unpack), no resume device; rebuilt by build.sh
# after the module trim so it matches what is left.
mkdir -p "$root/etc/initramfs-tools/conf.d"
printf 'COMPRESS=zstd\nRESUME=none\n' > "$root/etc/initramfs-tools/conf.d/kiosk"
