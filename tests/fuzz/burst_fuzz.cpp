// Fuzzes the scanner's burst detector (platform/scanner): the input is a
// stream of (delay, key) byte pairs as a keyboard-wedge scanner or a person
// would produce them. Every scan must be between minLength and kMaxScan
// characters without its Enter, nothing typed may be empty, and no key may
// be lost: the characters out equal the characters in.
#include "burst_detector.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    platform::BurstDetector detector;
    std::vector<platform::ScanEvent> out;
    std::int64_t now = 0;
    std::string typedIn;
    for (std::size_t i = 0; i + 1 < size; i += 2) {
        now += data[i] % 120;  // 0–119 ms between keys
        char ch = char(data[i + 1] % 96 + 32);  // printable ASCII …
        if (ch == 127) ch = platform::BurstDetector::kEnter;  // … and Enter
        typedIn += ch;
        detector.key(now, ch, out);
    }
    detector.poll(now + 10'000, out);
    std::string seen;
    for (const auto& e : out) {
        if (e.kind == platform::ScanEvent::Kind::Scan) {
            if (e.text.size() < 4 || e.text.size() > platform::BurstDetector::kMaxScan) std::abort();
        } else if (e.text.empty()) {
            std::abort();
        }
        seen += e.text;
    }
    // A scan's terminating Enter is consumed; count characters without Enters.
    auto strip = [](std::string s) {
        std::erase(s, platform::BurstDetector::kEnter);
        return s;
    };
    if (strip(seen) != strip(typedIn)) std::abort();
    return 0;
}
