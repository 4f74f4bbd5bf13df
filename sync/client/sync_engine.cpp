// SyncEngine (sync_engine.h).
#include "sync_engine.h"

#include "base/log.h"
#include "bundle/install.h"
#include "crypto/crypto.h"
#include "maint/action_log.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

namespace kiosk::sync {
namespace {

auto logger() { return log::channel("sync"); }

std::string refusal(const HttpResponse& res) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string())
        return fmt::format("the hub answered {}: {}", res.status, j["error"].get<std::string>());
    return fmt::format("the hub answered {}", res.status);
}

// Whether the hub answered 200; otherwise what went wrong goes into the
// report (a transport problem or the hub's refusal) and the cycle stops.
bool answered(const std::expected<HttpResponse, TransportError>& res, SyncReport& r) {
    if (!res) {
        r.ok = false;
        r.problem = res.error().problem;
        r.error = res.error().message;
        return false;
    }
    if (res->dateS) r.hubTimeS = res->dateS;
    if (res->status != 200) {
        r.ok = false;
        r.httpStatus = res->status;
        r.retryAfterS = res->retryAfterS;
        r.error = refusal(*res);
        return false;
    }
    return true;
}

constexpr const char* kLastSyncFile = "last-sync.json";

// For `kioskctl status`: at most one small write a minute, to spare the flash.
void noteLastSync(const std::filesystem::path& dataDir) {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (auto last = lastSyncS(dataDir); last && now >= *last && now - *last < 60) return;
    if (auto w = crypto::writeFileAtomic(dataDir / kLastSyncFile, nlohmann::json{{"last_sync", now}}.dump() + "\n", 0644); !w)
        logger()->warn("{}", w.error().message);
}

}  // namespace

std::optional<std::int64_t> lastSyncS(const std::filesystem::path& dataDir) {
    auto text = crypto::readFile(dataDir / kLastSyncFile);
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("last_sync") || !j["last_sync"].is_number_integer())
        return std::nullopt;
    return j["last_sync"].get<std::int64_t>();
}

std::expected<HttpResponse, TransportError> sendHeartbeat(const HubClient& client, const std::filesystem::path& dataDir,
                                                          nlohmann::json body) {
    auto actions = maint::unreportedActions(dataDir);
    if (!actions) logger()->warn("maintenance actions not sent: {}", actions.error().message);
    nlohmann::json list = nlohmann::json::array();
    std::int64_t upTo = 0;
    if (actions) {
        for (const auto& a : *actions) {
            if (list.size() >= maint::kHeartbeatActionsMax) break;
            list.push_back({{"id", a.id}, {"at", a.at}, {"action", a.action}, {"detail", a.detail}});
            upTo = a.id;
        }
    }
    body["maintenance"] = std::move(list);
    auto res = client.post("/v1/heartbeat", body.dump());
    if (res && res->status >= 200 && res->status < 300 && upTo > 0) {
        if (auto m = maint::markReported(dataDir, upTo); !m)
            logger()->warn("maintenance actions sent but not marked (they go again): {}", m.error().message);
    }
    return res;
}

SyncReport SyncEngine::runOnce(int batchSize, int maxBatches) {
    SyncReport r;
    if (upload(r, batchSize, maxBatches) && fetchStatuses(r)) {
        fetchSiteConfig(r);
        if (!m_content.database.empty()) fetchContent(r);
        if (r.ok) fetchOsUpdate(r);
    }
    if (r.hubTimeS && m_content.time) (void)m_content.time->observeAuthenticated(*r.hubTimeS);
    if (r.ok) noteLastSync(m_box.dataDir());
    return r;
}

