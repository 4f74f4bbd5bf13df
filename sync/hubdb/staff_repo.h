// The hub console's people and what they did: staff accounts with a role
// (handler 办件, editor 内容, manager 统计, admin 管理), their login
// sessions, and the audit log every change made through the console or the
// staff CLI is written to. Passwords are stored only as slow salted hashes
// (crypto::hashPassword) and session tokens only as their SHA-256, so a copy
// of the database lets nobody log in.
#pragma once

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
};

struct StaffSession {
    std::string username, role, csrf;
    std::int64_t expiresAt = 0;
};

struct AuditEntry {
    std::int64_t id = 0, at = 0;
    std::string actor, action, target, detail;
};

// Refused with InvalidArgument when the name is taken or the role unknown;
// writes the audit entry "staff.add" by `actor` in the same transaction.
[[nodiscard]] Result<void> addStaff(Database& db, const StaffAccount& a, const std::string& actor);
// Disables (ending every session of) or enables an account; audited.
// NotFound when there is no such account.
[[nodiscard]] Result<void> setStaffDisabled(Database& db, const std::string& username, bool disabled, std::int64_t now,
                                            const std::string& actor);
[[nodiscard]] Result<std::optional<StaffAccount>> staffAccount(Database& db, const std::string& username);
[[nodiscard]] Result<std::vector<StaffAccount>> staffAccounts(Database& db);

// Sessions: the token is never stored, only its SHA-256. staffSession
// finds a session that has not expired, of an account not disabled.
[[nodiscard]] Result<void> createStaffSession(Database& db, const std::string& token, const std::string& username,
                                              const std::string& csrf, std::int64_t now, std::int64_t expiresAt);
[[nodiscard]] Result<std::optional<StaffSession>> staffSession(Database& db, const std::string& token, std::int64_t now);
[[nodiscard]] Result<void> endStaffSession(Database& db, const std::string& token);

[[nodiscard]] Result<void> addAudit(Database& db, std::int64_t at, const std::string& actor, const std::string& action,
                                    const std::string& target, const std::string& detail);
// The newest `limit` entries, newest first.
[[nodiscard]] Result<std::vector<AuditEntry>> auditLog(Database& db, int limit);

}  // namespace kiosk::hubdb
