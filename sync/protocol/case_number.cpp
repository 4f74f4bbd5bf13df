// Case numbers: made on the kiosk, checked at the hub (case_number.h).
#include "case_number.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::protocol {
namespace {

constexpr std::string_view kCheckAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// '?' when a character is outside the alphabet: never a valid check character.
char checkChar(std::string_view body) {
    int p = 36;  // ISO 7064 MOD 37,36
    for (char ch : body) {
        const auto v = kCheckAlphabet.find(ch);
        if (v == std::string_view::npos) return '?';
        int s = (p % 37 == 0 ? 36 : p % 37) + int(v);
        s %= 36;
        if (s == 0) s = 36;
        p = (2 * s) % 37;
    }
    return kCheckAlphabet[std::size_t((37 - p) % 36)];
}

bool allDigits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number as a message may quote it: a device sent it, so anything but
// up to 40 letters and digits is not repeated (logs and dead-letter reasons
// stay one clean line).
std::string shown(std::string_view caseNo) {
    const bool plain = !caseNo.empty() && caseNo.size() <= 40 &&
                       std::all_of(caseNo.begin(), caseNo.end(), [](char c) {
                           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                       });
    return plain ? std::string(caseNo) : fmt::format("(a number of {} bytes, not letters and digits)", caseNo.size());
}

}  // namespace

std::string makeCaseNumber(std::string_view terminalCode, const std::tm& d, std::int64_t seq) {
    const std::string body =
        fmt::format("{}{:04}{:02}{:02}{:06}", terminalCode, d.tm_year + 1900, d.tm_mon + 1, d.tm_mday, seq % 1000000);
    return body + checkChar(body);
}

bool caseNumberCheckOk(std::string_view caseNo) {
    return caseNo.size() >= 2 && checkChar(caseNo.substr(0, caseNo.size() - 1)) == caseNo.back();
}

Result<void> checkCaseOwner(std::string_view caseNo, std::string_view deviceId) {
    constexpr std::size_t kDate = 8, kSeq = 6;
    if (deviceId.empty() || !caseNo.starts_with(deviceId))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("case number {} does not start with this kiosk's terminal code {}: a kiosk may only "
                                "send cases it numbered itself",
                                shown(caseNo), deviceId));
    const std::string_view rest = caseNo.substr(deviceId.size());
    if (rest.size() != kDate + kSeq + 1 || !allDigits(rest.substr(0, kDate + kSeq)))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("case number {} is not {} + 8 date digits + 6 sequence digits + a check character",
                                shown(caseNo), deviceId));
    if (!caseNumberCheckOk(caseNo))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("case number {} has a wrong check character (the last one)", shown(caseNo)));
    return {};
}

}  // namespace kiosk::protocol