bool SyncEngine::upload(SyncReport& r, int batchSize, int maxBatches) {
    for (int b = 0; b < maxBatches; ++b) {
        auto batch = m_box.takeBatch(batchSize);
        if (!batch) {
            r.ok = false;
            r.error = "outbox: " + batch.error().message;
            return false;
        }
        if (batch->empty()) return true;
        ++r.batches;
        std::vector<protocol::UploadItem> items;
        items.reserve(batch->size());
        for (const auto& rec : *batch)
            items.push_back({rec.uuid, rec.seq, rec.kind, rec.caseNo, rec.createdMs, rec.publicData,
                             rec.personalData.value_or(nlohmann::json::object())});
        r.sent += int(items.size());
        auto requeueAll = [&](const std::string& why) {
            for (const auto& rec : *batch)
                if (m_box.requeue(rec.uuid, why)) ++r.requeued;
        };
        auto res = m_client.post("/v1/upload", protocol::uploadRequest(items).dump());
        if (!answered(res, r)) {
            requeueAll(r.error);
            return false;
        }
        auto answers = protocol::parseUploadResponse(nlohmann::json::parse(res->body, nullptr, false));
        if (!answers) {
            r.ok = false;
            r.error = "the hub's answer was malformed: " + answers.error().message;
            requeueAll(r.error);
            return false;
        }
        std::map<std::string, const protocol::UploadAnswer*> byUuid;
        for (const auto& a : *answers) byUuid[a.uuid] = &a;
        std::vector<std::string> acked;
        for (const auto& rec : *batch) {
            auto it = byUuid.find(rec.uuid);
            if (it == byUuid.end()) {
                if (m_box.requeue(rec.uuid, "no answer for this record")) ++r.requeued;
                continue;
            }
            const int code = it->second->code;
            if (code == 201 || code == 200) {
                acked.push_back(rec.uuid);
                (code == 201 ? r.stored : r.duplicates)++;
            } else if (code == 409 || code == 422) {
                const std::string why = fmt::format("hub refused ({}): {}", code, it->second->message);
                if (m_box.reject(rec.uuid, why)) ++r.deadLettered;
                logger()->warn("record seq {} dead-lettered: {}", rec.seq, why);
            } else {
                if (m_box.requeue(rec.uuid, fmt::format("hub answered {}", code))) ++r.requeued;
            }
        }
        if (auto a = m_box.acknowledge(acked); !a) {
            // Stored at the hub but not marked here: they go again and come back 200.
            r.ok = false;
            r.error = "outbox: " + a.error().message;
            return false;
        }
    }
    return true;
}

bool SyncEngine::fetchStatuses(SyncReport& r) {
    for (int page = 0; page < 50; ++page) {
        auto cursor = m_box.statusCursor();
        if (!cursor) {
            r.ok = false;
            r.error = "outbox: " + cursor.error().message;
            return false;
        }
        auto res = m_client.get(fmt::format("/v1/updates?after={}", *cursor));
        if (!answered(res, r)) return false;
        auto updates = protocol::parseUpdatesResponse(nlohmann::json::parse(res->body, nullptr, false));
        if (!updates) {
            r.ok = false;
            r.error = "the hub's answer was malformed: " + updates.error().message;
            return false;
        }
        if (updates->empty()) return true;
        std::vector<outbox::Outbox::StatusEvent> events;
        for (const auto& u : *updates) events.push_back({u.id, u.number, u.status, u.at});
        if (auto w = m_box.recordStatuses(events); !w) {
            r.ok = false;
            r.error = "outbox: " + w.error().message;
            return false;
        }
        r.statuses += int(events.size());
    }
    return true;
}

// Site settings from the centre (site name, English name, idle timeout),
// kept in DATA/site-config.json; the app applies them (overrides its config).
void SyncEngine::fetchSiteConfig(SyncReport& r) {
    auto res = m_client.get("/v1/config");
    if (!res || res->status != 200) return;  // older hubs have none; the next cycle tries again
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return;
    const std::string text = j.dump(2) + "\n";
    const auto file = m_box.dataDir() / "site-config.json";
    if (crypto::readFile(file).value_or("") == text) return;
    if (crypto::writeFileAtomic(file, text, 0644)) r.siteConfigChanged = true;
}

void SyncEngine::fetchOsUpdate(SyncReport& r) {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const osupdate::Outcome o = osupdate::fetchOsUpdate(m_client, m_box.dataDir(), m_os, now);
    if (o.hubTimeS) r.hubTimeS = o.hubTimeS;
    if (o.transport) {
        r.ok = false;
        r.problem = o.transport->problem;
        r.error = o.transport->message;
    }
    r.osOffered = o.offered;
    r.osSkipped = o.skipped;
    r.osDownloaded = o.downloaded;
    r.osError = o.error;
}

