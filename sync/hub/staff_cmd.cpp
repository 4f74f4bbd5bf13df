// `kiosk-hub staff …` (staff_cmd.h).
#include "staff_cmd.h"

#include "crypto/crypto.h"
#include "hub_cli.h"
#include "hubdb/staff_repo.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <vector>

namespace kiosk::hub {
namespace {

struct Options {
    CLI::App* add = nullptr;
    CLI::App* list = nullptr;
    CLI::App* audit = nullptr;
    CLI::App* disable = nullptr;
    CLI::App* enable = nullptr;
    CLI::App* sites = nullptr;
    std::string user, role;
    std::vector<std::string> siteNames{"*"};
    bool json = false;
    int limit = 50;
};

}  // namespace

std::function<int()> addStaffCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>();
    auto* staff = app.add_subcommand("staff", "Staff accounts of the web console and its audit log");
    staff->require_subcommand(1);
    o->add = staff->add_subcommand("add", "Add a staff account; the password is read from standard input");
    o->add->add_option("--user", o->user, "User name")->required();
    o->add->add_option("--role", o->role, "handler (cases), editor (content), manager (statistics), admin (everything)")
        ->required();
    o->add->add_option("--sites", o->siteNames,
                       "The sites (as kiosks are provisioned: --site of provision-file) whose cases, ratings, figures "
                       "and kiosks this account sees, comma-separated; * = every site")
        ->delimiter(',')
        ->capture_default_str();
    o->sites = staff->add_subcommand("sites", "Change the sites an account serves (its open sessions follow at once)");
    o->sites->add_option("--user", o->user, "User name")->required();
    o->sites->add_option("--sites", o->siteNames, "Sites, comma-separated; * = every site")->delimiter(',')->required();
    o->list = staff->add_subcommand("list", "Staff accounts, their roles and sites");
    o->list->add_flag("--json", o->json, "One JSON object per account, one per line");
    o->disable = staff->add_subcommand("disable", "Disable an account: its sessions end now and it cannot log in");
    o->disable->add_option("--user", o->user, "User name")->required();
    o->enable = staff->add_subcommand("enable", "Let a disabled account log in again");
    o->enable->add_option("--user", o->user, "User name")->required();
    o->audit = staff->add_subcommand("audit", "The newest changes made by staff, newest first");
    o->audit->add_option("--limit", o->limit, "At most this many")->capture_default_str();
    o->audit->add_flag("--json", o->json, "One JSON object per entry, one per line");

    return [o, &dataDir, &dbSpec]() -> int {
        auto db = openHubDatabase(dataDir, dbSpec);
        if (!db) return cliFailure(db.error());
        if (o->add->parsed()) {
            if (!hubdb::isStaffRole(o->role))
                return cliFailure({ErrorCode::InvalidArgument,
                                   fmt::format("--role {}: use handler, editor, manager or admin", o->role)});
            std::string password;
            std::getline(std::cin, password);
            if (!password.empty() && password.back() == '\r') password.pop_back();
            if (password.size() < 10)
                return cliFailure({ErrorCode::InvalidArgument,
                                   "the password (one line on standard input) must have at least 10 characters"});
            const auto sites = hubdb::SiteScope::only(o->siteNames);
            if (!sites.all && sites.sites.empty())
                return cliFailure({ErrorCode::InvalidArgument, "--sites: name at least one site, or * for every site"});
            hubdb::StaffAccount a;
            a.username = o->user;
            a.role = o->role;
            a.passwordHash = crypto::hashPassword(password);
            a.createdAt = unixNow();
            a.sites = sites;
            if (auto r = hubdb::addStaff(**db, a, "cli"); !r) return cliFailure(r.error());
            fmt::print("staff account {} ({}, sites {}) added\n", o->user, o->role, hubdb::describeSiteScope(sites));
            return 0;
        }
        if (o->sites->parsed()) {
            const auto sites = hubdb::SiteScope::only(o->siteNames);
            if (!sites.all && sites.sites.empty())
                return cliFailure({ErrorCode::InvalidArgument, "--sites: name at least one site, or * for every site"});
            if (auto r = hubdb::setStaffSites(**db, o->user, sites, unixNow(), "cli"); !r) return cliFailure(r.error());
            fmt::print("staff account {} serves sites {}\n", o->user, hubdb::describeSiteScope(sites));
            return 0;
        }
        if (o->disable->parsed() || o->enable->parsed()) {
            const bool off = o->disable->parsed();
            if (auto r = hubdb::setStaffDisabled(**db, o->user, off, unixNow(), "cli"); !r) return cliFailure(r.error());
            fmt::print("staff account {} {}\n", o->user, off ? "disabled: its sessions ended" : "enabled");
            return 0;
        }
        if (o->list->parsed()) {
            auto list = hubdb::staffAccounts(**db);
            if (!list) return cliFailure(list.error());
            for (const auto& a : *list) {
                if (o->json)
                    fmt::print("{}\n", nlohmann::json{{"username", a.username},
                                                      {"role", a.role},
                                                      {"created_at", a.createdAt},
                                                      {"disabled", a.disabledAt.has_value()},
                                                      {"sites", a.sites.all ? nlohmann::json("*") : nlohmann::json(a.sites.sites)},
                                                      {"failed_logins", a.failedLogins}}
                                           .dump());
                else
                    fmt::print("{}  {}  sites {}{}{}\n", a.username, a.role, hubdb::describeSiteScope(a.sites),
                               a.failedLogins > 0 ? fmt::format("  {} failed login(s) since the last", a.failedLogins) : "",
                               a.disabledAt ? "  (disabled)" : "");
            }
            return 0;
        }
        auto log = hubdb::auditLog(**db, o->limit);
        if (!log) return cliFailure(log.error());
        for (const auto& e : *log) {
            if (o->json)
                fmt::print("{}\n", nlohmann::json{{"id", e.id}, {"at", e.at}, {"actor", e.actor}, {"action", e.action},
                                                  {"target", e.target}, {"detail", e.detail}}
                                       .dump());
            else
                printLine(fmt::format("{}  {}  {}  {}  {}", e.at, e.actor, e.action, e.target, e.detail));
        }
        return 0;
    };
}

}  // namespace kiosk::hub
