// Interpretation of DLE EOT replies (escpos_status.h).
#include "escpos_status.h"

#include <fmt/format.h>

#include <vector>

namespace platform::escpos {
namespace {

constexpr std::uint8_t kFixedMask = 0x93;  // bits 0, 1, 4, 7
constexpr std::uint8_t kFixedBits = 0x12;  // bits 1 and 4 set

bool bit(std::uint8_t b, int n) { return (b >> n) & 1u; }

PrinterStatus make(PrinterStatus::Code code, std::string detail) { return PrinterStatus{code, std::move(detail)}; }

}  // namespace

std::string statusQueryBytes(StatusQuery query) {
    return std::string{'\x10', '\x04', static_cast<char>(query)};
}

bool isStatusReply(std::uint8_t reply) { return (reply & kFixedMask) == kFixedBits; }

PrinterStatus interpretStatus(const StatusReplies& r) {
    using Code = PrinterStatus::Code;
    if (!r.printer)
        return make(Code::Unknown,
                    "the printer did not answer the status query: check the cable or network and that it is "
                    "switched on (a printer that never reports status still prints)");
    const std::pair<const std::optional<std::uint8_t>*, int> all[] = {
        {&r.printer, 1}, {&r.offline, 2}, {&r.error, 3}, {&r.paper, 4}};
    for (const auto& [reply, n] : all)
        if (*reply && !isStatusReply(**reply))
            return make(Code::Unknown,
                        fmt::format("the answer 0x{:02X} to DLE EOT {} is not a status reply: check that "
                                    "printer.device is an ESC/POS printer",
                                    **reply, n));

    const std::uint8_t p = *r.printer;
    const std::uint8_t off = r.offline.value_or(kFixedBits);
    const std::uint8_t err = r.error.value_or(kFixedBits);
    const std::uint8_t paper = r.paper.value_or(kFixedBits);

    if (bit(off, 2)) return make(Code::CoverOpen, "the paper cover is open: close it");
    if (bit(paper, 5) || bit(paper, 6) || bit(off, 5))
        return make(Code::PaperOut, "the paper roll has run out: load a new roll and close the cover");

    std::vector<std::string> causes;
    if (bit(err, 3)) causes.emplace_back("the auto-cutter is jammed: open the cover, clear the paper, close it");
    if (bit(err, 5))
        causes.emplace_back("an unrecoverable error: switch the printer off and on; if it stays, have it serviced");
    if (bit(err, 6)) causes.emplace_back("the print head is too hot; it resumes by itself when it has cooled");
    if (bit(err, 2)) causes.emplace_back("a mechanical error: check the paper path, then switch the printer off and on");
    if (causes.empty() && bit(off, 6))
        causes.emplace_back("the printer reports an error: switch it off and on; if it stays, have it serviced");
    if (!causes.empty()) {
        std::string detail = causes.front();
        for (std::size_t i = 1; i < causes.size(); ++i) detail += "; " + causes[i];
        return make(Code::Error, detail);
    }

    if (bit(p, 3)) {
        if (bit(off, 3) || bit(p, 6))
            return make(Code::Offline, "the paper feed button is being held: release it");
        if (bit(p, 5))
            return make(Code::Offline, "the printer is waiting to come back online: check the panel lights");
        return make(Code::Offline, "the printer says it is offline: check its panel lights, then switch it off and on");
    }
    if (bit(paper, 2) || bit(paper, 3))
        return make(Code::PaperLow, "the paper roll is nearly used up: have a new roll ready");
    return make(Code::Ready, "");
}

}  // namespace platform::escpos
