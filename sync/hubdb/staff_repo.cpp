// Staff accounts, sessions and the audit log over sql.h (staff_repo.h).
#include "staff_repo.h"

#include "crypto/crypto.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::hubdb {
namespace {

Result<void> insertAudit(Connection& c, std::int64_t at, const std::string& actor, const std::string& action,
                         const std::string& target, const std::string& detail) {
    auto r = c.query("INSERT INTO audit_log(at, actor, action, target, detail) VALUES($1, $2, $3, $4, $5)",
                     {at, actor, action, target, detail});
    if (!r) return std::unexpected(r.error());
    return {};
}

constexpr const char* kAccountCols =
    "username, role, password_hash, created_at, disabled_at, sites, failed_logins, last_failed_at, last_login_at";

std::optional<std::int64_t> optionalInt(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    return asInt(v);
}

StaffAccount accountFrom(const Row& row) {
    StaffAccount a{asText(row[0]), asText(row[1]), asText(row[2]), asInt(row[3]), optionalInt(row[4]),
                   parseSiteScope(asText(row[5])), asInt(row[6]), optionalInt(row[7]), optionalInt(row[8])};
    return a;
}

std::string plural(std::int64_t n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

}  // namespace

bool isStaffRole(std::string_view role) {
    return std::find(kStaffRoles.begin(), kStaffRoles.end(), role) != kStaffRoles.end();
}

Result<void> addStaff(Database& db, const StaffAccount& a, const std::string& actor) {
    if (!isStaffRole(a.role))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("role '{}' is unknown: use handler, editor, manager or admin", a.role));
    if (a.username.empty() || a.username.size() > 64)
        return fail(ErrorCode::InvalidArgument, "the user name must be 1 to 64 characters");
    bool taken = false;
    auto r = transaction(db, [&](Connection& c) -> Result<void> {
        auto ins = c.query(
            "INSERT INTO staff(username, role, password_hash, created_at, sites) VALUES($1, $2, $3, $4, $5) "
            "ON CONFLICT(username) DO NOTHING RETURNING username",
            {a.username, a.role, a.passwordHash, a.createdAt, storedSiteScope(a.sites)});
        if (!ins) return std::unexpected(ins.error());
        taken = ins->empty();
        if (taken) return {};
        return insertAudit(c, a.createdAt, actor, "staff.add", a.username,
                           fmt::format("role {}, sites {}", a.role, describeSiteScope(a.sites)));
    });
    if (!r) return r;
    if (taken) return fail(ErrorCode::InvalidArgument, fmt::format("a staff account '{}' exists already", a.username));
    return {};
}

Result<void> setStaffDisabled(Database& db, const std::string& username, bool disabled, std::int64_t now,
                              const std::string& actor) {
    bool found = false;
    auto r = transaction(db, [&](Connection& c) -> Result<void> {
        auto up = disabled ? c.query("UPDATE staff SET disabled_at = $1 WHERE username = $2 RETURNING username", {now, username})
                           : c.query("UPDATE staff SET disabled_at = NULL WHERE username = $1 RETURNING username", {username});
        if (!up) return std::unexpected(up.error());
        found = !up->empty();
        if (!found) return {};
        if (disabled)  // signed out everywhere at once
            if (auto del = c.query("DELETE FROM staff_session WHERE username = $1", {username}); !del)
                return std::unexpected(del.error());
        return insertAudit(c, now, actor, disabled ? "staff.disable" : "staff.enable", username, "");
    });
    if (!r) return r;
    if (!found) return fail(ErrorCode::NotFound, fmt::format("no staff account '{}'", username));
    return {};
}

Result<void> setStaffSites(Database& db, const std::string& username, const SiteScope& sites, std::int64_t now,
                           const std::string& actor) {
    bool found = false;
    auto r = transaction(db, [&](Connection& c) -> Result<void> {
        auto up = c.query("UPDATE staff SET sites = $1 WHERE username = $2 RETURNING username",
                          {storedSiteScope(sites), username});
        if (!up) return std::unexpected(up.error());
        found = !up->empty();
        if (!found) return {};
        return insertAudit(c, now, actor, "staff.sites", username, describeSiteScope(sites));
    });
    if (!r) return r;
    if (!found) return fail(ErrorCode::NotFound, fmt::format("no staff account '{}'", username));
    return {};
}

