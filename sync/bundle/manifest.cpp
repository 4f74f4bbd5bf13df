// Making, signing, verifying and (de)serialising bundle manifests (see
// manifest.h). JSON exceptions stop here and become Error values.
#include "manifest.h"

#include "crypto/crypto.h"
#include "db_check.h"

#include <fmt/format.h>

#include <ctime>
#include <system_error>

namespace kiosk::bundle {
namespace {

using nlohmann::json;

bool isLowerHex(std::string_view s) {
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

Result<std::int64_t> intField(const json& m, const char* key) {
    const auto it = m.find(key);
    if (it == m.end()) return fail(ErrorCode::InvalidArgument, fmt::format("manifest has no \"{}\"", key));
    if (!it->is_number_integer())
        return fail(ErrorCode::InvalidArgument, fmt::format("manifest \"{}\" must be an integer", key));
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t(INT64_MAX))
        return fail(ErrorCode::InvalidArgument, fmt::format("manifest \"{}\" is out of range", key));
    return it->get<std::int64_t>();
}

Result<std::string> stringField(const json& m, const char* key) {
    const auto it = m.find(key);
    if (it == m.end()) return fail(ErrorCode::InvalidArgument, fmt::format("manifest has no \"{}\"", key));
    if (!it->is_string()) return fail(ErrorCode::InvalidArgument, fmt::format("manifest \"{}\" must be a string", key));
    return it->get<std::string>();
}

}  // namespace

std::string formatIsoUtc(std::int64_t epochS) {
    const std::time_t t = static_cast<std::time_t>(epochS);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<std::int64_t> parseIsoUtc(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SSZ
    static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
    auto bad = [&] {
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("\"{}\" is not a UTC time like 2026-11-21T08:00:00Z", text.substr(0, 40)));
    };
    if (text.size() != kShape.size()) return bad();
    for (std::size_t i = 0; i < kShape.size(); ++i) {
        if (kShape[i] == 'd' ? !(text[i] >= '0' && text[i] <= '9') : text[i] != kShape[i]) return bad();
    }
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (text[i] - '0');
        return v;
    };
    std::tm tm{};
    tm.tm_year = num(0, 4) - 1900;
    tm.tm_mon = num(5, 2) - 1;
    tm.tm_mday = num(8, 2);
    tm.tm_hour = num(11, 2);
    tm.tm_min = num(14, 2);
    tm.tm_sec = num(17, 2);
    const std::int64_t epoch = timegm(&tm);
    // timegm normalises 2026-02-30 into March: a real date formats back unchanged.
    if (formatIsoUtc(epoch) != text) return bad();
    return epoch;
}

Result<ManifestFields> readManifest(const json& m) {
    if (!m.is_object()) return fail(ErrorCode::InvalidArgument, "the manifest is not a JSON object");
    ManifestFields f;
    auto format = stringField(m, "format");
    if (!format) return std::unexpected(format.error());
    if (*format != kManifestFormat)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("manifest format \"{}\" is not {}: this kiosk software cannot install it",
                                format->substr(0, 40), kManifestFormat));
    auto kind = stringField(m, "kind");
    if (!kind) return std::unexpected(kind.error());
    if (*kind != kKindFull)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("manifest kind \"{}\" is not supported (only \"{}\")", kind->substr(0, 40), kKindFull));
    f.kind = *kind;
    auto version = intField(m, "version");
    if (!version) return std::unexpected(version.error());
    if (*version < 1) return fail(ErrorCode::InvalidArgument, "manifest \"version\" must be 1 or more");
    f.version = *version;
    auto sha = stringField(m, "sha256");
    if (!sha) return std::unexpected(sha.error());
    if (sha->size() != 64 || !isLowerHex(*sha))
        return fail(ErrorCode::InvalidArgument, "manifest \"sha256\" must be 64 lower-case hex digits");
    f.sha256 = *sha;
    auto size = intField(m, "size");
    if (!size) return std::unexpected(size.error());
    if (*size < 0) return fail(ErrorCode::InvalidArgument, "manifest \"size\" must not be negative");
    f.size = *size;
    auto schema = intField(m, "schema");
    if (!schema) return std::unexpected(schema.error());
    if (*schema < 1) return fail(ErrorCode::InvalidArgument, "manifest \"schema\" must be 1 or more");
    f.schema = *schema;
    for (auto [key, out] : {std::pair<const char*, std::int64_t*>{"created", &f.createdS}, {"expires", &f.expiresS}}) {
        auto text = stringField(m, key);
        if (!text) return std::unexpected(text.error());
        auto t = parseIsoUtc(*text);
        if (!t) return fail(ErrorCode::InvalidArgument, fmt::format("manifest \"{}\": {}", key, t.error().message));
        *out = *t;
    }
    if (f.expiresS <= f.createdS)
        return fail(ErrorCode::InvalidArgument, "manifest \"expires\" must be later than \"created\"");
    return f;
}

