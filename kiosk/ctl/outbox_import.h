// `kioskctl outbox import FILE.jsonl`: queue submissions exactly as the kiosk
// UI does (each line gets a new idempotency key and sequence number; personal
// fields are sealed), for load tests and for re-queuing fixed dead letters.
// Every line is checked first; if any is wrong nothing is queued and each
// problem is reported with its line number. docs/PROTOCOL.md has the format;
// `--example` prints one valid line of each kind.
#pragma once

#include "base/error.h"

#include <string>

namespace kiosk::ctl {

struct ImportResult {
    long queued = 0;
    std::string firstNumber, lastNumber;  // case numbers given
};

// One line of each kind, valid.
std::string importExample();
[[nodiscard]] Result<ImportResult> importSubmissions(const std::string& dataDir, const std::string& terminalCode,
                                                     const std::string& file);

}  // namespace kiosk::ctl
