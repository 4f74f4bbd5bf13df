// The manifest of a signed content bundle: what the hub promises about one
// content database it publishes, and the Ed25519 signature that makes the
// promise checkable by a kiosk holding only the content-signing public key.
//
// A manifest is a JSON object (every field is required, nothing else is read):
//
//   {"created":"2026-11-14T08:00:00Z",  ISO 8601 UTC, when the hub published it
//    "expires":"2026-11-21T08:00:00Z",  ISO 8601 UTC; a kiosk refuses it from then on
//    "format":"kiosk-bundle/1",
//    "kind":"full",                     the whole content database (deltas: later)
//    "schema":2,                        content schema = the file's PRAGMA user_version
//    "sha256":"9f86…",                  64 lower-case hex digits of the bundle file
//    "size":48234496,                   bytes of the bundle file
//    "version":17}                      integer ≥ 1, rises with every publication
//
// The signed bytes are nlohmann's dump() of that object: keys sorted, no
// spaces, UTF-8. A kiosk verifies the signature over the dump() of the object
// exactly as it parsed it, and reads the fields from that same object, so what
// was verified is what is used. The signature is carried base64 next to it:
//
//   {"manifest":{…},"signature":"BASE64 of 64 bytes"}
//
// This file never decides whether to install anything; install.h does.
#pragma once

#include "base/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace kiosk::bundle {

inline constexpr std::string_view kManifestFormat = "kiosk-bundle/1";
inline constexpr std::string_view kKindFull = "full";

// A manifest's fields, type-checked. Times are Unix seconds (UTC).
struct ManifestFields {
    std::int64_t version = 0;    // ≥ 1
    std::string sha256;          // 64 lower-case hex digits
    std::int64_t size = 0;       // bytes, ≥ 0
    std::int64_t createdS = 0;   // from "created"
    std::int64_t expiresS = 0;   // from "expires"; > createdS
    std::int64_t schema = 0;     // content schema version (PRAGMA user_version), ≥ 1
    std::string kind;            // "full"
};

struct SignedManifest {
    nlohmann::json manifest;     // the object as signed / as received
    std::string signatureB64;    // base64 of the raw 64-byte Ed25519 signature
};

// Publisher side (kiosk-hub content publish). Hashes `bundleFile`, checks it
// is a content database the kiosk will accept (SQLite, rollback-journal mode,
// PRAGMA user_version == schema, integrity_check ok) so a bad file is caught
// where it was made, and returns the manifest object.
// createdEpochS: Unix seconds; ttlS: seconds until "expires", > 0.
[[nodiscard]] Result<nlohmann::json> makeManifest(const std::filesystem::path& bundleFile, std::int64_t version,
                                                  std::int64_t createdEpochS, std::int64_t ttlS, int schema);

// The bytes that are signed: manifest.dump(). Fails only for a non-object.
[[nodiscard]] Result<std::string> canonicalBytes(const nlohmann::json& manifest);

[[nodiscard]] Result<SignedManifest> signManifest(const nlohmann::json& manifest, std::string_view privatePem);

// Checks the signature against `publicPem`, then the fields. Error codes:
// InvalidArgument for a bad signature, a different key or a malformed field;
// Config when `publicPem` is not an Ed25519 public key (a provisioning fault).
[[nodiscard]] Result<ManifestFields> verifyManifest(const SignedManifest& signedManifest, std::string_view publicPem);

// Field checks only (no signature): for the publisher and for diagnostics.
[[nodiscard]] Result<ManifestFields> readManifest(const nlohmann::json& manifest);

// One JSON document {"manifest":{…},"signature":"…"}, compact.
std::string serializeSignedManifest(const SignedManifest& signedManifest);
[[nodiscard]] Result<SignedManifest> parseSignedManifest(std::string_view text);

// "2026-11-21T08:00:00Z" ⇄ Unix seconds. The parser accepts exactly that
// shape (UTC, 'Z', no fractions) and real calendar dates only.
std::string formatIsoUtc(std::int64_t epochS);
[[nodiscard]] Result<std::int64_t> parseIsoUtc(std::string_view text);

}  // namespace kiosk::bundle