Result<json> makeManifest(const std::filesystem::path& bundleFile, std::int64_t version, std::int64_t createdEpochS,
                          std::int64_t ttlS, int schema) {
    if (version < 1) return fail(ErrorCode::InvalidArgument, "a bundle version must be 1 or more");
    if (ttlS <= 0) return fail(ErrorCode::InvalidArgument, "a bundle's time to live must be positive");
    if (schema < 1) return fail(ErrorCode::InvalidArgument, "a content schema version must be 1 or more");
    if (auto r = checkContentDatabase(bundleFile, schema); !r)
        return fail(r.error().code, fmt::format("cannot publish {}: {}", bundleFile.string(), r.error().message));
    std::error_code ec;
    const auto size = std::filesystem::file_size(bundleFile, ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot read the size of {}: {}", bundleFile.string(), ec.message()));
    auto sha = crypto::sha256FileHex(bundleFile);
    if (!sha) return std::unexpected(sha.error());
    return json{{"format", kManifestFormat},
                {"version", version},
                {"sha256", *sha},
                {"size", std::int64_t(size)},
                {"created", formatIsoUtc(createdEpochS)},
                {"expires", formatIsoUtc(createdEpochS + ttlS)},
                {"schema", schema},
                {"kind", kKindFull}};
}

Result<std::string> canonicalBytes(const json& manifest) {
    if (!manifest.is_object()) return fail(ErrorCode::InvalidArgument, "the manifest is not a JSON object");
    try {
        return manifest.dump();  // object keys are kept sorted; no spaces
    } catch (const json::exception& e) {
        return fail(ErrorCode::InvalidArgument, fmt::format("the manifest cannot be serialised: {}", e.what()));
    }
}

Result<SignedManifest> signManifest(const json& manifest, std::string_view privatePem) {
    if (auto f = readManifest(manifest); !f)
        return fail(ErrorCode::InvalidArgument, fmt::format("refusing to sign: {}", f.error().message));
    auto bytes = canonicalBytes(manifest);
    if (!bytes) return std::unexpected(bytes.error());
    auto sig = crypto::signEd25519(privatePem, *bytes);
    if (!sig) return std::unexpected(sig.error());
    return SignedManifest{manifest, crypto::base64(*sig)};
}

Result<ManifestFields> verifyManifest(const SignedManifest& signedManifest, std::string_view publicPem) {
    auto bytes = canonicalBytes(signedManifest.manifest);
    if (!bytes) return std::unexpected(bytes.error());
    auto sig = crypto::unbase64(signedManifest.signatureB64);
    if (!sig || sig->size() != 64)
        return fail(ErrorCode::InvalidArgument, "bad signature: the manifest's signature is not 64 bytes of base64");
    auto ok = crypto::verifyEd25519(publicPem, *bytes, *sig);
    if (!ok)
        return fail(ErrorCode::Config,
                    fmt::format("{}; re-provision this kiosk with the hub's content-signing public key",
                                ok.error().message));
    if (!*ok)
        return fail(ErrorCode::InvalidArgument,
                    "bad signature: the manifest does not verify against the provisioned content-signing key "
                    "(it was changed after signing, or signed by another key)");
    auto fields = readManifest(signedManifest.manifest);
    if (!fields)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("signed manifest is not usable: {}", fields.error().message));
    return fields;
}

std::string serializeSignedManifest(const SignedManifest& signedManifest) {
    return json{{"manifest", signedManifest.manifest}, {"signature", signedManifest.signatureB64}}.dump();
}

Result<SignedManifest> parseSignedManifest(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        return fail(ErrorCode::Parse, fmt::format("the signed manifest is not valid JSON: {}", e.what()));
    }
    if (!doc.is_object() || !doc.contains("manifest") || !doc["manifest"].is_object() || !doc.contains("signature") ||
        !doc["signature"].is_string())
        return fail(ErrorCode::Parse,
                    "the signed manifest must be {\"manifest\":{…},\"signature\":\"BASE64\"}");
    return SignedManifest{doc["manifest"], doc["signature"].get<std::string>()};
}

}  // namespace kiosk::bundle
