// HubStore over sql.h. Each public method is one transaction; SQL is the
// common subset of SQLite and PostgreSQL (ON CONFLICT … DO NOTHING RETURNING).
#include "store.h"

#include "crypto/crypto.h"

#include <fmt/format.h>

#include <string_view>

namespace kiosk::hubdb {
namespace {

// Schema versions as steps; never edit a shipped step.
constexpr const char* kSteps[kHubSchemaVersion] = {
    R"sql(
CREATE TABLE enrollment_token(token_sha256 TEXT PRIMARY KEY, site TEXT NOT NULL, created_at BIGINT NOT NULL,
                              expires_at BIGINT NOT NULL, used_at BIGINT, device_id TEXT);
CREATE TABLE device(id TEXT PRIMARY KEY, site TEXT NOT NULL, cert_serial TEXT NOT NULL, cert_not_after BIGINT NOT NULL,
                    enrolled_at BIGINT NOT NULL, revoked_at BIGINT, last_seen BIGINT, heartbeat TEXT NOT NULL);
CREATE TABLE record(uuid TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL,
                    number TEXT NOT NULL, payload_sha256 TEXT NOT NULL, public_data TEXT NOT NULL,
                    personal_data TEXT NOT NULL, created_ms BIGINT NOT NULL, received_at BIGINT NOT NULL);
CREATE INDEX record_kind ON record(kind, received_at);
CREATE INDEX record_number ON record(number);
CREATE TABLE case_event(id {{AUTO_ID}}, number TEXT NOT NULL, device_id TEXT NOT NULL, status TEXT NOT NULL,
                        note TEXT NOT NULL, actor TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX case_event_device ON case_event(device_id, id);
CREATE INDEX case_event_number ON case_event(number, id);
)sql",
    // 1 → 2: published content bundles (content_repo.h), and case event ids
    // handed out in commit order (nextEventId()).
    R"sql(
CREATE TABLE content_bundle(version BIGINT PRIMARY KEY, size BIGINT NOT NULL, created_at BIGINT NOT NULL,
                            sha256 TEXT NOT NULL, manifest TEXT NOT NULL);
CREATE TABLE bundle_chunk(version BIGINT NOT NULL, idx BIGINT NOT NULL, data {{BLOB}} NOT NULL,
                          PRIMARY KEY(version, idx));
CREATE TABLE event_counter(name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO event_counter(name, value) SELECT 'case_event', coalesce(max(id), 0) FROM case_event;
)sql",
    // 2 → 3: the centre's follow-up of bad ratings (rating_queries.h): one row
    // per step taken — callback (核实回访), rectified (整改), explained (说明),
    // appealed (申诉复核), feedback (反馈). The rating and the action are checked
    // in C++ (addRatingFollowUp): no CHECK, so a new action needs no SQLite table
    // rebuild; no REFERENCES, which SQLite would not enforce and PostgreSQL would.
    R"sql(
CREATE TABLE rating_follow_up(id {{AUTO_ID}}, rating_uuid TEXT NOT NULL, action TEXT NOT NULL,
                              note TEXT NOT NULL, actor TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX rating_follow_up_rating ON rating_follow_up(rating_uuid, action);
)sql",
    // 3 → 4: published OS update bundles (os_update_repo.h; the bytes are
    // files in DATA/os-updates) and the one offered now — a single row, so
    // that two publishers racing cannot leave two offers.
    R"sql(
CREATE TABLE os_bundle(sha256 TEXT PRIMARY KEY, version TEXT NOT NULL UNIQUE, compatible TEXT NOT NULL,
                       size BIGINT NOT NULL, published_at BIGINT NOT NULL);
CREATE TABLE os_offer(slot TEXT PRIMARY KEY, sha256 TEXT NOT NULL, offered_at BIGINT NOT NULL);
)sql",
    // 4 → 5: the console's staff accounts, login sessions (token hashes
    // only) and the audit log of every change (staff_repo.h).
    R"sql(
CREATE TABLE staff(username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                   created_at BIGINT NOT NULL, disabled_at BIGINT);
CREATE TABLE staff_session(token_sha256 TEXT PRIMARY KEY, username TEXT NOT NULL, csrf TEXT NOT NULL,
                           created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE audit_log(id {{AUTO_ID}}, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                       target TEXT NOT NULL, detail TEXT NOT NULL);
)sql",
    // 5 → 6: hardening after an outside review (docs/PROOF.md, security matrix).
    // A case number belongs to one case: it is unique among cases. Where a
    // kiosk had claimed a number already in use, the claim stays stored as
    // kind 'case-disputed' (nothing is deleted); the case kept is the one whose
    // number starts with its own device's terminal code, else the first one
    // received. A renewed device certificate retires the one before it after
    // a short overlap (prev_cert_*). Staff accounts serve a list of sites
    // ('*' = all) and keep the failed logins since their last login.
    R"sql(
UPDATE record SET kind = 'case-disputed' WHERE kind = 'case' AND EXISTS (
  SELECT 1 FROM record o WHERE o.kind = 'case' AND o.number = record.number AND o.uuid <> record.uuid AND (
    (CASE WHEN substr(o.number, 1, length(o.device_id)) = o.device_id THEN 0 ELSE 1 END) <
    (CASE WHEN substr(record.number, 1, length(record.device_id)) = record.device_id THEN 0 ELSE 1 END)
    OR ((CASE WHEN substr(o.number, 1, length(o.device_id)) = o.device_id THEN 0 ELSE 1 END) =
        (CASE WHEN substr(record.number, 1, length(record.device_id)) = record.device_id THEN 0 ELSE 1 END)
        AND (o.received_at < record.received_at OR (o.received_at = record.received_at AND o.uuid < record.uuid)))));
CREATE UNIQUE INDEX record_case_number ON record(number) WHERE kind = 'case';
ALTER TABLE device ADD COLUMN prev_cert_serial TEXT;
ALTER TABLE device ADD COLUMN prev_cert_until BIGINT;
ALTER TABLE staff ADD COLUMN sites TEXT NOT NULL DEFAULT '*';
ALTER TABLE staff ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN last_failed_at BIGINT;
ALTER TABLE staff ADD COLUMN last_login_at BIGINT;
)sql",
};

