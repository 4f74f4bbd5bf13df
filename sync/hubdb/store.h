// The hub's records, written once over sql.h so that SQLite and PostgreSQL
// behave the same: enrollment tokens, devices, uploaded outbox records
// (exactly once: the idempotency key is the primary key, a replay gets the
// same answer, the same key with another payload is a conflict, and so is a
// second case with a number already taken — a case's first "received" event
// is written only when the case itself is new, so an upload never moves a
// case's status back), case status
// events (the staff's life cycle, sent down to the kiosk that took the case)
// and heartbeats. Every method is one transaction.
#pragma once

#include "protocol/protocol.h"
#include "sql.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::hubdb {

inline constexpr int kHubSchemaVersion = 6;

// One uploaded outbox record: the protocol's item, stored as received.
using UploadRecord = protocol::UploadItem;
// The SHA-256 the hub compares replays by (canonical JSON of every field).
std::string payloadHash(const UploadRecord& r);

enum class Outcome { Stored, Duplicate, Conflict };
struct RecordAnswer {
    std::string uuid;
    Outcome outcome = Outcome::Stored;
    int code = 201;            // 201 stored, 200 duplicate (same answer as before), 409 conflict
    std::string message;
};

struct Device {
    std::string id, site, certSerial;
    std::int64_t certNotAfter = 0, enrolledAt = 0;
    std::optional<std::int64_t> revokedAt, lastSeen;
    nlohmann::json heartbeat = nlohmann::json::object();
    // The certificate a renewal replaced, still accepted until prevCertUntil
    // (Unix s) so that requests in flight during the swap are not refused.
    std::string prevCertSerial;
    std::int64_t prevCertUntil = 0;
};

struct CaseEvent {
    std::int64_t id = 0;
    std::string number, deviceId, status, note, actor;
    std::int64_t at = 0;
};

enum class TokenProblem { None, Unknown, Used, Expired };

class HubStore {
public:
    explicit HubStore(Database& db) : m_db(db) {}

    [[nodiscard]] Result<void> migrate();

    // Enrollment: the token itself is never stored, only its SHA-256.
    [[nodiscard]] Result<void> addToken(const std::string& token, const std::string& site, std::int64_t now,
                                        std::int64_t expiresAt);
    // Marks the token used by a new device and records the device, in one
    // transaction. On a refused token, `problem` says why and nothing changes.
    struct Enrolled {
        TokenProblem problem = TokenProblem::None;
        Device device;
    };
    [[nodiscard]] Result<Enrolled> enroll(const std::string& token, std::int64_t now,
                                          const std::function<Result<std::pair<std::string, std::int64_t>>(
                                              const std::string& deviceId)>& issueCert);
    [[nodiscard]] Result<std::optional<Device>> device(const std::string& id);
    [[nodiscard]] Result<std::vector<Device>> devices();
    [[nodiscard]] Result<bool> revoke(const std::string& id, std::int64_t now);
    // The certificate `serial` replaces `replaced` (the one the renewal came
    // with), which is accepted until `replacedUntil` and never after.
    [[nodiscard]] Result<void> renewed(const std::string& id, const std::string& serial, std::int64_t notAfter,
                                       const std::string& replaced, std::int64_t replacedUntil);
    [[nodiscard]] Result<void> seen(const std::string& id, std::int64_t now, const nlohmann::json* heartbeat);

    // One batch, one transaction; an answer per record, in order.
    [[nodiscard]] Result<std::vector<RecordAnswer>> storeBatch(const std::string& deviceId,
                                                               const std::vector<UploadRecord>& records,
                                                               std::int64_t now);
    [[nodiscard]] Result<long> recordCount(const std::string& kind = "");

    // Case life cycle: events in order; the latest is the current status.
    [[nodiscard]] Result<void> addCaseEvent(const std::string& number, const std::string& status,
                                            const std::string& note, const std::string& actor, std::int64_t now);
    [[nodiscard]] Result<std::vector<CaseEvent>> caseEvents(const std::string& number);
    // Events of cases taken by `deviceId` after event id `after` (the kiosk's cursor).
    [[nodiscard]] Result<std::vector<CaseEvent>> eventsForDevice(const std::string& deviceId, std::int64_t after,
                                                                 int limit);

    Database& db() { return m_db; }

private:
    Database& m_db;
};

}  // namespace kiosk::hubdb
