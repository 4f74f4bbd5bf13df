// The kiosk's durable outbox: every case and rating a visitor submits is
// committed here, in one SQLite transaction (WAL, synchronous=FULL), before
// the visitor sees a receipt. Each record has a client-made UUID (the
// idempotency key the hub deduplicates on) and a per-device sequence number.
// Personal fields are sealed with the device key (sealing.h) and purged when
// the hub acknowledges the record; what is left serves the status lookup.
//
//                 enqueue()
//                    │
//                    ▼
//   ┌──────────► [pending] ──takeBatch()──► [sending]
//   │                                        │  │  │
//   └──── requeue() after a failed send ─────┘  │  │
//                                               │  │
//      acknowledge(): hub stored it             │  └── reject(): hub refused it for good
//      (personal data purged) ◄─────────────────┘          (kept for the technician,
//                 │                                         never blocks the queue)
//                 ▼                                                │
//             [acked]                                         [rejected]
//
// After a crash, records left in `sending` are put back to `pending` by
// open(): the hub's idempotency key makes resending harmless.
#pragma once

#include "base/error.h"
#include "sealing.h"
#include "sqlite/sqlite.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::outbox {

enum class State { Pending, Sending, Acked, Rejected };
const char* stateName(State s);

struct Submission {
    std::string kind;               // "case" | "rating"
    nlohmann::json publicData;      // nothing that identifies a person (kind, service, rating level …)
    nlohmann::json personalData;    // names, mobile, credit code, free text, call-back contact
    std::string mobileLast4;        // for the status lookup; stored only as a keyed hash
};

struct Receipt {
    std::int64_t seq = 0;
    std::string uuid;
    std::string caseNo;             // printed on the receipt
};

struct Record {
    std::int64_t seq = 0;
    std::string uuid, kind, caseNo;
    State state = State::Pending;
    std::int64_t createdMs = 0;     // wall clock, Unix ms
    int attempts = 0;
    std::string lastError;
    nlohmann::json publicData;
    std::optional<nlohmann::json> personalData;  // absent once acknowledged
};

struct Status {
    long pending = 0, sending = 0, acked = 0, rejected = 0;
    std::int64_t oldestPendingAgeMs = 0;  // 0 when nothing is pending
};

class Outbox {
public:
    // Opens DATA_DIR/outbox.db (made on first start) with the device key.
    // `terminalCode` (e.g. "QP01") starts every case number.
    [[nodiscard]] static Result<Outbox> open(const std::string& dataDir, std::string terminalCode);

    // Commits one submission; returns only after the commit is durable.
    // `nowMs` is wall-clock Unix ms (status() compares it with the present).
    [[nodiscard]] Result<Receipt> enqueue(const Submission& s, std::int64_t nowMs, const std::tm& localDate);

    [[nodiscard]] Result<std::vector<Record>> takeBatch(int max);  // pending → sending, oldest first
    [[nodiscard]] Result<void> acknowledge(const std::string& uuid);
    // Several at once: one transaction and one WAL checkpoint (a drained batch).
    [[nodiscard]] Result<void> acknowledge(const std::vector<std::string>& uuids);
    [[nodiscard]] Result<void> reject(const std::string& uuid, const std::string& reason);
    [[nodiscard]] Result<void> requeue(const std::string& uuid, const std::string& error);

    [[nodiscard]] Result<Status> status(std::int64_t nowMs);
    [[nodiscard]] Result<std::vector<Record>> all();
    // Ratings saved for a service instance (public_data.instance), any state.
    [[nodiscard]] Result<int> ratingsFor(const std::string& instance);
    // The record with this case number if the mobile's last four digits match.
    [[nodiscard]] Result<std::optional<Record>> lookup(const std::string& caseNo, const std::string& mobileLast4);

    // Case statuses the hub sent down (id = the hub's event id, the sync cursor).
    struct StatusEvent {
        std::int64_t id = 0;
        std::string caseNo, status;
        std::int64_t at = 0;  // Unix s
    };
    [[nodiscard]] Result<void> recordStatuses(const std::vector<StatusEvent>& events);
    [[nodiscard]] Result<std::int64_t> statusCursor();
    [[nodiscard]] Result<std::vector<StatusEvent>> statusesOf(const std::string& caseNo);

    sql::Database& db() { return m_db; }
    const std::filesystem::path& dataDir() const { return m_dir; }

private:
    Result<Record> read(sql::Statement& st);
    Result<std::vector<Record>> readAll(sql::Statement& st);  // every remaining row

    sql::Database m_db;
    DeviceKey m_key;
    std::string m_terminal;
    std::filesystem::path m_dir;
};


}  // namespace kiosk::outbox
