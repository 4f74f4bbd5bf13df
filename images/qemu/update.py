#!/usr/bin/env python3
"""A/B update test of the kiosk image in QEMU (software emulation).

Called by images/qemu-update.sh inside a network namespace of its own, with
a real kiosk-hub listening on that namespace's 127.0.0.1 (the guest reaches
it as 10.0.2.2 through QEMU's user network), a USB stick image holding
provision.json (from the hub) and a good bundle V2, and a broken bundle V3
(its kiosk exits at once) that the hub will offer. The disk's data
partition carries device.toml with update.reboot_window = any time.

One QEMU process runs the whole story; the guest reboots by itself:

  boot 1  slot A (factory): the stick enrols the kiosk and installs V2
          into slot B, then reboots
  boot 2  slot B on trial: kiosk READY + one sync with the hub -> good;
          the screen shows the kiosk's home screen (content from the hub);
          the stick is pulled out
  (the hub publishes V3) the kiosk downloads it, the installer puts it in
          slot A, the idle kiosk asks for the reboot
  boot 3  slot A on trial: the kiosk never starts -> marked bad, reboot
  boot 4  slot B again (V2), V3 recorded as failed, reported to the hub,
          and not downloaded again although the hub still offers it
  (the hub publishes V4, whose slot holds no kernel) downloaded, installed
          into slot A, the idle kiosk asks for the reboot
  boot 5  GRUB tries slot A, cannot load its kernel and boots slot B in
          the same boot; V2 sees the installed V4 never came up: slot A
          marked bad, V4 recorded as failed, no more reboot requests

Each stage is bounded; failures say what to look at. Standard library only.
"""
import argparse, json, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smoke  # noqa: E402
from smoke import Checks, Qmp, check_screen, power_off, show, start_qemu, wait_report  # noqa: E402


def fail(msg):
    smoke.fail(msg, "qemu-update")