// The next case event id. The counter row stays locked until the calling
// transaction commits, so ids become visible in the order they were given
// out: a kiosk that has read up to id N can never later find an id below N
// appear (with a sequence, a slow transaction could commit id 10 after a
// kiosk had already read 11 and moved its cursor past it).
Result<std::int64_t> nextEventId(Connection& c) {
    auto rows = c.query("UPDATE event_counter SET value = value + 1 WHERE name = 'case_event' RETURNING value");
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return fail(ErrorCode::Internal, "the case event counter is missing: is the hub schema migrated?");
    return asInt((*rows)[0][0]);
}

Result<void> insertEvent(Connection& c, const std::string& number, const std::string& deviceId, const std::string& status,
                         const std::string& note, const std::string& actor, std::int64_t at) {
    auto id = nextEventId(c);
    if (!id) return std::unexpected(id.error());
    auto ev = c.query("INSERT INTO case_event(id, number, device_id, status, note, actor, at) VALUES($1, $2, $3, $4, $5, $6, $7)",
                      {*id, number, deviceId, status, note, actor, at});
    if (!ev) return std::unexpected(ev.error());
    return {};
}

Device deviceFrom(const Row& r) {
    Device d;
    d.id = asText(r[0]);
    d.site = asText(r[1]);
    d.certSerial = asText(r[2]);
    d.certNotAfter = asInt(r[3]);
    d.enrolledAt = asInt(r[4]);
    if (r[5]) d.revokedAt = asInt(r[5]);
    if (r[6]) d.lastSeen = asInt(r[6]);
    d.heartbeat = nlohmann::json::parse(asText(r[7]), nullptr, false);
    if (d.heartbeat.is_discarded()) d.heartbeat = nlohmann::json::object();
    if (r[8]) d.prevCertSerial = asText(r[8]);
    if (r[9]) d.prevCertUntil = asInt(r[9]);
    return d;
}
constexpr const char* kDeviceCols =
    "id, site, cert_serial, cert_not_after, enrolled_at, revoked_at, last_seen, heartbeat, prev_cert_serial, prev_cert_until";

CaseEvent eventFrom(const Row& r) {
    return CaseEvent{asInt(r[0]), asText(r[1]), asText(r[2]), asText(r[3]), asText(r[4]), asText(r[5]), asInt(r[6])};
}
constexpr const char* kEventCols = "id, number, device_id, status, note, actor, at";

}  // namespace

std::string payloadHash(const UploadRecord& r) {
    const nlohmann::json canonical = {{"uuid", r.uuid},       {"seq", r.seq},
                                      {"kind", r.kind},       {"number", r.number},
                                      {"created_ms", r.createdMs}, {"public", r.publicData},
                                      {"personal", r.personalData}};
    return crypto::sha256Hex(canonical.dump());
}

