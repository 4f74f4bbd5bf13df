// The staff console's API against the real kiosk-hub: `serve --staff-listen`
// on its own loopback port (real TLS, the hub's own certificates), accounts
// made with `kiosk-hub staff add` (password on standard input), and a real
// kiosk whose case reaches the hub and whose status, changed in the console,
// comes back down. The security rules are checked as a browser would meet
// them: no session, wrong role, missing CSRF token, too many failed logins,
// and each listener refusing the other's paths.
#include "harness.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>

using namespace e2e;

namespace {

// One logged-in browser: the session cookie and the CSRF token it was given.
struct Session {
    std::string cookie, csrf, role;
};

std::optional<Session> login(httplib::SSLClient& c, const std::string& user, const std::string& password,
                             int* status = nullptr) {
    auto res = c.Post("/staff/api/login", nlohmann::json{{"username", user}, {"password", password}}.dump(),
                      "application/json");
    if (status) *status = res ? res->status : -1;
    if (!res || res->status != 200) return std::nullopt;
    const std::string set = res->get_header_value("Set-Cookie");
    EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("Secure"), std::string::npos) << set;
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
    const auto body = nlohmann::json::parse(res->body);
    return Session{set.substr(0, set.find(';')), body["csrf"].get<std::string>(), body["role"].get<std::string>()};
}

httplib::Headers with(const Session& s, bool csrf = true) {
    httplib::Headers h{{"Cookie", s.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", s.csrf);
    return h;
}

}  // namespace

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

TEST(StaffConsole, FailedLoginsAreLimitedPerUserAndTheRightPasswordWaitsToo) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    auto c = h.client(h.staffPort);
    int status = 0;
    EXPECT_FALSE(login(*c, "nobody", kPassword, &status));
    EXPECT_EQ(status, 401) << "an unknown name gets the same answer as a wrong password";
    for (int i = 0; i < 4; ++i) {
        EXPECT_FALSE(login(*c, "li", fmt::format("guess {}", i), &status));
        EXPECT_EQ(status, 401);
    }
    // Five failures from this address (one for an unknown name): the sixth
    // try waits, even with the right password.
    auto limited = c->Post("/staff/api/login", nlohmann::json{{"username", "li"}, {"password", kPassword}}.dump(),
                           "application/json");
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->status, 429) << limited->body;
    const int wait = std::atoi(limited->get_header_value("Retry-After").c_str());
    EXPECT_GT(wait, 0);
    EXPECT_LE(wait, 15 * 60);
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