def main():
    ap = argparse.ArgumentParser()
    for a in ("disk", "ovmf_code", "ovmf_vars", "work", "stick1", "v1", "v2", "v3", "v3_bundle", "v4", "v4_bundle",
              "hub", "hub_data", "screenshot", "golden"):
        ap.add_argument("--" + a.replace("_", "-"), required=True)
    ap.add_argument("--budget", type=int, default=1500)
    args = ap.parse_args()
    t0 = time.time()
    deadline = t0 + args.budget
    left = lambda: max(30, int(deadline - time.time()))
    check, times = Checks("qemu-update"), []

    def stamp(what):
        times.append((what, time.time() - t0))
        print(f"[{time.time() - t0:6.0f} s] {what}")

    serial = os.path.join(args.work, "serial-update.log")
    usb = ["-device", "qemu-xhci,id=xhci",
           "-blockdev", f"driver=file,filename={args.stick1},node-name=stick1f,read-only=on",
           "-blockdev", "driver=raw,file=stick1f,node-name=stick1,read-only=on",
           "-device", "usb-storage,bus=xhci.0,drive=stick1,id=stick1,removable=on"]
    nic = ("-nic", "user,model=virtio-net-pci")
    qemu, qmp = start_qemu(args, serial, extra=usb, nic=nic)
    stamp("QEMU started: boot 1 (slot A, stick 1 with provision.json and V2)")

    # Boot 1 may or may not finish its report before the stick's install
    # reboots it; wait for the report of the boot that runs V2.
    pos, r, n = 0, None, 1
    while True:
        r, pos = wait_report(qemu, serial, n, left(), pos)
        show(n, r, time.time() - t0)
        if r.get("version") == args.v2:
            break
        if r.get("version") != args.v1:
            fail(f"a boot reported version {r.get('version')!r}, expected {args.v1} or {args.v2}: see {serial}")
        n += 1
    stamp(f"boot {n}: V2 running")
    check(r.get("boot slot", "").startswith("B"), f"V2 runs from slot B ({r.get('boot slot')})", f"see {serial}")
    check(r.get("kiosk.service", "").startswith("active"), "V2: kiosk.service active", f"see {serial}")
    check("B_OK=1" in r.get("grubenv", "") and "B_TRY=0" in r.get("grubenv", ""),
          "V2's slot B marked good after READY and a sync", f"grubenv: {r.get('grubenv')}")
    status = r.get("kioskctl-status", "").replace(" ", "")
    check('"device_id_source":"hub"' in status and '"hub_url":"https://10.0.2.2:' in status,
          "the kiosk is enrolled with the hub (from the stick)",
          f"kioskctl status: {r.get('kioskctl-status', '')[:200]}")
    check("installed.json" not in r.get("updates", ""), "installed.json cleared once V2 was confirmed", r.get("updates", ""))
    check(r.get("records", "").strip() == "", "root's records: no trial, nothing installed or failed",
          f"records: {r.get('records')}")
    ppm = os.path.join(args.work, "screen-v2.ppm")
    for _ in range(10):
        qmp.cmd("screendump", filename=ppm)
        time.sleep(1)
        problem, w, h = check_screen(ppm, args.screenshot, args.golden, what="home screen")
        if problem is None:
            break
        time.sleep(3)
    check(problem is None, f"the screen shows the home screen ({w}x{h}) -> {args.screenshot}", problem)

    # The technician pulls the stick out; the hub offers the broken V3.
    qmp.cmd("device_del", id="stick1")
    hub = lambda *a: subprocess.run([args.hub, "--data", args.hub_data, *a], check=True,
                                    capture_output=True, text=True).stdout
    print(hub("os-update", "publish", args.v3_bundle, "--version", args.v3).strip())
    stamp("stick pulled out; the hub offers V3")

    seen_v3 = False
    while True:
        n += 1
        r, pos = wait_report(qemu, serial, n, left(), pos)
        show(n, r, time.time() - t0)
        v = r.get("version")
        if v == args.v3:
            seen_v3 = True  # only if its report ran before the fallback reboot
        if v == args.v2 and "failed.json" in r.get("updates", ""):
            break
        if v not in (args.v2, args.v3):
            fail(f"boot {n} reported version {v!r}: see {serial}")
    stamp(f"boot {n}: back on V2 after the broken V3")
    text = open(serial, errors="replace").read()
    check(f"update-install: installing {args.v3} (running {args.v2}) into slot A" in text,
          "V3 from the hub was installed into slot A", f"see {serial}")
    check(f"update-reboot: rebooting into {args.v3}" in text,
          "the idle kiosk asked for the reboot inside its reboot window", f"see {serial}")
    check(f"slot-confirm: slot A runs {args.v3} for the first time" in text,
          "V3 was booted from slot A on trial", f"see {serial}")
    check("the kiosk did not start within" in text, "V3 was given up because its kiosk never became READY",
          f"see {serial}")
    check(r.get("boot slot", "").startswith("B"), f"back on slot B ({r.get('boot slot')})", f"see {serial}")
    check("A_OK=0" in r.get("grubenv", ""), "slot A marked bad", f"grubenv: {r.get('grubenv')}")
    check(args.v3 in r.get("updates", "").split("failed.json:", 1)[-1], "failed.json names V3", r.get("updates", ""))
    check(f"update-failed:{args.v3} " in r.get("records", "") and "trial-" not in r.get("records", "")
          and "update-installed" not in r.get("records", ""),
          "root's record names V3 as failed; no trial or installed record is left", f"records: {r.get('records')}")
    check(r.get("kiosk.service", "").startswith("active"), "kiosk.service active again on V2", f"see {serial}")
    # Two sync rounds later the hub knows, and V3 (still offered) is not fetched again.
    device = {}
    for _ in range(30):
        time.sleep(5)
        rows = [json.loads(l) for l in hub("devices", "--json").splitlines() if l.strip()]
        device = rows[0] if rows else {}
        if args.v2 in json.dumps(device) and "failed" in json.dumps(device):
            break
    print(f"  hub: {json.dumps(device, ensure_ascii=False)[:400]}")
    check(args.v2 in json.dumps(device) and "failed" in json.dumps(device),
          "kiosk-hub devices shows V2 running and the failed update", "see the heartbeat's os object")
    text = open(serial, errors="replace").read()[pos:]
    check(f"installing {args.v3}" not in text, "V3 is not installed again while the hub still offers it",
          f"see {serial}")
    if seen_v3:
        print("  (V3's own report came out before its fallback reboot)")

    # An update that never comes up: V4's slot has no kernel.
    print(hub("os-update", "publish", args.v4_bundle, "--version", args.v4).strip())
    stamp("the hub offers V4 (no kernel in its slot)")
    while True:
        n += 1
        r, pos = wait_report(qemu, serial, n, left(), pos)
        show(n, r, time.time() - t0)
        v = r.get("version")
        if v == args.v2 and args.v4 in r.get("updates", "").split("failed.json:", 1)[-1]:
            break
        if v != args.v2:
            fail(f"boot {n} reported version {v!r}; V4 cannot boot and V2 should run: see {serial}")
    stamp(f"boot {n}: V2 after V4 did not come up")
    text = open(serial, errors="replace").read()
    check(f"update-install: installing {args.v4} (running {args.v2}) into slot A" in text,
          "V4 from the hub was installed into slot A", f"see {serial}")
    check(f"update-reboot: rebooting into {args.v4}" in text, "the idle kiosk asked for the reboot into V4",
          f"see {serial}")
    check(f"slot-confirm: {args.v4} in slot A was installed but slot B booted" in text,
          "V2 noticed that the installed V4 never came up", f"see {serial}")
    check(r.get("boot slot", "").startswith("B"), f"on slot B ({r.get('boot slot')})", f"see {serial}")
    check("A_OK=0" in r.get("grubenv", "") and "B_OK=1" in r.get("grubenv", ""), "slot A bad, slot B good",
          f"grubenv: {r.get('grubenv')}")
    check(f"update-failed:{args.v4} " in r.get("records", "") and "trial-" not in r.get("records", "")
          and "update-installed" not in r.get("records", ""),
          "root's record names V4 as failed; no trial or installed record is left", f"records: {r.get('records')}")
    check("installed.json" not in r.get("updates", ""), "no installed.json: the kiosk asks for no more reboots",
          r.get("updates", ""))
    check(r.get("kiosk.service", "").startswith("active"), "kiosk.service active on V2", f"see {serial}")
    power_off(qemu, qmp, n)

    for what, at in times:
        print(f"time: {at:6.0f} s  {what}")
    print(f"time: whole QEMU run {time.time() - t0:.0f} s")
    check.finish()


if __name__ == "__main__":
    main()
