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
//  - between observations it advances by the time elapsed on the kernel's
//    boot clock (CLOCK_BOOTTIME: monotonic, counts suspend, cannot be set),
//    from the observation when it was made on this boot (the file keeps the
//    boot id and boot-clock reading), else from when the file was loaded. So
//    a hub that answers with an old Date (its key stolen, or its clock set
//    back) cannot pull the kiosk back to the moment of its last good sync,
//    when a bundle that has expired since was still fresh;
//  - it is kept in a small JSON file (writeFileAtomic) so it survives reboots;
//    a missing or corrupt file starts again from the build date, and status()
//    says so, for the log.
//
// Thread use: nowS() and status() from any thread; observeAuthenticated()
// and flush() from the sync worker (they are serialised by a mutex anyway).
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

namespace kiosk::bundle {

// The kernel's boot clock: which boot this is and whole seconds since it began.
struct BootClock {
    std::string bootId;   // /proc/sys/kernel/random/boot_id ("" when unknown: never matches)
    std::int64_t seconds = 0;  // CLOCK_BOOTTIME
};
BootClock readBootClock();

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
    // `bootClock`: readBootClock, or a fake in tests.
    TrustedTime(std::filesystem::path file, std::int64_t buildEpochS, std::int64_t persistStepS = kPersistStepS,
                std::function<BootClock()> bootClock = readBootClock);
    TrustedTime(const TrustedTime&) = delete;
    TrustedTime& operator=(const TrustedTime&) = delete;

    // The latest known time plus the boot-clock time since it was known, Unix
    // seconds; ≥ the build date.
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
    std::int64_t nowLocked() const;

    mutable std::mutex m_mutex;
    std::filesystem::path m_file;
    std::int64_t m_buildS = 0;
    std::int64_t m_persistStepS = kPersistStepS;
    std::function<BootClock()> m_bootClock;
    std::string m_bootId;           // this boot's id, read at construction
    std::int64_t m_latestS = 0;     // guarded by m_mutex: the last anchor (an observation, the file or the build date)
    std::int64_t m_anchorBootS = 0; // the boot clock when m_latestS was true
    std::int64_t m_persistedS = 0;  // what the file says; -1 when the file must be (re)written
    TrustedTimeStatus m_status;
};

}  // namespace kiosk::bundle
