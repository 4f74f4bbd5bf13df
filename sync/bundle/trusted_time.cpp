// The persisted "latest known time" (see trusted_time.h). It must never read
// the system (wall) clock: the whole point is not to trust it. The boot clock
// it reads only measures time elapsed since an anchor.
#include "trusted_time.h"

#include "bundle/manifest.h"
#include "crypto/crypto.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <system_error>

#include <time.h>

#ifndef KIOSK_BUILD_EPOCH
#error "KIOSK_BUILD_EPOCH must be defined by sync/bundle/CMakeLists.txt"
#endif

namespace kiosk::bundle {
namespace {

using nlohmann::json;
constexpr std::string_view kTimeFormat = "kiosk-trusted-time/1";

}  // namespace

std::int64_t buildEpochS() { return std::int64_t{KIOSK_BUILD_EPOCH}; }

BootClock readBootClock() {
    // The boot id cannot change while this process runs: read it once.
    static const std::string bootId = [] {
        std::string id;
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::getline(in, id);
        return id;
    }();
    BootClock c{bootId, 0};
    timespec ts{};
    if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0) c.seconds = ts.tv_sec;
    else c.bootId.clear();  // no boot clock: elapsed time is never counted from the file
    return c;
}

TrustedTime::TrustedTime(std::filesystem::path file, std::int64_t buildEpochS, std::int64_t persistStepS,
                         std::function<BootClock()> bootClock)
    : m_file(std::move(file)), m_buildS(buildEpochS), m_persistStepS(std::max<std::int64_t>(persistStepS, 0)),
      m_bootClock(std::move(bootClock)) {
    const BootClock boot = m_bootClock();
    m_bootId = boot.bootId;
    m_anchorBootS = boot.seconds;  // from now on unless the file's observation was on this boot
    m_latestS = m_buildS;
    m_persistedS = -1;
    const std::string build = formatIsoUtc(m_buildS);
    std::error_code ec;
    if (!std::filesystem::exists(m_file, ec)) {
        m_status.source = TrustedTimeStatus::Source::MissingFile;
        m_status.message = fmt::format("no trusted-time file {}: starting from the build date {} until the hub "
                                       "answers",
                                       m_file.string(), build);
        return;
    }
    auto corrupt = [&](std::string_view why) {
        m_status.source = TrustedTimeStatus::Source::CorruptFile;
        m_status.message = fmt::format("trusted-time file {} is unreadable ({}): starting from the build date {}; "
                                       "it is rewritten when the hub next answers",
                                       m_file.string(), why, build);
    };
    auto text = crypto::readFile(m_file);
    if (!text) {
        corrupt("cannot read it");
        return;
    }
    json doc;
    try {
        doc = json::parse(*text);
    } catch (const json::exception&) {
        corrupt("not JSON");
        return;
    }
    if (!doc.is_object() || doc.value("format", "") != kTimeFormat) {
        corrupt("unknown format");
        return;
    }
    const auto it = doc.find("latest");
    if (it == doc.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
        corrupt("no time in it");
        return;
    }
    const std::int64_t stored = it->get<std::int64_t>();
    m_status.source = TrustedTimeStatus::Source::File;
    m_persistedS = stored;
    if (stored < m_buildS) {
        m_status.raisedToBuildDate = true;
        m_status.message = fmt::format("trusted time {} from {} is older than this build; using the build date {}",
                                       formatIsoUtc(stored), m_file.string(), build);
    } else {
        m_latestS = stored;
        m_status.message = fmt::format("trusted time {} from {}", formatIsoUtc(stored), m_file.string());
        const auto bootS = doc.find("boot_s");
        if (!m_bootId.empty() && doc.value("boot_id", "") == m_bootId && bootS != doc.end() &&
            bootS->is_number_integer() && bootS->get<std::int64_t>() <= boot.seconds) {
            m_anchorBootS = bootS->get<std::int64_t>();
            m_status.message += fmt::format(", plus {} s since, on this boot", boot.seconds - m_anchorBootS);
        }
    }
}

std::int64_t TrustedTime::nowLocked() const {
    const BootClock boot = m_bootClock();
    if (boot.bootId != m_bootId || boot.seconds < m_anchorBootS) return m_latestS;
    return m_latestS + (boot.seconds - m_anchorBootS);
}

std::int64_t TrustedTime::nowS() const {
    std::lock_guard lock(m_mutex);
    return nowLocked();
}

Result<bool> TrustedTime::observeAuthenticated(std::int64_t epochS) {
    std::lock_guard lock(m_mutex);
    if (epochS <= nowLocked()) return false;
    m_latestS = epochS;
    m_anchorBootS = m_bootClock().seconds;
    if (m_persistedS < 0 || m_latestS - m_persistedS >= m_persistStepS) {
        if (auto r = persistLocked(); !r) return std::unexpected(r.error());
    }
    return true;
}

Result<void> TrustedTime::flush() {
    std::lock_guard lock(m_mutex);
    if (m_persistedS == m_latestS) return {};
    return persistLocked();
}

Result<void> TrustedTime::persistLocked() {
    json doc{{"format", kTimeFormat}, {"latest", m_latestS}, {"latest_utc", formatIsoUtc(m_latestS)}};
    if (!m_bootId.empty()) {
        doc["boot_id"] = m_bootId;
        doc["boot_s"] = m_anchorBootS;
    }
    if (auto r = crypto::writeFileAtomic(m_file, doc.dump(), 0644); !r)
        return fail(ErrorCode::Io, fmt::format("cannot save the trusted time: {}", r.error().message));
    m_persistedS = m_latestS;
    return {};
}

}  // namespace kiosk::bundle
