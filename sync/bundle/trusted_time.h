// The kiosk's trusted time: the latest time it has reason to believe, used
// for every security decision that depends on time (bundle expiry). It is
// NOT the system clock. A terminal may boot with its RTC battery flat
// (1970) or set far ahead (2099) and has no authenticated time source of its
// own: with the system clock, 1970 would make an expired — frozen or
// replayed — bundle look fresh, and 2099 would refuse every good bundle.
//
// Rules (docs/SYNC-TIME.md):
//  - it never goes below the build date of this software (KIOSK_BUILD_EPOCH,
//    set by CMake: SOURCE_DATE_EPOCH when given, else the configure time);
//  - it only rises, and only through observeAuthenticated(): the sync client
//    passes the Date of a hub response that arrived over mutual TLS with the
//    pinned hub key;
//  - it is kept in a small JSON file (writeFileAtomic) so it survives reboots;
//    a missing or corrupt file starts again from the build date, and status()
//    says so, for the log.
// nowS() is the latest known time itself; it does not advance between
// observations. Bundles are only installed right after talking to the hub,
// whose answers carry a fresh Date, so nothing is lost by not guessing.
//
// Thread use: nowS() and status() from any thread; observeAuthenticated()
// and flush() from the sync worker (they are serialised by a mutex anyway).
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

namespace kiosk::bundle {

// KIOSK_BUILD_EPOCH: Unix seconds of this build (see CMakeLists.txt).
std::int64_t buildEpochS();

struct TrustedTimeStatus {
    enum class Source {
        File,         // read from the file (perhaps raised to the build date)
        MissingFile,  // no file yet: starts from the build date
        CorruptFile,  // unreadable file: starts from the build date; rewritten at the next observation
    };
    Source source = Source::MissingFile;
    bool raisedToBuildDate = false;  // the file held a time older than this build
    std::string message;             // one line for the log, e.g. "trusted time 2026-… from …"
};

class TrustedTime {
public:
    // The file is written at most every `persistStepS` seconds of rise (the
    // sync worker observes a time at every exchange; the flash need not see
    // each one). Losing up to that much on a power cut is harmless: the
    // next authenticated answer raises it again before any install.
    static constexpr std::int64_t kPersistStepS = 600;

    // Loads `file` (never fails; see status()). buildEpochS: normally buildEpochS().
    TrustedTime(std::filesystem::path file, std::int64_t buildEpochS, std::int64_t persistStepS = kPersistStepS);
    TrustedTime(const TrustedTime&) = delete;
    TrustedTime& operator=(const TrustedTime&) = delete;

    // The latest known time, Unix seconds; ≥ the build date.
    std::int64_t nowS() const;

    // The Date of an authenticated hub response, Unix seconds. Raises the
    // trusted time when later; true if it rose. An error means the file could
    // not be written: the time in memory has risen all the same.
    [[nodiscard]] Result<bool> observeAuthenticated(std::int64_t epochS);

    // Writes the current time to the file now if it has not been (at shutdown).
    [[nodiscard]] Result<void> flush();

    // How the time was loaded at construction.
    const TrustedTimeStatus& status() const { return m_status; }
    const std::filesystem::path& file() const { return m_file; }

private:
    [[nodiscard]] Result<void> persistLocked();

    mutable std::mutex m_mutex;
    std::filesystem::path m_file;
    std::int64_t m_buildS = 0;
    std::int64_t m_persistStepS = kPersistStepS;
    std::int64_t m_latestS = 0;     // guarded by m_mutex
    std::int64_t m_persistedS = 0;  // what the file says; -1 when the file must be (re)written
    TrustedTimeStatus m_status;
};

}  // namespace kiosk::bundle
