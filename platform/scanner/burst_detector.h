// Tells a barcode/QR scanner's keystrokes from a person's typing by timing
// alone. A keyboard-wedge scanner "types" a whole code in a few milliseconds
// per key; a person needs 80 ms or more between keys. Keys arriving no more
// than `gapMs` apart form a burst; a burst of at least `minLength`
// characters is a scan, ended by Enter or by a gap longer than `gapMs`.
// Anything else is handed back as typed text, so a wedge that also carries
// human typing still works. Pure and clock-free: time arrives with each key
// and with poll(), which makes it testable from recorded timings.
//
//   key(ms, ch) ──► [idle] ──key──► [burst: run of keys ≤ gapMs apart]
//                                     │ Enter within gapMs, run ≥ minLength → Scan
//                                     │ Enter within gapMs, run <  minLength → Typed(run + "\n")
//                                     │ gap > gapMs (next key() or poll()) → Scan if ≥ minLength,
//                                     │                                      else Typed(run)
//   Enter with nothing pending (or after a gap) → Typed("\n")
//
// It must never log or keep what it saw beyond the current burst: a scan may
// carry a credit code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace platform {

struct BurstOptions {
    std::int64_t gapMs = 30;    // keys at most this far apart (ms) belong to one burst
    std::size_t minLength = 4;  // a burst needs at least this many characters to count as a scan
};

// What the scanner device produced.
struct ScanEvent {
    enum class Kind {
        Scan,   // a code read by the scanner; text has no terminating Enter
        Typed,  // keys typed by a person: printable ASCII, '\n' Enter, '\t' Tab, '\b' Backspace
    };
    Kind kind = Kind::Scan;
    std::string text;
};

class BurstDetector {
public:
    static constexpr char kEnter = '\n';
    static constexpr std::size_t kMaxScan = 4096;  // a longer burst is cut into scans of this size

    explicit BurstDetector(BurstOptions options = {}) : m_options(options) {}

    // One key press at `ms` (any monotonic base, never falling). `ch` is a
    // character as ScanEvent::Typed describes it; kEnter ends a burst.
    // Finished events are appended to `out`, in order.
    void key(std::int64_t ms, char ch, std::vector<ScanEvent>& out);

    // Delivers a burst that has gone quiet (nowMs - last key > gapMs).
    void poll(std::int64_t nowMs, std::vector<ScanEvent>& out);

    // When poll() next has something to deliver; nullopt when nothing is pending.
    std::optional<std::int64_t> deadlineMs() const;

    // Drops a half-read burst (key events were lost, the device went away).
    void reset() { m_run.clear(); }

    const BurstOptions& options() const { return m_options; }

private:
    void flush(std::vector<ScanEvent>& out, bool withEnter);
    static void append(std::vector<ScanEvent>& out, ScanEvent::Kind kind, std::string text);

    BurstOptions m_options;
    std::string m_run;         // characters of the current burst
    std::int64_t m_lastMs = 0; // time of its last key
};

}  // namespace platform
