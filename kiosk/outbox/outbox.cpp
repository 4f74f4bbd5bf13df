// Outbox implementation (state diagram in outbox.h).
#include "outbox.h"

#include "protocol/case_number.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <filesystem>

namespace kiosk::outbox {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS record(
  seq INTEGER PRIMARY KEY,            -- per-device sequence number
  uuid TEXT NOT NULL UNIQUE,          -- idempotency key
  kind TEXT NOT NULL,
  case_no TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  public_data TEXT NOT NULL,          -- JSON without personal data
  sealed BLOB,                        -- AES-256-GCM personal JSON; NULL once acknowledged
  mobile_fp TEXT NOT NULL DEFAULT ''  -- keyed hash of the mobile's last four digits
);
CREATE INDEX IF NOT EXISTS record_state ON record(state, seq);
CREATE TABLE IF NOT EXISTS case_status(
  id INTEGER PRIMARY KEY,             -- the hub's event id (the sync cursor)
  case_no TEXT NOT NULL,
  status TEXT NOT NULL,               -- received, accepted, … (never the staff's notes)
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS case_status_case ON case_status(case_no, id);
CREATE INDEX IF NOT EXISTS record_rating_instance ON record(json_extract(public_data, '$.instance'))
  WHERE kind = 'rating';
)sql";

std::string uuid4() {
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                       b[15]);
}

State stateFrom(const std::string& s) {
    return s == "sending" ? State::Sending : s == "acked" ? State::Acked : s == "rejected" ? State::Rejected : State::Pending;
}

}  // namespace

const char* stateName(State s) {
    switch (s) {
        case State::Pending: return "pending";
        case State::Sending: return "sending";
        case State::Acked: return "acked";
        case State::Rejected: return "rejected";
    }
    return "pending";
}

Result<Outbox> Outbox::open(const std::string& dataDir, std::string terminalCode) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    auto key = DeviceKey::loadOrCreate(dataDir);
    if (!key) return std::unexpected(key.error());
    auto db = sql::Database::open(dataDir + "/outbox.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db) return std::unexpected(db.error());
    // WAL + FULL: a commit is on disk before enqueue() returns. secure_delete
    // overwrites purged personal data instead of leaving it in free pages.
    if (auto r = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;"); !r)
        return std::unexpected(r.error());
    if (auto r = db->exec(kSchema); !r) return std::unexpected(r.error());
    // Whatever was being sent when the kiosk stopped goes again (idempotent at the hub).
    if (auto r = db->exec("UPDATE record SET state = 'pending' WHERE state = 'sending'"); !r)
        return std::unexpected(r.error());
    Outbox o;
    o.m_db = std::move(*db);
    o.m_key = *key;
    o.m_terminal = std::move(terminalCode);
    o.m_dir = dataDir;
    return o;
}

Result<Receipt> Outbox::enqueue(const Submission& s, std::int64_t nowMs, const std::tm& localDate) {
    sql::Transaction tx(m_db);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    auto next = m_db.scalarInt("SELECT coalesce(max(seq), 0) + 1 FROM record");
    if (!next) return std::unexpected(next.error());
    Receipt rc{*next, uuid4(), protocol::makeCaseNumber(m_terminal, localDate, *next)};
    auto sealed = m_key.seal(s.personalData.dump(), rc.uuid);
    if (!sealed) return std::unexpected(sealed.error());
    auto st = m_db.prepare(
        "INSERT INTO record(seq, uuid, kind, case_no, state, created_ms, public_data, sealed, mobile_fp) "
        "VALUES(?, ?, ?, ?, 'pending', ?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    st->bindAll(rc.seq, rc.uuid, s.kind, rc.caseNo, nowMs, s.publicData.dump());
    sqlite3_bind_blob(st->handle(), 7, sealed->data(), int(sealed->size()), SQLITE_TRANSIENT);
    st->bind(8, s.mobileLast4.empty() ? std::string() : m_key.fingerprint(rc.caseNo + ":" + s.mobileLast4));
    if (auto r = st->run(); !r) return std::unexpected(r.error());
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    return rc;
}

Result<Record> Outbox::read(sql::Statement& st) {
    Record r;
    r.seq = st.integer(0);
    r.uuid = st.text(1);
    r.kind = st.text(2);
    r.caseNo = st.text(3);
    r.state = stateFrom(st.text(4));
    r.createdMs = st.integer(5);
    r.attempts = int(st.integer(6));
    r.lastError = st.text(7);
    r.publicData = nlohmann::json::parse(st.text(8), nullptr, false);
    if (!st.isNull(9)) {
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st.handle(), 9));
        std::vector<std::uint8_t> blob(p, p + sqlite3_column_bytes(st.handle(), 9));
        auto plain = m_key.open(blob, r.uuid);
        if (!plain) return std::unexpected(plain.error());
        r.personalData = nlohmann::json::parse(*plain, nullptr, false);
    }
    return r;
}

Result<std::vector<Record>> Outbox::readAll(sql::Statement& st) {
    std::vector<Record> out;
    for (;;) {
        auto row = st.step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return out;
        auto rec = read(st);
        if (!rec) return std::unexpected(rec.error());
        out.push_back(std::move(*rec));
    }
}

namespace {
constexpr const char* kColumns = "seq, uuid, kind, case_no, state, created_ms, attempts, last_error, public_data, sealed";
}