void SyncEngine::fetchContent(SyncReport& r) {
    auto res = m_client.get("/v1/content/manifest");
    if (!res) {
        r.ok = false;
        r.problem = res.error().problem;
        r.error = res.error().message;
        return;
    }
    if (res->dateS && m_content.time) (void)m_content.time->observeAuthenticated(*res->dateS);
    if (res->status == 404) return;  // nothing published yet
    if (res->status != 200) {
        r.contentError = refusal(*res);
        return;
    }
    auto sm = bundle::parseSignedManifest(res->body);
    if (!sm) {
        r.contentError = "content manifest: " + sm.error().message;
        return;
    }
    auto fields = bundle::verifyManifest(*sm, m_client.config().contentPublicKeyPem);
    if (!fields) {
        r.contentError = "content manifest refused: " + fields.error().message;
        logger()->error("{}", r.contentError);
        return;
    }
    r.contentOffered = fields->version;
    const auto& target = m_content.database;
    auto installed = bundle::readInstalledVersion(target);
    if (!installed) {
        r.contentError = installed.error().message;
        return;
    }
    if (fields->version < *installed) {
        // The hub offers older content than this kiosk has: never go back.
        r.contentError = fmt::format("rollback refused: the hub offers content version {} but version {} is installed",
                                     fields->version, *installed);
        logger()->error("{}", r.contentError);
        return;
    }
    if (fields->version == *installed && !m_content.reinstall) return;
    // Reinstalling the same version: the install checks treat the present
    // copy as one version older, so it may be replaced by the same one.
    const std::int64_t replacing = fields->version == *installed ? *installed - 1 : *installed;
    // Known refusals before spending the download (installBundle checks again).
    if (m_content.time && fields->expiresS <= m_content.time->nowS()) {
        r.contentError = fmt::format("content version {} refused: its manifest has expired (a frozen or replayed "
                                     "bundle); the hub must publish a fresh one",
                                     fields->version);
        logger()->error("{}", r.contentError);
        return;
    }
    // Resume a partial download only if it is of this very bundle.
    const auto staging = bundle::stagingPathFor(target);
    const auto stagingFor = std::filesystem::path(staging.string() + ".sha256");
    auto offset = bundle::stagingOffset(staging).value_or(0);
    if (offset > 0 && crypto::readFile(stagingFor).value_or("") != fields->sha256) offset = 0;
    if (offset >= std::uint64_t(fields->size)) offset = 0;
    if (offset == 0) {
        (void)bundle::discardStaging(staging);
        if (auto w = crypto::writeFileAtomic(stagingFor, fields->sha256, 0644); !w) {
            r.contentError = w.error().message;
            return;
        }
    }
    auto dl = m_client.download(fmt::format("/v1/content/bundle/{}", fields->version), staging, offset,
                                std::uint64_t(fields->size));
    if (!dl && dl.error().problem == TransportProblem::TooLarge) {
        // Not the bundle the signed manifest describes: refused like a bad one.
        r.contentError = fmt::format("content version {} refused: {}", fields->version, dl.error().message);
        logger()->error("{}", r.contentError);
        (void)bundle::discardStaging(staging);
        return;
    }
    if (!dl) {
        r.ok = false;
        r.problem = dl.error().problem;
        r.error = dl.error().message;  // the partial file stays: the next cycle resumes
        return;
    }
    if (dl->status != 200 && dl->status != 206) {
        r.contentError = refusal(*dl);
        return;
    }
    bundle::InstallRequest req;
    req.staging = staging;
    req.signedManifest = *sm;
    req.contentPublicKeyPem = m_client.config().contentPublicKeyPem;
    req.installedVersion = replacing;
    req.trustedNowS = m_content.time ? m_content.time->nowS() : 0;
    req.target = target;
    auto done = bundle::installBundle(req);
    if (!done) {
        r.contentError = "content version " + std::to_string(fields->version) + " refused: " + done.error().message;
        logger()->error("{}", r.contentError);
        if (done.error().code == ErrorCode::InvalidArgument) (void)bundle::discardStaging(staging);
        return;
    }
    std::error_code ec;
    std::filesystem::remove(stagingFor, ec);
    r.contentInstalled = fields->version;
    logger()->info("content version {} installed ({} bytes)", fields->version, fields->size);
}

}  // namespace kiosk::sync
