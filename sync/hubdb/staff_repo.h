// The hub console's people and what they did: staff accounts with a role
// (handler 办件, editor 内容, manager 统计, admin 管理) and the sites each
// serves (site_scope.h), their login sessions, the failed sign-ins since each
// account's last sign-in (told to its owner at the next one), and the audit
// log every change made through the console or the staff CLI is written to. Passwords are stored only as slow salted hashes
// (crypto::hashPassword) and session tokens only as their SHA-256, so a copy
// of the database lets nobody log in.
#pragma once

#include "site_scope.h"
#include "sql.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::hubdb {

inline constexpr std::array<std::string_view, 4> kStaffRoles = {"handler", "editor", "manager", "admin"};
bool isStaffRole(std::string_view role);

struct StaffAccount {
    std::string username, role, passwordHash;
    std::int64_t createdAt = 0;
    std::optional<std::int64_t> disabledAt;
    SiteScope sites;                              // default: every site
    std::int64_t failedLogins = 0;                // wrong passwords since the last sign-in
    std::optional<std::int64_t> lastFailedAt, lastLoginAt;
};

struct StaffSession {
    std::string username, role, csrf;
    std::int64_t expiresAt = 0;
    SiteScope sites;
    std::int64_t failedLogins = 0;  // wrong passwords for this account since this session's sign-in
};

// What a successful sign-in learns about the ones that failed before it.
struct SignIn {
    std::int64_t failedLogins = 0;            // since the account's previous sign-in
    std::optional<std::int64_t> lastFailedAt;  // the latest of them
    std::optional<std::int64_t> previousLoginAt;
};

struct AuditEntry {
    std::int64_t id = 0, at = 0;
    std::string actor, action, target, detail;
};

// Refused with InvalidArgument when the name is taken or the role unknown;
// writes the audit entry "staff.add" (role and sites) by `actor` in the same
// transaction.
[[nodiscard]] Result<void> addStaff(Database& db, const StaffAccount& a, const std::string& actor);
// Disables (ending every session of) or enables an account; audited.
// NotFound when there is no such account.
[[nodiscard]] Result<void> setStaffDisabled(Database& db, const std::string& username, bool disabled, std::int64_t now,
                                            const std::string& actor);
// Sets the sites an account serves; audited ("staff.sites"). NotFound when
// there is no such account. Open sessions follow at their next request.
[[nodiscard]] Result<void> setStaffSites(Database& db, const std::string& username, const SiteScope& sites,
                                         std::int64_t now, const std::string& actor);
[[nodiscard]] Result<std::optional<StaffAccount>> staffAccount(Database& db, const std::string& username);
[[nodiscard]] Result<std::vector<StaffAccount>> staffAccounts(Database& db);

// Sessions: the token is never stored, only its SHA-256. staffSession
// finds a session that has not expired, of an account not disabled.
[[nodiscard]] Result<void> createStaffSession(Database& db, const std::string& token, const std::string& username,
                                              const std::string& csrf, std::int64_t now, std::int64_t expiresAt);
[[nodiscard]] Result<std::optional<StaffSession>> staffSession(Database& db, const std::string& token, std::int64_t now);
[[nodiscard]] Result<void> endStaffSession(Database& db, const std::string& token);

// A wrong password for `username`: counted in its row (kept across hub
// restarts) until its owner next signs in. Nothing happens for a name with
// no account, in the same one statement, so both take the same time.
[[nodiscard]] Result<void> recordFailedLogin(Database& db, const std::string& username, std::int64_t now);
// A sign-in: takes the failures counted since the previous one (a failure
// racing this sign-in stays counted for the next), stamps last_login_at and
// writes the audit entry "login" with `from` (the address) and that count,
// in one transaction.
[[nodiscard]] Result<SignIn> recordLogin(Database& db, const std::string& username, std::int64_t now,
                                         const std::string& from);

[[nodiscard]] Result<void> addAudit(Database& db, std::int64_t at, const std::string& actor, const std::string& action,
                                    const std::string& target, const std::string& detail);
// The newest `limit` entries, newest first.
[[nodiscard]] Result<std::vector<AuditEntry>> auditLog(Database& db, int limit);

}  // namespace kiosk::hubdb
