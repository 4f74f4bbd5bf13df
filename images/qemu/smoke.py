#!/usr/bin/env python3
"""Boots a prepared kiosk disk in QEMU (software emulation) twice and checks it.

Called by images/qemu-smoke.sh, which makes the disk (a copy of the image with
"kiosk.smoke" on the kernel command line) and the OVMF variables. Boot 1:
wait for the image's smoke report on the serial port (kiosk.service active =
READY=1 received), check the read-only root and the writable data partition,
take a QMP screendump and check it shows the kiosk's setup screen, power off
through ACPI. Boot 2: the marker written in boot 1 and the machine id are
still there. Every wait is bounded; every failure says what to look at.
Standard library only (Debian's python3).
"""
import json, os, socket, struct, subprocess, sys, time, zlib

REPORT_END = "KIOSK-SMOKE READY-REPORT-END"


def fail(msg, name="qemu-smoke"):
    print(f"{name}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


class Checks:
    """The test's checks: each is printed as it is made (with what to look
    at when it fails); finish() fails the test if any failed."""

    def __init__(self, name):
        self.name, self.results = name, []

    def __call__(self, ok, what, fix):
        self.results.append((ok, what))
        print(f"  {'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f"  -> {fix}"))

    def finish(self):
        failed = [w for ok, w in self.results if not ok]
        if failed:
            fail(f"{len(failed)} check(s) failed: " + "; ".join(failed), self.name)
        print(f"{self.name}: PASS")


# ---------------------------------------------------------------- images
def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; '#' comments allowed
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        fail(f"{path}: not an 8-bit binary PPM (QEMU screendump format changed?)")
    w, h = int(fields[1]), int(fields[2])
    pix = data[pos + 1:pos + 1 + w * h * 3]
    return w, h, [tuple(pix[i:i + 3]) for i in range(0, len(pix), 3)]


def write_png(path, w, h, rgb):
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for p in rgb[y * w:(y + 1) * w]:
            raw.extend(p)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def read_png(path):
    """8-bit RGB/RGBA, non-interlaced (what the project's goldens are)."""
    d = open(path, "rb").read()
    pos, idat = 8, b""
    while pos < len(d):
        n = struct.unpack(">I", d[pos:pos + 4])[0]
        t, c = d[pos + 4:pos + 8], d[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", c[:10])
        elif t == b"IDAT":
            idat += c
        pos += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    raw, stride = zlib.decompress(idat), w * bpp
    out, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.extend(tuple(line[x:x + 3]) for x in range(0, stride, bpp))
        prev = line
    return w, h, out


def dominant(pixels, n):
    counts = {}
    for p in pixels:
        counts[p] = counts.get(p, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])[:n]


def near(p, q, tol=24):
    return all(abs(a - b) <= tol for a, b in zip(p, q))


def check_screen(ppm, png_out, golden, what="setup screen"):
    """Saves the QEMU screendump as PNG and compares it loosely with a golden
    of the same screen: the golden's two commonest colours (page background,
    header bar) must cover at least 60 % of the share they have in the
    golden, over the whole screen and over the top 4 % of rows."""
    w, h, pix = read_ppm(ppm)
    write_png(png_out, w, h, pix)
    gw, gh, gpix = read_png(golden)
    (bg, _), (header, _) = dominant(gpix, 2)
    top = dominant(pix, 3)
    share = lambda colour, px: sum(1 for p in px if near(p, colour)) / len(px)
    band = lambda px, width, height: px[: width * max(1, height // 25)]
    bg_share, header_share = share(bg, pix), share(header, band(pix, w, h))
    g_bg, g_header = share(bg, gpix), share(header, band(gpix, gw, gh))
    print(f"screen: {w}x{h}, top colours {[(c, round(n / len(pix), 3)) for c, n in top]}")
    print(f"screen: {bg_share:.0%} page background {bg} (golden {os.path.basename(golden)}: {g_bg:.0%}), "
          f"header band {header_share:.0%} header colour {header} (golden {g_header:.0%})")
    if top[0][1] == len(pix):
        return f"the screen is one flat colour {top[0][0]}: the kiosk drew nothing (see {png_out})", w, h
    if bg_share < 0.6 * g_bg or header_share < 0.6 * g_header:
        return (f"the screen does not look like the kiosk's {what} (background {bg_share:.0%} vs {g_bg:.0%} "
                f"in the golden, header {header_share:.0%} vs {g_header:.0%}): look at {png_out}"), w, h
    return None, w, h


# ---------------------------------------------------------------- QEMU
class Qmp:
    def __init__(self, path, deadline):
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    fail(f"QMP socket {path} never came up: QEMU did not start (see its stderr above)")
                time.sleep(0.2)
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())  # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            msg = json.loads(self.f.readline())
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                fail(f"QMP {name}: {msg['error']}")


REPORT_KEYS = ("kiosk.service", "root-options", "root-write", "data", "layout", "marker", "machine-id", "grubenv",
               "failed-units", "vt-gettys", "boot slot", "kioskctl-status", "version", "updates", "records", "rauc")


def start_qemu(args, serial, extra=(), nic=("-nic", "none")):
    """Starts QEMU on args.disk; returns (process, QMP connection)."""
    qmp_path = os.path.join(args.work, "qmp.sock")
    for p in (serial, qmp_path):
        if os.path.exists(p):
            os.unlink(p)
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-smp", "2", "-m", "2048",
           "-drive", f"if=pflash,format=raw,readonly=on,file={args.ovmf_code}",
           "-drive", f"if=pflash,format=raw,file={args.ovmf_vars}",
           "-drive", f"file={args.disk},format=raw,if=virtio",
           "-vga", "std", "-display", "none", *nic, "-monitor", "none", *extra,
           "-serial", f"file:{serial}", "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    return qemu, Qmp(qmp_path, time.time() + 30)


def parse_report(text):
    """The key=value lines of one smoke report."""
    lines = {}
    for line in text.splitlines():
        if line.startswith("KIOSK-SMOKE ") and "=" in line and not line.startswith("KIOSK-SMOKE journal"):
            for key in REPORT_KEYS:
                if line.startswith("KIOSK-SMOKE " + key + "="):
                    lines[key] = line[len("KIOSK-SMOKE " + key + "="):]
    return lines


def wait_report(qemu, serial, n, budget_s, start=0):
    """Waits for the next complete smoke report in the serial log after
    offset start; returns (report lines, end offset)."""
    t0 = time.time()
    while time.time() - t0 < budget_s:
        if qemu.poll() is not None:
            fail(f"QEMU exited ({qemu.returncode}) during boot {n}: see {serial}")
        text = open(serial, errors="replace").read()[start:] if os.path.exists(serial) else ""
        end = text.find(REPORT_END)
        if end >= 0:
            return parse_report(text[:end]), start + end + len(REPORT_END)
        time.sleep(2)
    qemu.kill()
    tail = "".join(open(serial, errors="replace").readlines()[-15:]) if os.path.exists(serial) else ""
    fail(f"boot {n}: no smoke report within {budget_s} s (serial log {serial}, last lines:\n{tail})")


def show(n, lines, elapsed):
    print(f"boot {n}: smoke report after {elapsed:.0f} s")
    for k, v in lines.items():
        print(f"  {k} = {v[:200]}")


def boot(args, n, budget_s):
    serial = os.path.join(args.work, f"serial-boot{n}.log")
    t0 = time.time()
    qemu, qmp = start_qemu(args, serial)
    lines, _ = wait_report(qemu, serial, n, budget_s)
    elapsed = time.time() - t0
    show(n, lines, elapsed)
    return qemu, qmp, lines, serial, elapsed


def power_off(qemu, qmp, n):
    qmp.cmd("system_powerdown")
    try:
        qemu.wait(timeout=180)
    except subprocess.TimeoutExpired:
        qemu.kill()
        qemu.wait()
        fail(f"boot {n}: the guest did not power off within 180 s of an ACPI power button press "
             "(systemd-logind handles it; check that it runs)")


def main():
    import argparse
    ap = argparse.ArgumentParser()
    for a in ("disk", "ovmf_code", "ovmf_vars", "work", "screenshot", "golden"):
        ap.add_argument("--" + a.replace("_", "-"), required=True)
    ap.add_argument("--budget", type=int, default=900)
    ap.add_argument("--data-mb", type=int, default=256)
    args = ap.parse_args()
    t0 = time.time()
    deadline = t0 + args.budget

    qemu, qmp, r1, serial1, boot1 = boot(args, 1, int(deadline - time.time()))
    check = Checks("qemu-smoke")
    # READY=1 can come a moment before the first frame is on the screen:
    # look up to 10 times, 3 s apart.
    ppm = os.path.join(args.work, "screen-boot1.ppm")
    for attempt in range(10):
        qmp.cmd("screendump", filename=ppm)
        time.sleep(1)
        problem, w, h = check_screen(ppm, args.screenshot, args.golden)
        if problem is None:
            break
        time.sleep(3)
    check(problem is None, f"screen shows the setup screen ({w}x{h}) -> {args.screenshot}", problem)
    check(r1.get("kiosk.service", "").startswith("active"), "kiosk.service active (READY=1)",
          f"see the journal lines in {serial1}")
    check(r1.get("root-options", "").startswith("ro"), "root mounted read-only", "check /etc/fstab and ro on the kernel command line")
    check(r1.get("root-write") == "refused", "writing to / refused", "the root must be read-only")
    check(" rw," in " " + r1.get("data", "").split(" ", 2)[-1] and "ext4" in r1.get("data", ""),
          "/var/lib/kiosk is a writable ext4 (kiosk-data)", "check kiosk-data-prepare.service and /etc/fstab")
    layout = r1.get("layout", "")
    check(all(x in layout for x in ("/var/lib/kiosk-data=root:755", "/var/lib/kiosk-data/system=root:700",
                                    "/var/lib/kiosk=kiosk:750")),
          "data partition: top folder and system/ root's, /var/lib/kiosk the kiosk's", f"layout: {layout}")
    check(r1.get("marker") == "new", "first boot: no marker yet", "the data partition was not fresh")
    check(r1.get("failed-units", "").strip() == "", "no failed units", f"systemctl --failed listed: {r1.get('failed-units')}")
    check(r1.get("vt-gettys", "").strip() == "", "no getty on any VT or serial port", "mask the getty units")
    power_off(qemu, qmp, 1)

    qemu, qmp, r2, serial2, boot2 = boot(args, 2, max(60, int(deadline - time.time())))
    check(r2.get("kiosk.service", "").startswith("active"), "boot 2: kiosk.service active", f"see {serial2}")
    check(r2.get("marker", "").startswith("found"), "boot 2: marker from boot 1 still on /var/lib/kiosk",
          "the data partition is not persistent")
    id1, id2 = r1.get("machine-id", "").split(" ")[0], r2.get("machine-id", "").split(" ")[0]
    check(id1 != "" and id1 == id2, f"boot 2: same machine id as boot 1 ({id2})", "see kiosk-data-owner.service")
    size = r2.get("data", "").rsplit("size=", 1)[-1].strip().removesuffix("MiB").strip()
    check(size.isdigit() and int(size) > args.data_mb * 2, f"data partition grown to the disk ({size} MiB)",
          "see kiosk-data-prepare in the journal")
    check("A_TRY=0" in r2.get("grubenv", ""), "slot A marked good (A_TRY=0)", "see kiosk-slot-confirm.service")
    power_off(qemu, qmp, 2)

    print(f"time: boot 1 to report {boot1:.0f} s, boot 2 to report {boot2:.0f} s, whole QEMU run {time.time() - t0:.0f} s")
    check.finish()


if __name__ == "__main__":
    main()
