// The staff console's HTTPS listener, apart from the kiosks' one: staff have
// no device certificates, and neither listener answers the other's paths
// (this one serves only /staff/…, the device listener never /staff/…).
//
// API (JSON; docs/HUB-CONSOLE.md):
//   POST /staff/api/login      {"username","password"} → session cookie
//                              (__Host-kiosk_staff: Secure, HttpOnly,
//                              SameSite=Strict) and {"username","role","csrf",
//                              "sites","failed_logins" (since the last sign-in)}
//   POST /staff/api/logout
//   GET  /staff/api/me         {"username","role","csrf","sites","failed_logins"}
//   GET  /staff/api/cases?status=&kind=&site=&service=&overdue=1
//                                    handler, manager, admin
//   GET  /staff/api/cases/NUMBER     handler, admin (audited), manager (masked)
//   POST /staff/api/cases/NUMBER/status {"status","note","department",
//                                    "reason","merge_into"}   handler, admin
//   GET  /staff/api/ratings/bad?open=1         handler, manager, admin
//   GET  /staff/api/ratings/UUID/contact       handler, admin (audited)
//   POST /staff/api/ratings/UUID/follow-up {"action","note"}  handler, admin
//   GET  /staff/api/stats?by=&from=&to=        every role
//   GET  /staff/api/stats.csv?by=&from=&to=    every role
//   GET  /staff/api/devices                    manager, admin
//   POST /staff/api/devices/ID/revoke          admin
//   POST /staff/api/devices/provision {"site","ttl_hours"}  admin
//   GET  /staff/api/content          editor, manager, admin: published
//                                    versions, kiosks' versions, drafts
//   POST /staff/api/content/drafts {"files":[{"name","text"}],"remove":[…],
//                                    "district","level","topic"}  editor, admin
//   GET  /staff/api/content/drafts/ID          editor, manager, admin
//   POST /staff/api/content/drafts/ID  (same body: edit)          editor, admin
//   POST /staff/api/content/drafts/ID/publish {"ttl_days"}       editor, admin
//   GET  /staff/api/audit            admin serving every site
//   GET  /staff/…                    the console's page and assets, from
//                                    `consoleDir` (built by Vite)
// Every request but login needs the session cookie (401 without); every
// POST but login also needs the X-CSRF-Token header of the session (403);
// a role outside the route's list gets 403. An account serves its sites
// (hubdb/site_scope.h): cases, bad ratings, figures, CSV and devices of
// other sites are left out, and asking for one by number answers 404 as if
// it never arrived. Failed logins are limited per (user name, address) with
// a growing delay and per address (LoginLimiter, rate_limit.h): 429 with
// Retry-After, right password or not — but never because of failures from
// another address; the account's owner is told the failures since the last
// sign-in. Every change, every sign-in and every full view of a case's
// personal fields is written to the audit log (hubdb/staff_repo.h).
// Passwords and session tokens never reach a log.
#pragma once

#include "hub_config.h"
#include "hubdb/store.h"
#include "keys.h"
#include "rate_limit.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kiosk::hub {

struct StaffServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;                          // 0: any free port
    std::int64_t sessionS = 8 * 3600;      // a session lasts one working day
    LoginLimiter::Options login;           // failed-login delays (rate_limit.h)
    HubConfig config;                      // case deadlines
    std::string hubUrl;                    // the device listener's URL, put in provisioning files
    std::string consoleDir;                // the built console (index.html, assets/); "" = API only
    std::string dataDir;                   // DATA: content drafts (content_desk.h)
};

class StaffServer {
public:
    StaffServer(StaffServerOptions options, hubdb::HubStore& store, const HubKeys& keys,
                std::function<std::int64_t()> clock);
    ~StaffServer();
    [[nodiscard]] Result<int> bind();
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace kiosk::hub