Result<std::vector<Record>> Outbox::takeBatch(int max) {
    sql::Transaction tx(m_db);
    if (auto r = tx.begin(); !r) return std::unexpected(r.error());
    auto st = m_db.prepare(fmt::format("SELECT {} FROM record WHERE state = 'pending' ORDER BY seq LIMIT ?", kColumns));
    if (!st) return std::unexpected(st.error());
    st->bind(1, max);
    auto rows = readAll(*st);
    if (!rows) return std::unexpected(rows.error());
    std::vector<Record> out = std::move(*rows);
    auto up = m_db.prepare("UPDATE record SET state = 'sending', attempts = attempts + 1 WHERE uuid = ?");
    if (!up) return std::unexpected(up.error());
    for (auto& r : out) {
        up->bind(1, r.uuid);
        if (auto x = up->run(); !x) return std::unexpected(x.error());
        r.state = State::Sending;
        ++r.attempts;
    }
    if (auto r = tx.commit(); !r) return std::unexpected(r.error());
    return out;
}

Result<void> Outbox::acknowledge(const std::string& uuid) {
    auto st = m_db.prepare("UPDATE record SET state = 'acked', sealed = NULL, last_error = '' WHERE uuid = ?");
    if (!st) return std::unexpected(st.error());
    st->bind(1, uuid);
    if (auto r = st->run(); !r) return r;
    // Move the overwritten pages out of the WAL into the main file now.
    return m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Result<void> Outbox::acknowledge(const std::vector<std::string>& uuids) {
    if (uuids.empty()) return {};
    {
        sql::Transaction tx(m_db);
        if (auto r = tx.begin(); !r) return r;
        auto st = m_db.prepare("UPDATE record SET state = 'acked', sealed = NULL, last_error = '' WHERE uuid = ?");
        if (!st) return std::unexpected(st.error());
        for (const auto& u : uuids) {
            st->bind(1, u);
            if (auto r = st->run(); !r) return r;
        }
        if (auto r = tx.commit(); !r) return r;
    }
    return m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Result<void> Outbox::recordStatuses(const std::vector<StatusEvent>& events) {
    sql::Transaction tx(m_db);
    if (auto r = tx.begin(); !r) return r;
    auto st = m_db.prepare("INSERT OR IGNORE INTO case_status(id, case_no, status, at) VALUES(?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    for (const auto& e : events) {
        st->bindAll(e.id, e.caseNo, e.status, e.at);
        if (auto r = st->run(); !r) return r;
    }
    return tx.commit();
}

Result<std::int64_t> Outbox::statusCursor() { return m_db.scalarInt("SELECT coalesce(max(id), 0) FROM case_status"); }

Result<std::vector<Outbox::StatusEvent>> Outbox::statusesOf(const std::string& caseNo) {
    auto st = m_db.prepare("SELECT id, case_no, status, at FROM case_status WHERE case_no = ? ORDER BY id");
    if (!st) return std::unexpected(st.error());
    st->bind(1, caseNo);
    std::vector<StatusEvent> out;
    for (;;) {
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back({st->integer(0), st->text(1), st->text(2), st->integer(3)});
    }
    return out;
}

Result<void> Outbox::reject(const std::string& uuid, const std::string& reason) {
    auto st = m_db.prepare("UPDATE record SET state = 'rejected', last_error = ? WHERE uuid = ?");
    if (!st) return std::unexpected(st.error());
    st->bindAll(reason, uuid);
    return st->run();
}

Result<void> Outbox::requeue(const std::string& uuid, const std::string& error) {
    auto st = m_db.prepare("UPDATE record SET state = 'pending', last_error = ? WHERE uuid = ? AND state = 'sending'");
    if (!st) return std::unexpected(st.error());
    st->bindAll(error, uuid);
    return st->run();
}

Result<Status> Outbox::status(std::int64_t nowMs) {
    Status s;
    auto st = m_db.prepare("SELECT state, count(*), min(created_ms) FROM record GROUP BY state");
    if (!st) return std::unexpected(st.error());
    for (;;) {
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const auto n = long(st->integer(1));
        switch (stateFrom(st->text(0))) {
            case State::Pending:
                s.pending = n;
                s.oldestPendingAgeMs = std::max<std::int64_t>(0, nowMs - st->integer(2));
                break;
            case State::Sending: s.sending = n; break;
            case State::Acked: s.acked = n; break;
            case State::Rejected: s.rejected = n; break;
        }
    }
    return s;
}

Result<std::vector<Record>> Outbox::all() {
    auto st = m_db.prepare(fmt::format("SELECT {} FROM record ORDER BY seq", kColumns));
    if (!st) return std::unexpected(st.error());
    return readAll(*st);
}

Result<int> Outbox::ratingsFor(const std::string& instance) {
    auto st = m_db.prepare(
        "SELECT count(*) FROM record WHERE kind = 'rating' AND json_extract(public_data, '$.instance') = ?");
    if (!st) return std::unexpected(st.error());
    st->bindAll(instance);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    return int(st->integer(0));
}

Result<std::optional<Record>> Outbox::lookup(const std::string& caseNo, const std::string& mobileLast4) {
    auto st = m_db.prepare(fmt::format("SELECT {} FROM record WHERE case_no = ? AND mobile_fp = ?", kColumns));
    if (!st) return std::unexpected(st.error());
    st->bindAll(caseNo, m_key.fingerprint(caseNo + ":" + mobileLast4));
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<Record>{};
    auto rec = read(*st);
    if (!rec) return std::unexpected(rec.error());
    return std::optional<Record>(std::move(*rec));
}

}  // namespace kiosk::outbox