Result<std::optional<StaffAccount>> staffAccount(Database& db, const std::string& username) {
    std::optional<StaffAccount> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM staff WHERE username = $1", kAccountCols), {username});
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) out = accountFrom((*rows)[0]);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::vector<StaffAccount>> staffAccounts(Database& db) {
    std::vector<StaffAccount> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM staff ORDER BY username", kAccountCols));
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(accountFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<void> createStaffSession(Database& db, const std::string& token, const std::string& username,
                                const std::string& csrf, std::int64_t now, std::int64_t expiresAt) {
    return transaction(db, [&](Connection& c) -> Result<void> {
        // Expired sessions go whenever a new one starts.
        if (auto d = c.query("DELETE FROM staff_session WHERE expires_at <= $1", {now}); !d) return std::unexpected(d.error());
        auto ins = c.query(
            "INSERT INTO staff_session(token_sha256, username, csrf, created_at, expires_at) VALUES($1, $2, $3, $4, $5)",
            {crypto::sha256Hex(token), username, csrf, now, expiresAt});
        if (!ins) return std::unexpected(ins.error());
        return {};
    });
}

Result<std::optional<StaffSession>> staffSession(Database& db, const std::string& token, std::int64_t now) {
    std::optional<StaffSession> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(
            "SELECT s.username, a.role, s.csrf, s.expires_at, a.sites, a.failed_logins FROM staff_session s "
            "JOIN staff a ON a.username = s.username WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
            {crypto::sha256Hex(token), now});
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) {
            const auto& row = (*rows)[0];
            out = StaffSession{asText(row[0]), asText(row[1]), asText(row[2]), asInt(row[3]), parseSiteScope(asText(row[4])),
                               asInt(row[5])};
        }
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<void> endStaffSession(Database& db, const std::string& token) {
    return transaction(db, [&](Connection& c) -> Result<void> {
        auto d = c.query("DELETE FROM staff_session WHERE token_sha256 = $1", {crypto::sha256Hex(token)});
        if (!d) return std::unexpected(d.error());
        return {};
    });
}

Result<void> recordFailedLogin(Database& db, const std::string& username, std::int64_t now) {
    return transaction(db, [&](Connection& c) -> Result<void> {
        auto up = c.query("UPDATE staff SET failed_logins = failed_logins + 1, last_failed_at = $1 WHERE username = $2",
                          {now, username});
        if (!up) return std::unexpected(up.error());
        return {};
    });
}

Result<SignIn> recordLogin(Database& db, const std::string& username, std::int64_t now, const std::string& from) {
    SignIn out;
    auto r = transaction(db, [&](Connection& c) -> Result<void> {
        out = {};
        auto row = c.query("SELECT failed_logins, last_failed_at, last_login_at FROM staff WHERE username = $1", {username});
        if (!row) return std::unexpected(row.error());
        if (row->empty()) return fail(ErrorCode::NotFound, fmt::format("no staff account '{}'", username));
        out.failedLogins = asInt((*row)[0][0]);
        out.lastFailedAt = optionalInt((*row)[0][1]);
        out.previousLoginAt = optionalInt((*row)[0][2]);
        // Subtract what was read rather than set 0: a failure counted between
        // the two statements (another hub, another address) is kept.
        auto up = c.query("UPDATE staff SET failed_logins = failed_logins - $1, last_login_at = $2 WHERE username = $3",
                          {out.failedLogins, now, username});
        if (!up) return std::unexpected(up.error());
        return insertAudit(c, now, username, "login", username,
                           fmt::format("from {}; {} since the last sign-in", from,
                                       plural(out.failedLogins, "failed sign-in", "failed sign-ins")));
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<void> addAudit(Database& db, std::int64_t at, const std::string& actor, const std::string& action,
                      const std::string& target, const std::string& detail) {
    return transaction(db, [&](Connection& c) { return insertAudit(c, at, actor, action, target, detail); });
}

Result<std::vector<AuditEntry>> auditLog(Database& db, int limit) {
    std::vector<AuditEntry> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query("SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1",
                            {std::int64_t(limit)});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows)
            out.push_back({asInt(row[0]), asInt(row[1]), asText(row[2]), asText(row[3]), asText(row[4]), asText(row[5])});
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

}  // namespace kiosk::hubdb
