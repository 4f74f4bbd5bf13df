// How many kill cycles a crash test runs: its own bounded default in the
// README's test command, or KIOSK_PROOF_CYCLES for the proof run
// (scripts/proof.sh crash, docs/PROOF.md), whose time limits scale with it.
#pragma once

#include <algorithm>
#include <cstdlib>

namespace prooftest {

inline int cycles(int byDefault) {
    const char* v = std::getenv("KIOSK_PROOF_CYCLES");
    return v ? std::max(1, std::atoi(v)) : byDefault;
}

}  // namespace prooftest
