// Fuzzes the sync protocol's decoders (sync/protocol): any bytes as the body
// of a request or an answer, parsed as JSON the way the hub and the kiosk do
// (no exceptions), then handed to every message parser. Each must refuse or
// accept, never crash.
#include "protocol/protocol.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kiosk::protocol;
    const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (j.is_discarded()) return 0;
    (void)parseProvisionFile(j);
    (void)parseEnrollRequest(j);
    (void)parseEnrollResponse(j);
    (void)parseUploadResponse(j);
    (void)parseUpdatesResponse(j);
    (void)parseOsUpdateOffer(j);
    if (auto up = parseUploadRequest(j)) {
        // Every accepted record has the fields the hub stores.
        for (const auto& item : *up)
            if (item.uuid.empty()) std::abort();
    }
    (void)osReportFrom(j);
    return 0;
}
