// OpenSSL-backed implementations of crypto.h.
#include "crypto.h"

#include "base/atomic_file.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace kiosk::crypto {
namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = kHex[p[i] >> 4];
        out[2 * i + 1] = kHex[p[i] & 15];
    }
    return out;
}

std::string bioText(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, std::size_t(n));
}

}  // namespace

std::string sha256Hex(std::string_view bytes) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    return hex(md, len);
}

Result<std::string> sha256FileHex(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read {}", file.string()));
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    std::array<char, 1 << 16> buf;
    while (in) {
        in.read(buf.data(), buf.size());
        if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), std::size_t(in.gcount()));
    }
    if (in.bad()) return fail(ErrorCode::Io, fmt::format("read error in {}", file.string()));
    unsigned char md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    return hex(md, len);
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
    out.resize(std::size_t(n));
    return out;
}

Result<std::string> unbase64(std::string_view text) {
    if (text.size() % 4 != 0) return fail(ErrorCode::Parse, "base64 text length is not a multiple of 4");
    std::string out(text.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
    if (n < 0) return fail(ErrorCode::Parse, "not valid base64");
    std::size_t len = std::size_t(n);
    // EVP_DecodeBlock counts padding as zero bytes.
    if (!text.empty() && text.back() == '=') --len;
    if (text.size() > 1 && text[text.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

std::string randomToken(int bytes) {
    std::string raw(std::size_t(bytes), '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes);
    std::string b = base64(raw);
    for (char& c : b) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    while (!b.empty() && b.back() == '=') b.pop_back();
    return b;
}

namespace {
bool pbkdf2(std::string_view password, const std::string& saltHex, unsigned iterations, std::array<unsigned char, 32>& out) {
    return PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), reinterpret_cast<const unsigned char*>(saltHex.data()),
                             int(saltHex.size()), int(iterations), EVP_sha256(), int(out.size()), out.data()) == 1;
}
}  // namespace

std::string hashPassword(std::string_view password, unsigned iterations) {
    std::array<unsigned char, 16> salt{};
    RAND_bytes(salt.data(), int(salt.size()));
    const std::string saltHex = hex(salt.data(), salt.size());
    std::array<unsigned char, 32> hash{};
    if (!pbkdf2(password, saltHex, iterations, hash)) return {};
    return fmt::format("pbkdf2-sha256${}${}${}", iterations, saltHex, hex(hash.data(), hash.size()));
}

bool passwordMatches(std::string_view password, std::string_view stored) {
    // pbkdf2-sha256$ITER$SALT$HASH
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= stored.size(); ++i) {
        if (i == stored.size() || stored[i] == '$') {
            parts.push_back(stored.substr(start, i - start));
            start = i + 1;
        }
    }
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256" || parts[3].size() != 64) return false;
    unsigned iterations = 0;
    const char* end = parts[1].data() + parts[1].size();
    if (auto [p, ec] = std::from_chars(parts[1].data(), end, iterations);
        ec != std::errc{} || p != end || iterations < 1000 || iterations > 100'000'000)
        return false;
    std::array<unsigned char, 32> hash{};
    if (!pbkdf2(password, std::string(parts[2]), iterations, hash)) return false;
    const std::string got = hex(hash.data(), hash.size());
    return CRYPTO_memcmp(got.data(), parts[3].data(), got.size()) == 0;
}

// One implementation for the kiosk and the hub (kiosk/base/atomic_file.h).
Result<void> writeFileAtomic(const std::filesystem::path& path, std::string_view text, unsigned mode) {
    return fileio::writeAtomic(path, text, mode);
}

Result<std::string> readFile(const std::filesystem::path& path) { return fileio::readAll(path); }

Result<Ed25519Pair> generateEd25519() {
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key) return fail(ErrorCode::Internal, "Ed25519 key generation failed");
    BioPtr priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
        !PEM_write_bio_PUBKEY(pub.get(), key.get()))
        return fail(ErrorCode::Internal, "cannot encode the Ed25519 key as PEM");
    return Ed25519Pair{bioText(priv.get()), bioText(pub.get())};
}

Result<std::string> signEd25519(std::string_view privatePem, std::string_view message) {
    BioPtr bio(BIO_new_mem_buf(privatePem.data(), int(privatePem.size())));
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
        return fail(ErrorCode::Parse, "the signing key is not an Ed25519 private key in PEM");
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::string sig(64, '\0');
    std::size_t len = sig.size();
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        return fail(ErrorCode::Internal, "Ed25519 signing failed");
    sig.resize(len);
    return sig;
}

Result<bool> verifyEd25519(std::string_view publicPem, std::string_view message, std::string_view signature) {
    BioPtr bio(BIO_new_mem_buf(publicPem.data(), int(publicPem.size())));
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
        return fail(ErrorCode::Parse, "the content-signing key is not an Ed25519 public key in PEM");
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        return fail(ErrorCode::Internal, "Ed25519 verification could not start");
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace kiosk::crypto
