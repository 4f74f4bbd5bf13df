// Devices as staff see them, provisioning files and content publishing (fleet.h).
#include "fleet.h"

#include "bundle/manifest.h"
#include "crypto/crypto.h"
#include "hubdb/content_repo.h"
#include "sqlite/sqlite.h"

#include <fmt/format.h>

namespace kiosk::hub {

nlohmann::json deviceJson(const hubdb::Device& d, std::int64_t now) {
    const auto& hb = d.heartbeat;
    const auto ob = hb.value("outbox", nlohmann::json::object());
    const bool growing = hb.value("stalled", false) ||
                         (ob.value("pending", 0) > 0 && ob.value("oldest_pending_age_s", 0) > 3600);
    const bool stale = !d.revokedAt && (!d.lastSeen || now - *d.lastSeen > kStaleAfterS);
    // The newest technician action the kiosk reported (server.cpp keeps it).
    const nlohmann::json lastMaint = hb.value("last_maintenance", nlohmann::json());
    const protocol::OsReport os = protocol::osReportFrom(hb);
    auto field = [&](const char* key) { return hb.contains(key) ? hb[key] : nlohmann::json(nullptr); };
    return {{"id", d.id},
            {"site", d.site},
            {"enrolled_at", d.enrolledAt},
            {"cert_not_after", d.certNotAfter},
            {"last_seen", d.lastSeen ? nlohmann::json(*d.lastSeen) : nlohmann::json(nullptr)},
            {"revoked", d.revokedAt.has_value()},
            {"stale", stale},
            {"outbox_growing", growing},
            {"outbox_pending", ob.value("pending", 0)},
            {"app_version", field("app_version")},
            {"content_version", field("content_version")},
            {"last_sync", field("last_sync")},
            {"printer", field("printer")},
            {"last_maintenance", lastMaint.is_object() ? lastMaint : nlohmann::json(nullptr)},
            {"os_version", os.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(os.version)},
            {"os_update", os.update ? protocol::toJson(*os.update) : nlohmann::json(nullptr)},
            {"heartbeat", hb}};
}

Result<protocol::ProvisionFile> makeProvisionFile(hubdb::HubStore& store, const HubKeys& keys, const std::string& site,
                                                  const std::string& hubUrl, std::int64_t ttlS, std::int64_t now) {
    if (site.empty() || site.size() > 200) return fail(ErrorCode::InvalidArgument, "name the site (1–200 bytes)");
    if (ttlS <= 0 || ttlS > 30 * 86'400)
        return fail(ErrorCode::InvalidArgument, "the token must stay valid between 1 s and 30 days");
    protocol::ProvisionFile p;
    p.hubUrl = hubUrl;
    p.pins = keys.pins();
    p.caPem = keys.caCert;
    p.contentPublicKeyPem = keys.contentPub;
    p.site = site;
    p.token = crypto::randomToken(24);
    p.expiresAt = now + ttlS;
    if (auto r = store.addToken(p.token, site, now, p.expiresAt); !r) return std::unexpected(r.error());
    return p;
}

Result<PublishedContent> publishContent(hubdb::Database& db, const HubKeys& keys, const std::filesystem::path& file,
                                        std::int64_t ttlS, std::int64_t now) {
    std::int64_t schema = 0;
    {
        auto f = sql::Database::open(file.string(), SQLITE_OPEN_READONLY);
        if (!f) return fail(ErrorCode::InvalidArgument, fmt::format("{} is not a SQLite database", file.string()));
        schema = f->scalarInt("PRAGMA user_version").value_or(0);
    }
    auto version = hubdb::nextBundleVersion(db);
    if (!version) return std::unexpected(version.error());
    auto manifest = bundle::makeManifest(file, *version, now, ttlS, int(schema));
    if (!manifest) return std::unexpected(manifest.error());
    auto signedM = bundle::signManifest(*manifest, keys.contentKey);
    if (!signedM) return std::unexpected(signedM.error());
    hubdb::PublishedBundle meta{*version, (*manifest)["size"].get<std::int64_t>(), now,
                                (*manifest)["sha256"].get<std::string>(), bundle::serializeSignedManifest(*signedM)};
    if (auto w = hubdb::storeBundle(db, meta, file); !w) return std::unexpected(w.error());
    return PublishedContent{meta.version, meta.size, meta.sha256, (*manifest)["expires"].get<std::string>()};
}

}  // namespace kiosk::hub
