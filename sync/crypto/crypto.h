// Small, audited-by-OpenSSL building blocks the sync protocol needs: SHA-256,
// base64, Ed25519 signing keys (content bundles), PEM files written with
// private-key permissions, and the SHA-256 pin of a certificate's public key
// in the form libcurl's CURLOPT_PINNEDPUBLICKEY takes ("sha256//BASE64").
// Nothing here invents cryptography: every primitive is OpenSSL 3's.
#pragma once

#include "base/error.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace kiosk::crypto {

std::string sha256Hex(std::string_view bytes);
[[nodiscard]] Result<std::string> sha256FileHex(const std::filesystem::path& file);  // streams; any size
std::string base64(std::string_view bytes);
[[nodiscard]] Result<std::string> unbase64(std::string_view text);
std::string randomToken(int bytes);  // URL-safe, from the OS CSPRNG

// Staff passwords (the hub's console): PBKDF2-HMAC-SHA256 with a random
// 16-byte salt, stored as "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX".
// passwordMatches compares in constant time; a malformed stored value never
// matches.
inline constexpr unsigned kPasswordIterations = 600000;
std::string hashPassword(std::string_view password, unsigned iterations = kPasswordIterations);
bool passwordMatches(std::string_view password, std::string_view stored);

// Writes `text` to `path` atomically (temp file + rename) with `mode`
// (0600 for private keys), creating parent folders.
[[nodiscard]] Result<void> writeFileAtomic(const std::filesystem::path& path, std::string_view text, unsigned mode);
[[nodiscard]] Result<std::string> readFile(const std::filesystem::path& path);

// Ed25519: a private key as PKCS#8 PEM, a public key as SubjectPublicKeyInfo PEM.
struct Ed25519Pair {
    std::string privatePem, publicPem;
};
[[nodiscard]] Result<Ed25519Pair> generateEd25519();
[[nodiscard]] Result<std::string> signEd25519(std::string_view privatePem, std::string_view message);  // raw 64 bytes
// True only for a valid signature by that key; a malformed key is an error.
[[nodiscard]] Result<bool> verifyEd25519(std::string_view publicPem, std::string_view message, std::string_view signature);

}  // namespace kiosk::crypto
