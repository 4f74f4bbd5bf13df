// Maintenance PIN rules, hashing and the lockout guard (pin.h). The PIN is
// only ever held in the caller's buffer and in OpenSSL's PBKDF2 call; the
// derived key is wiped after the comparison, which is constant-time
// (CRYPTO_memcmp). Nothing here logs a PIN, a hash or a salt.
#include "pin.h"

#include "action_log.h"
#include "base/atomic_file.h"
#include "base/log.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <optional>

namespace kiosk::maint {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPinFile = "maintenance-pin.json";
constexpr std::string_view kLockFile = "maintenance-lock.json";
constexpr std::string_view kPinFormat = "kiosk-maint-pin/1";
constexpr std::string_view kLockFormat = "kiosk-maint-lock/1";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::uint32_t kMinIterations = 1000;
constexpr std::uint32_t kMaxIterations = 10'000'000;  // a tampered file must not stall the pad for minutes

auto logger() { return log::channel("maint"); }

std::string toHex(const unsigned char* p, std::size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += kDigits[p[i] >> 4];
        out += kDigits[p[i] & 0xF];
    }
    return out;
}

std::optional<std::vector<unsigned char>> fromHex(std::string_view s) {
    if (s.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<unsigned char>(hi * 16 + lo));
    }
    return out;
}

bool derive(std::string_view pin, const std::vector<unsigned char>& salt, std::uint32_t iterations,
            std::array<unsigned char, kHashBytes>& out) {
    return PKCS5_PBKDF2_HMAC(pin.data(), int(pin.size()), salt.data(), int(salt.size()), int(iterations), EVP_sha256(),
                             int(out.size()), out.data()) == 1;
}

struct StoredPin {
    std::vector<unsigned char> salt, hash;
    std::uint32_t iterations = 0;
};

// The stored hash, or nothing when the file is missing or damaged (logged).
std::optional<StoredPin> loadPin(const fs::path& dataDir) {
    const fs::path file = dataDir / kPinFile;
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    auto text = fileio::readAll(file);
    auto damaged = [&](std::string_view why) {
        logger()->error("{} is damaged ({}): maintenance mode stays closed until a PIN is set again with "
                        "kioskctl provision --pin-stdin",
                        file.string(), why);
        return std::nullopt;
    };
    if (!text) return damaged("unreadable");
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != kPinFormat) return damaged("unknown format");
    if (j.value("kdf", "") != "pbkdf2-hmac-sha256") return damaged("unknown key derivation");
    const auto it = j.find("iterations");
    if (it == j.end() || !it->is_number_unsigned()) return damaged("no iteration count");
    const auto iterations = it->get<std::uint64_t>();
    if (iterations < kMinIterations || iterations > kMaxIterations) return damaged("iteration count out of range");
    auto salt = fromHex(j.value("salt", ""));
    auto hash = fromHex(j.value("hash", ""));
    if (!salt || salt->size() != kSaltBytes || !hash || hash->size() != kHashBytes) return damaged("bad salt or hash");
    return StoredPin{std::move(*salt), std::move(*hash), std::uint32_t(iterations)};
}

using LockState = PinLockState;

LockState loadLock(const fs::path& dataDir) {
    const fs::path file = dataDir / kLockFile;
    std::error_code ec;
    if (!fs::exists(file, ec)) return {};
    auto text = fileio::readAll(file);
    auto j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    auto num = [&](const char* key) -> std::optional<std::int64_t> {
        const auto f = j.find(key);
        if (f == j.end() || !f->is_number_integer()) return std::nullopt;
        return f->get<std::int64_t>();
    };
    if (!j.is_object() || j.value("format", "") != kLockFormat || !num("failures") || !num("lockouts") ||
        !num("locked_at_ms") || !num("locked_until_ms")) {
        // Written atomically, so this is a disk fault or tampering: start over, loudly.
        logger()->warn("{} is unreadable; the PIN attempt count starts again", file.string());
        return {};
    }
    LockState s;
    s.failures = int(std::clamp<std::int64_t>(*num("failures"), 0, kPinAttempts));
    s.lockouts = int(std::clamp<std::int64_t>(*num("lockouts"), 0, 64));
    s.lockedAtMs = *num("locked_at_ms");
    s.lockedUntilMs = *num("locked_until_ms");
    return s;
}

Result<void> saveLock(const fs::path& dataDir, const LockState& s) {
    const nlohmann::json j = {{"format", kLockFormat},
                              {"failures", s.failures},
                              {"lockouts", s.lockouts},
                              {"locked_at_ms", s.lockedAtMs},
                              {"locked_until_ms", s.lockedUntilMs}};
    return fileio::writeAtomic(dataDir / kLockFile, j.dump() + "\n", 0600);
}

// The lock end as seen from `now`: a clock that went back restarts the lock
// from now for its full length (it never lasts until the old date + the jump).
std::int64_t effectiveLockEnd(const LockState& s, std::int64_t nowMs) {
    if (s.lockedUntilMs <= 0) return 0;
    if (nowMs < s.lockedAtMs) return nowMs + (s.lockedUntilMs - s.lockedAtMs);
    return s.lockedUntilMs;
}

std::int64_t lockoutLengthMs(int lockouts) {
    std::int64_t ms = kFirstLockoutMs;
    for (int i = 1; i < lockouts && ms < kMaxLockoutMs; ++i) ms *= 2;
    return std::min(ms, kMaxLockoutMs);
}

