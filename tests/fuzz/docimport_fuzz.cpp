// Fuzzes the policy-document importer (kiosk/docimport): any bytes as a
// "plain-text policy document". It must refuse or import, never crash, hang
// or read out of bounds, and what it imports must be self-consistent.
#include "docimport/doc_import.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kiosk::docimport;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto doc = importText(text, "fuzz.txt");
    if (doc && countMeasuresWithUnits(*doc) > countMeasures(*doc)) std::abort();
    return 0;
}