Result<void> HubStore::migrate() {
    return transaction(m_db, [&](Connection& c) -> Result<void> {
        if (auto r = c.script("CREATE TABLE IF NOT EXISTS hub_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"); !r)
            return r;
        // Upserting the schema row locks it: hubs starting together migrate one
        // after the other, and the second finds the work done.
        auto v = c.query("INSERT INTO hub_meta(key, value) VALUES('schema', '0') "
                         "ON CONFLICT(key) DO UPDATE SET value = hub_meta.value RETURNING value");
        if (!v) return std::unexpected(v.error());
        const int version = v->empty() ? 0 : int(asInt((*v)[0][0]));
        if (version > kHubSchemaVersion)
            return fail(ErrorCode::Unsupported,
                        fmt::format("the hub database ({}) has schema {}, newer than this kiosk-hub understands ({}); "
                                    "update kiosk-hub first",
                                    m_db.describe(), version, kHubSchemaVersion));
        for (int s = version; s < kHubSchemaVersion; ++s)
            if (auto r = c.script(c.ddl(kSteps[s])); !r) return r;
        if (version == kHubSchemaVersion) return {};
        auto w = c.query("UPDATE hub_meta SET value = $1 WHERE key = 'schema'", {std::to_string(kHubSchemaVersion)});
        if (!w) return std::unexpected(w.error());
        return {};
    });
}

Result<void> HubStore::addToken(const std::string& token, const std::string& site, std::int64_t now,
                                std::int64_t expiresAt) {
    return transaction(m_db, [&](Connection& c) -> Result<void> {
        auto r = c.query("INSERT INTO enrollment_token(token_sha256, site, created_at, expires_at) VALUES($1, $2, $3, $4)",
                         {crypto::sha256Hex(token), site, now, expiresAt});
        if (!r) return std::unexpected(r.error());
        return {};
    });
}

