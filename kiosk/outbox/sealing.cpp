// AES-256-GCM sealing and HMAC fingerprints with OpenSSL 3.
#include "sealing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace kiosk::outbox {
namespace {
constexpr std::size_t kNonce = 12, kTag = 16;
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
}  // namespace

Result<DeviceKey> DeviceKey::loadOrCreate(const std::string& dataDir) {
    const std::string path = dataDir + "/device.key";
    DeviceKey k;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (RAND_bytes(k.m_key.data(), int(k.m_key.size())) != 1)
            return fail(ErrorCode::Internal, "no randomness for the device key");
        // Written under a temporary name and renamed: a crash never leaves a short key.
        const std::string tmp = path + ".tmp";
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            return fail(ErrorCode::Io, fmt::format("cannot create {}: check that the data folder is writable", path));
        const bool ok = ::write(fd, k.m_key.data(), k.m_key.size()) == ssize_t(k.m_key.size()) && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
            return fail(ErrorCode::Io, fmt::format("cannot write {}", path));
        return k;
    }
    struct stat st {};
    fstat(fd, &st);
    if ((st.st_mode & 077) != 0) fchmod(fd, 0600);  // never readable by others
    const ssize_t n = ::read(fd, k.m_key.data(), k.m_key.size());
    ::close(fd);
    if (n != ssize_t(k.m_key.size()))
        return fail(ErrorCode::Parse, fmt::format("{} is damaged (expected 32 bytes); sealed records cannot be read", path));
    return k;
}

Result<std::vector<std::uint8_t>> DeviceKey::seal(std::string_view plaintext, std::string_view recordId) const {
    std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
    if (RAND_bytes(out.data(), int(kNonce)) != 1) return fail(ErrorCode::Internal, "no randomness for a nonce");
    Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, m_key.data(), out.data()) == 1 &&
              EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(recordId.data()),
                                int(recordId.size())) == 1 &&
              EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &len,
                                reinterpret_cast<const unsigned char*>(plaintext.data()), int(plaintext.size())) == 1;
    int fin = 0;
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + len, &fin) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTag), out.data() + kNonce + plaintext.size()) == 1;
    if (!ok) return fail(ErrorCode::Internal, "sealing failed");
    return out;
}

Result<std::string> DeviceKey::open(const std::vector<std::uint8_t>& sealed, std::string_view recordId) const {
    if (sealed.size() < kNonce + kTag) return fail(ErrorCode::Parse, "sealed data is too short");
    const std::size_t n = sealed.size() - kNonce - kTag;
    std::string out(n, '\0');
    Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0, fin = 0;
    std::array<std::uint8_t, kTag> tag{};
    std::copy(sealed.end() - long(kTag), sealed.end(), tag.begin());
    const bool ok =
        ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, m_key.data(), sealed.data()) == 1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(recordId.data()),
                          int(recordId.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, sealed.data() + kNonce,
                          int(n)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTag), tag.data()) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &fin) == 1;
    if (!ok) return fail(ErrorCode::Parse, "sealed data does not verify (wrong key or damaged record)");
    return out;
}

std::string DeviceKey::fingerprint(std::string_view value) const {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), m_key.data(), int(m_key.size()), reinterpret_cast<const unsigned char*>(value.data()),
         value.size(), md, &n);
    std::string hex;
    for (unsigned int i = 0; i < 16 && i < n; ++i) hex += fmt::format("{:02x}", md[i]);
    return hex;
}

}  // namespace kiosk::outbox
