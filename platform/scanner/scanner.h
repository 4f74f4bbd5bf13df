// The QR/barcode scanner, behind one interface. Production scanners are USB
// keyboard wedges: the evdev scanner opens the scanner's input device, grabs
// it (EVIOCGRAB) so its keys never reach the UI as typing, decodes keys on a
// US layout (key_decoder.h) and tells scans from typing by timing
// (burst_detector.h). The fake scanner serves tests and desktop runs.
//
// Threading: one thread calls poll() and nextDeadlineMs(); fd() may be
// waited on (poll(2)/epoll) from any thread; name() and state() are safe from
// any thread (the heartbeat reads state()). Scan text is personal data (a
// credit code): no implementation logs it, and callers must not either.
#pragma once

#include "base/error.h"
#include "burst_detector.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace platform {

class Scanner {
public:
    virtual ~Scanner() = default;

    // A descriptor that becomes readable when keys are waiting, stable for
    // the scanner's whole life (also across unplug/replug); -1 when there is
    // nothing to wait on (the fake).
    virtual int fd() const = 0;

    // Reads what has arrived, never blocks. `nowMs` is monotonic ms on the
    // steady clock (Clock::monotonicMs of the system clock). Call it when
    // fd() is readable and at nextDeadlineMs(): a scan without Enter is
    // delivered only once the gap after its last key has passed.
    virtual std::vector<ScanEvent> poll(std::int64_t nowMs) = 0;

    // When poll() must be called even if fd() stays quiet (a burst waiting
    // for its gap, a reconnect attempt); nullopt: only when fd() is readable.
    virtual std::optional<std::int64_t> nextDeadlineMs() const = 0;

    // "evdev:/dev/input/event5 (Honeywell 1900 Scanner)", "fake".
    virtual std::string name() const = 0;

    // "ok", or what is wrong ("disconnected: /dev/input/event5"): reported in
    // the heartbeat and on the maintenance screen.
    virtual std::string state() const = 0;
};

struct EvdevScannerOptions {
    BurstOptions burst;
    // false: makeEvdevScanner fails when the device cannot be opened now.
    // true: it succeeds anyway and keeps looking (state() says why not yet).
    bool waitForDevice = false;
    std::int64_t retryMs = 2000;  // how often to look for an absent or unplugged device
};

// Opens `path` (a /dev/input/event* node or a /dev/input/by-id link) or, for
// "auto", the first input device whose name contains "scanner", "barcode"
// or "QR" (any case). The device is grabbed for the scanner's life; when it
// is unplugged the scanner reopens it (the same path or the next "auto"
// match) every retryMs. Needs read access to the node (group "input").
[[nodiscard]] kiosk::Result<std::unique_ptr<Scanner>> makeEvdevScanner(const std::string& path,
                                                                       EvdevScannerOptions options = {});

// The node "auto" picks among DIR/event* (numeric order), or NotFound.
[[nodiscard]] kiosk::Result<std::string> findScannerDevice(const std::string& directory = "/dev/input");

// True when an input device name looks like a scanner (see makeEvdevScanner).
bool looksLikeScanner(std::string_view deviceName);

// A scanner that reads what it is told: inject() makes the next poll()
// return a scan, injectTyped() typed text. Safe to inject from any thread.
class FakeScanner final : public Scanner {
public:
    void inject(std::string text) { push({ScanEvent::Kind::Scan, std::move(text)}); }
    void injectTyped(std::string text) { push({ScanEvent::Kind::Typed, std::move(text)}); }

    int fd() const override { return -1; }
    std::vector<ScanEvent> poll(std::int64_t nowMs) override;
    std::optional<std::int64_t> nextDeadlineMs() const override;
    std::string name() const override { return "fake"; }
    std::string state() const override { return "ok"; }

private:
    void push(ScanEvent e);

    mutable std::mutex m_mutex;
    std::deque<ScanEvent> m_queue;
};

}  // namespace platform
