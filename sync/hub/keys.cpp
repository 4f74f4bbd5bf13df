// First-start key generation and loading (keys.h).
#include "keys.h"

#include "crypto/crypto.h"
#include "crypto/x509.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <functional>

namespace kiosk::hub {
namespace {

constexpr std::int64_t kDay = 86'400;

Result<std::string> loadOrMake(const std::filesystem::path& file, unsigned mode, bool* made,
                               const std::function<Result<std::string>()>& make) {
    if (std::filesystem::exists(file)) {
        if (mode == 0600) {
            struct stat st {};
            if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
                return fail(ErrorCode::Config, fmt::format("{} is readable by other users (mode {:o}); run: chmod 600 {}",
                                                           file.string(), st.st_mode & 0777, file.string()));
        }
        return crypto::readFile(file);
    }
    auto text = make();
    if (!text) return text;
    if (auto w = crypto::writeFileAtomic(file, *text, mode); !w) return std::unexpected(w.error());
    *made = true;
    return text;
}

}  // namespace

std::vector<std::string> HubKeys::pins() const {
    std::vector<std::string> out;
    if (auto c = crypto::inspectCert(serverCert)) out.push_back(c->pin);
    if (auto b = crypto::pinOfKey(backupKey)) out.push_back(*b);
    return out;
}

Result<HubKeys> loadOrCreateKeys(const std::filesystem::path& dir, const std::vector<std::string>& hosts, std::int64_t now,
                                 bool* created) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
    HubKeys k;
    k.dir = dir;
    bool made = false;
    auto step = [&](std::string& out, const char* name, unsigned mode, const std::function<Result<std::string>()>& make) {
        auto r = loadOrMake(dir / name, mode, &made, make);
        if (r) out = std::move(*r);
        return r.has_value() ? Result<void>{} : Result<void>(std::unexpected(r.error()));
    };
    Result<void> r = step(k.caKey, "ca.key", 0600, [] { return crypto::generateEcKey(); });
    if (r) r = step(k.caCert, "ca.crt", 0644, [&] {
        return crypto::makeCaCert(k.caKey, "Kiosk fleet device CA", {now - kDay, now + 20 * 365 * kDay});
    });
    if (r) r = step(k.serverKey, "server.key", 0600, [] { return crypto::generateEcKey(); });
    if (r) r = step(k.serverCert, "server.crt", 0644, [&] {
        return crypto::issueServerCert(k.caCert, k.caKey, k.serverKey, "kiosk-hub", hosts, {now - kDay, now + 825 * kDay});
    });
    if (r) r = step(k.backupKey, "backup.key", 0600, [] { return crypto::generateEcKey(); });
    if (r) r = step(k.contentKey, "content.key", 0600, [&]() -> Result<std::string> {
        auto pair = crypto::generateEd25519();
        if (!pair) return std::unexpected(pair.error());
        if (auto w = crypto::writeFileAtomic(dir / "content.pub", pair->publicPem, 0644); !w) return std::unexpected(w.error());
        return pair->privatePem;
    });
    if (r) r = step(k.contentPub, "content.pub", 0644, [&]() -> Result<std::string> {
        return fail(ErrorCode::Config, fmt::format("{} is missing but content.key exists; restore it from a backup",
                                                   (dir / "content.pub").string()));
    });
    if (!r) return std::unexpected(r.error());
    if (created) *created = made;
    return k;
}

}  // namespace kiosk::hub