Result<HubStore::Enrolled> HubStore::enroll(
    const std::string& token, std::int64_t now,
    const std::function<Result<std::pair<std::string, std::int64_t>>(const std::string&)>& issueCert) {
    Enrolled out;
    auto r = transaction(m_db, [&](Connection& c) -> Result<void> {
        out = Enrolled{};
        const std::string hash = crypto::sha256Hex(token);
        auto used = c.query(
            "UPDATE enrollment_token SET used_at = $2 WHERE token_sha256 = $1 AND used_at IS NULL AND expires_at > $2 "
            "RETURNING site",
            {hash, now});
        if (!used) return std::unexpected(used.error());
        if (used->empty()) {
            auto why = c.query("SELECT used_at, expires_at FROM enrollment_token WHERE token_sha256 = $1", {hash});
            if (!why) return std::unexpected(why.error());
            out.problem = why->empty()           ? TokenProblem::Unknown
                          : (*why)[0][0].has_value() ? TokenProblem::Used
                                                     : TokenProblem::Expired;
            return {};
        }
        const std::string site = asText((*used)[0][0]);
        // Terminal codes KS0001, KS0002 … start every case number a kiosk
        // makes, so they must never repeat: the primary key guarantees it.
        // Enrollments take turns so that a site rolled out at once does not
        // pick the same next code over and over: SQLite's writers already
        // do (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped advisory
        // lock does, across every hub process, without blocking heartbeats.
        if (std::string_view(c.dialect()) == "postgresql")
            if (auto l = c.query("SELECT pg_advisory_xact_lock(7243001)"); !l) return std::unexpected(l.error());
        auto n = c.query("SELECT count(*) FROM device");
        if (!n) return std::unexpected(n.error());
        const std::string id = fmt::format("KS{:04}", asInt((*n)[0][0]) + 1);
        auto cert = issueCert(id);
        if (!cert) return std::unexpected(cert.error());
        auto ins = c.query(fmt::format("INSERT INTO device({}) VALUES($1, $2, $3, $4, $5, NULL, NULL, '{{}}', NULL, NULL)", kDeviceCols),
                           {id, site, cert->first, cert->second, now});
        if (!ins) return std::unexpected(ins.error());
        auto mark = c.query("UPDATE enrollment_token SET device_id = $2 WHERE token_sha256 = $1", {hash, id});
        if (!mark) return std::unexpected(mark.error());
        out.device = Device{id, site, cert->first, cert->second, now, std::nullopt, std::nullopt, nlohmann::json::object(), "", 0};
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::optional<Device>> HubStore::device(const std::string& id) {
    std::optional<Device> out;
    auto r = m_db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM device WHERE id = $1", kDeviceCols), {id});
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) out = deviceFrom((*rows)[0]);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::vector<Device>> HubStore::devices() {
    std::vector<Device> out;
    auto r = m_db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM device ORDER BY id", kDeviceCols));
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(deviceFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<bool> HubStore::revoke(const std::string& id, std::int64_t now) {
    bool found = false;
    auto r = transaction(m_db, [&](Connection& c) -> Result<void> {
        auto rows = c.query("UPDATE device SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id", {id, now});
        if (!rows) return std::unexpected(rows.error());
        found = !rows->empty();
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return found;
}

Result<void> HubStore::renewed(const std::string& id, const std::string& serial, std::int64_t notAfter,
                               const std::string& replaced, std::int64_t replacedUntil) {
    return transaction(m_db, [&](Connection& c) -> Result<void> {
        auto rows = c.query("UPDATE device SET cert_serial = $2, cert_not_after = $3, prev_cert_serial = $4, "
                            "prev_cert_until = $5 WHERE id = $1",
                            {id, serial, notAfter, replaced, replacedUntil});
        if (!rows) return std::unexpected(rows.error());
        return {};
    });
}

Result<void> HubStore::seen(const std::string& id, std::int64_t now, const nlohmann::json* heartbeat) {
    return m_db.with([&](Connection& c) -> Result<void> {
        auto rows = heartbeat ? c.query("UPDATE device SET last_seen = $2, heartbeat = $3 WHERE id = $1",
                                        {id, now, heartbeat->dump()})
                              : c.query("UPDATE device SET last_seen = $2 WHERE id = $1", {id, now});
        if (!rows) return std::unexpected(rows.error());
        return {};
    });
}

Result<std::vector<RecordAnswer>> HubStore::storeBatch(const std::string& deviceId,
                                                       const std::vector<UploadRecord>& records, std::int64_t now) {
    std::vector<RecordAnswer> answers;
    auto r = transaction(m_db, [&](Connection& c) -> Result<void> {
        answers.clear();
        std::vector<std::string> newCases;
        for (const auto& rec : records) {
            const std::string hash = payloadHash(rec);
            auto ins = c.query(
                "INSERT INTO record(uuid, device_id, seq, kind, number, payload_sha256, public_data, personal_data, "
                "created_ms, received_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                "ON CONFLICT DO NOTHING RETURNING uuid",
                {rec.uuid, deviceId, rec.seq, rec.kind, rec.number, hash, rec.publicData.dump(), rec.personalData.dump(),
                 rec.createdMs, now});
            if (!ins) return std::unexpected(ins.error());
            if (!ins->empty()) {
                if (rec.kind == "case") newCases.push_back(rec.number);
                answers.push_back({rec.uuid, Outcome::Stored, 201, ""});
                continue;
            }
            auto prev = c.query("SELECT payload_sha256, device_id FROM record WHERE uuid = $1", {rec.uuid});
            if (!prev) return std::unexpected(prev.error());
            if (!prev->empty() && asText((*prev)[0][0]) == hash && asText((*prev)[0][1]) == deviceId)
                answers.push_back({rec.uuid, Outcome::Duplicate, 200, "already stored"});
            else if (prev->empty())  // not the key: the case number belongs to another case
                answers.push_back({rec.uuid, Outcome::Conflict, 409,
                                   fmt::format("case number {} is already taken by another case at the hub", rec.number)});
            else
                answers.push_back({rec.uuid, Outcome::Conflict, 409,
                                   "this idempotency key was already used for a different record"});
        }
        // Last, so the event counter is locked only briefly (nextEventId()).
        for (const auto& number : newCases)
            if (auto e = insertEvent(c, number, deviceId, "received", "", "hub", now); !e) return e;
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return answers;
}

Result<long> HubStore::recordCount(const std::string& kind) {
    long n = 0;
    auto r = m_db.with([&](Connection& c) -> Result<void> {
        auto rows = kind.empty() ? c.query("SELECT count(*) FROM record")
                                 : c.query("SELECT count(*) FROM record WHERE kind = $1", {kind});
        if (!rows) return std::unexpected(rows.error());
        n = long(asInt((*rows)[0][0]));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return n;
}

Result<void> HubStore::addCaseEvent(const std::string& number, const std::string& status, const std::string& note,
                                    const std::string& actor, std::int64_t now) {
    return transaction(m_db, [&](Connection& c) -> Result<void> {
        auto dev = c.query("SELECT device_id FROM record WHERE number = $1 AND kind = 'case'", {number});
        if (!dev) return std::unexpected(dev.error());
        if (dev->empty()) return fail(ErrorCode::NotFound, fmt::format("no case {} has reached the hub", number));
        return insertEvent(c, number, asText((*dev)[0][0]), status, note, actor, now);
    });
}

Result<std::vector<CaseEvent>> HubStore::caseEvents(const std::string& number) {
    std::vector<CaseEvent> out;
    auto r = m_db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM case_event WHERE number = $1 ORDER BY id", kEventCols), {number});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(eventFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::vector<CaseEvent>> HubStore::eventsForDevice(const std::string& deviceId, std::int64_t after, int limit) {
    std::vector<CaseEvent> out;
    auto r = m_db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(
            fmt::format("SELECT {} FROM case_event WHERE device_id = $1 AND id > $2 ORDER BY id LIMIT $3", kEventCols),
            {deviceId, after, std::int64_t(limit)});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(eventFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

}  // namespace kiosk::hubdb
