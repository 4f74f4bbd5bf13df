// The technician PIN that opens the kiosk's maintenance mode, and the guard
// that rate-limits guessing it. The PIN itself is never stored or logged:
// DATA/maintenance-pin.json holds a salted PBKDF2-HMAC-SHA-256 hash (random
// 16-byte salt, the iteration count stored with it), mode 0600. Wrong PINs
// lock the pad; the lockout state lives in DATA/maintenance-lock.json (0600)
// so a restart or a power cycle does not reset it.
//
//   attempts 5 ──wrong──► 4 … 1 ──wrong (5th)──► LOCKED for 5 min × 2^(n-1)
//      ▲                                           │  (n = lockouts since the
//      │                                           │   last right PIN; ≤ 24 h)
//      ├──────────── time passes ◄─────────────────┘
//      └─ right PIN (check) or setPin(): attempts 5, n = 0, not locked
//
// While locked, check() answers Locked without hashing the PIN. Time comes in
// as Unix epoch ms (the app passes the wall clock, tests a fake one). If the
// clock goes back while locked, the lock restarts from the new "now" for its
// full length instead of lasting until the old date.
//
// PinGuard::check() records "entered", "wrong_pin" and "lockout" in the
// maintenance action log itself (action_log.h); the caller must not.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

namespace kiosk::maint {

// PBKDF2-HMAC-SHA-256 iterations for new PINs: 600 000 took 213 ms per
// hash on the build machine (Xeon, OpenSSL 3.0, -O2; 0.35 ms per 1000) and is
// OWASP's 2023 figure for this KDF. A slower kiosk CPU pays up to ~0.5 s per
// attempt, which a PIN pad can afford; a guesser cannot. Stored per hash, so
// changing it later only affects PINs set afterwards.
inline constexpr std::uint32_t kPinIterations = 600'000;
inline constexpr int kPinAttempts = 5;                        // wrong PINs before a lockout
inline constexpr std::int64_t kFirstLockoutMs = 5 * 60'000;   // first lockout: 5 min, then doubling
inline constexpr std::int64_t kMaxLockoutMs = 24 * 3'600'000; // cap: 24 h

// 6 to 12 digits; refuses all-same and straight runs (123456, 654321) with a
// message saying why. The message never contains the PIN.
[[nodiscard]] Result<void> checkPinRules(std::string_view pin);

// Salted slow hash written atomically, mode 0600, to DATA/maintenance-pin.json
// (checkPinRules first). Resets the lockout. `iterations`: tests pass a small
// count (at least 1000); everything else keeps the default.
[[nodiscard]] Result<void> setPin(const std::filesystem::path& dataDir, std::string_view pin,
                                  std::uint32_t iterations = kPinIterations);

// A usable PIN file exists (a damaged one counts as not set, and is logged).
bool pinIsSet(const std::filesystem::path& dataDir);

enum class PinVerdict { Ok, Wrong, Locked, NotSet };

struct PinCheck {
    PinVerdict verdict = PinVerdict::NotSet;
    int attemptsLeft = 0;            // wrong PINs left before a lockout (kPinAttempts after Ok)
    std::int64_t lockedUntilMs = 0;  // epoch ms, when Locked (also set after the 5th Wrong)
};

// The lockout state as kept in DATA/maintenance-lock.json.
struct PinLockState {
    int failures = 0;                // wrong PINs since the last lockout or right PIN
    int lockouts = 0;                // lockouts since the last right PIN (sets the length)
    std::int64_t lockedAtMs = 0;     // epoch ms the current lock began
    std::int64_t lockedUntilMs = 0;  // epoch ms it ends; 0 = not locked
};

// 5 wrong PINs lock for 5 minutes; each further lockout doubles (10, 20, 40 …
// capped at 24 h); a right PIN resets the count and the doubling.
class PinGuard {
public:
    explicit PinGuard(std::filesystem::path dataDir);
    PinCheck check(std::string_view pin, std::int64_t nowEpochMs);
    std::int64_t lockedUntilMs(std::int64_t nowEpochMs) const;  // 0 = not locked

private:
    PinLockState current() const;
    void save(const PinLockState& s);
    std::filesystem::path m_dir;
    // Fails closed: when the lock file cannot be written (disk full, read-only),
    // the state lives on here so guessing is still limited in this process.
    std::optional<PinLockState> m_unsaved;
};

}  // namespace kiosk::maint