void record(const fs::path& dataDir, std::string_view what, const std::string& detail, std::int64_t nowMs) {
    if (auto r = recordAction(dataDir, what, detail, nowMs); !r)
        logger()->warn("maintenance action not recorded: {}", r.error().message);
}

}  // namespace

Result<void> checkPinRules(std::string_view pin) {
    if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail(ErrorCode::InvalidArgument, "the PIN must be digits only (0–9)");
    if (pin.size() < 6 || pin.size() > 12)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the PIN must be 6 to 12 digits long (this one has {})", pin.size()));
    if (std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin[0]; }))
        return fail(ErrorCode::InvalidArgument, "the PIN must not be one digit repeated (like 111111): it is guessed first");
    auto run = [&](int step) {
        for (std::size_t i = 1; i < pin.size(); ++i)
            if ((pin[i - 1] - '0' + step + 10) % 10 != pin[i] - '0') return false;
        return true;
    };
    if (run(1) || run(-1))
        return fail(ErrorCode::InvalidArgument,
                    "the PIN must not be a straight run of digits (like 123456 or 654321): it is guessed first");
    return {};
}

Result<void> setPin(const fs::path& dataDir, std::string_view pin, std::uint32_t iterations) {
    if (auto ok = checkPinRules(pin); !ok) return ok;
    if (iterations < kMinIterations || iterations > kMaxIterations)
        return fail(ErrorCode::InvalidArgument, fmt::format("PIN hash iterations must be {} to {}", kMinIterations,
                                                            kMaxIterations));
    std::vector<unsigned char> salt(kSaltBytes);
    if (RAND_bytes(salt.data(), int(salt.size())) != 1)
        return fail(ErrorCode::Internal, "the system random generator failed; the PIN was not changed");
    std::array<unsigned char, kHashBytes> hash{};
    if (!derive(pin, salt, iterations, hash)) return fail(ErrorCode::Internal, "PIN hashing failed; the PIN was not changed");
    const nlohmann::json j = {{"format", kPinFormat},
                              {"kdf", "pbkdf2-hmac-sha256"},
                              {"iterations", iterations},
                              {"salt", toHex(salt.data(), salt.size())},
                              {"hash", toHex(hash.data(), hash.size())}};
    OPENSSL_cleanse(hash.data(), hash.size());
    if (auto w = fileio::writeAtomic(dataDir / kPinFile, j.dump() + "\n", 0600); !w) return w;
    // A new PIN starts with a clean slate: full attempts, no doubling.
    return saveLock(dataDir, LockState{});
}

bool pinIsSet(const fs::path& dataDir) { return loadPin(dataDir).has_value(); }

PinGuard::PinGuard(fs::path dataDir) : m_dir(std::move(dataDir)) {}

LockState PinGuard::current() const { return m_unsaved ? *m_unsaved : loadLock(m_dir); }

void PinGuard::save(const LockState& s) {
    if (auto w = saveLock(m_dir, s); !w) {
        logger()->error("cannot save the PIN attempt count ({}); it is kept in memory until the kiosk restarts",
                        w.error().message);
        m_unsaved = s;
    } else {
        m_unsaved.reset();
    }
}

std::int64_t PinGuard::lockedUntilMs(std::int64_t nowEpochMs) const {
    const std::int64_t end = effectiveLockEnd(current(), nowEpochMs);
    return end > nowEpochMs ? end : 0;
}

PinCheck PinGuard::check(std::string_view pin, std::int64_t nowEpochMs) {
    LockState s = current();
    const std::int64_t end = effectiveLockEnd(s, nowEpochMs);
    if (end > nowEpochMs) return {PinVerdict::Locked, 0, end};  // not even hashed
    if (s.lockedUntilMs != 0) {  // a lock that has run out: a fresh set of attempts, the doubling remembered
        s.failures = 0;
        s.lockedAtMs = s.lockedUntilMs = 0;
    }
    const auto stored = loadPin(m_dir);
    if (!stored) return {PinVerdict::NotSet, 0, 0};

    std::array<unsigned char, kHashBytes> got{};
    const bool derived = derive(pin, stored->salt, stored->iterations, got);
    const bool right = derived && CRYPTO_memcmp(got.data(), stored->hash.data(), kHashBytes) == 0;
    OPENSSL_cleanse(got.data(), got.size());

    if (right) {
        s = LockState{};
        save(s);
        record(m_dir, action::kEntered, "", nowEpochMs);
        return {PinVerdict::Ok, kPinAttempts, 0};
    }
    ++s.failures;
    if (s.failures < kPinAttempts) {
        save(s);
        const int left = kPinAttempts - s.failures;
        record(m_dir, action::kWrongPin, fmt::format("{} attempts left", left), nowEpochMs);
        return {PinVerdict::Wrong, left, 0};
    }
    ++s.lockouts;
    const std::int64_t length = lockoutLengthMs(s.lockouts);
    s.failures = 0;
    s.lockedAtMs = nowEpochMs;
    s.lockedUntilMs = nowEpochMs + length;
    save(s);
    record(m_dir, action::kWrongPin, "0 attempts left", nowEpochMs);
    record(m_dir, action::kLockout, fmt::format("lockout {} for {} min", s.lockouts, length / 60'000), nowEpochMs);
    return {PinVerdict::Wrong, 0, s.lockedUntilMs};
}

}  // namespace kiosk::maint
