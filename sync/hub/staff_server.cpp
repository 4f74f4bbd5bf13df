// StaffServer: the console's login, sessions, CSRF, role and site checks,
// the login rate limit, and the routes staff use (staff_server.h).
#include "staff_server.h"

#include "base/log.h"
#include "case_desk.h"
#include "content_desk.h"
#include "crypto/crypto.h"
#include "fleet.h"
#include "hubdb/case_queries.h"
#include "hubdb/content_repo.h"
#include "hubdb/rating_queries.h"
#include "hubdb/staff_repo.h"
#include "records/records.h"
#include "rate_limit.h"
#include "rating_desk.h"
#include "request_limits.h"
#include "tls_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace kiosk::hub {
namespace {

auto logger() { return log::channel("staff"); }

constexpr const char* kCookie = "__Host-kiosk_staff";

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void refuse(httplib::Response& res, int status, const std::string& message) { reply(res, status, {{"error", message}}); }

void databaseDown(httplib::Response& res, const Error& e) {
    logger()->error("database: {}", e.message);
    refuse(res, 503, "the hub's database is unavailable; try again later");
}

// The status a refused change gets: 404 unknown, 409 not allowed now, 503 else.
int changeRefusal(const Error& e) {
    return e.code == ErrorCode::NotFound ? 404 : e.code == ErrorCode::InvalidArgument ? 409 : 503;
}

// The JSON object of a POST body, or nullopt with 400 written.
std::optional<nlohmann::json> bodyObject(const httplib::Request& req, httplib::Response& res, const char* expected) {
    auto body = parseBoundedJson(req.body);
    if (!body || !body->is_object()) {
        refuse(res, 400, body ? fmt::format("send a JSON object: {}", expected)
                              : fmt::format("{}; send a JSON object: {}", body.error(), expected));
        return std::nullopt;
    }
    return std::move(*body);
}

// The most body each console endpoint takes (request_limits.h): a login is a
// name and a password, content drafts carry whole files, other changes a
// few fields.
std::size_t staffBodyLimit(std::string_view method, std::string_view path) {
    if (method != "POST") return 4 * kKiB;
    if (path == "/staff/api/login") return 4 * kKiB;
    if (path.starts_with("/staff/api/content/drafts") && !path.ends_with("/publish")) return 16 * kMiB;
    return 64 * kKiB;
}

std::string stringField(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// "*" (every site) or the list of sites.
nlohmann::json sitesJson(const hubdb::SiteScope& s) { return s.all ? nlohmann::json("*") : nlohmann::json(s.sites); }

// Another site's record is answered as one that never arrived, so that a
// site-limited account learns nothing of what other sites hold.
std::string noSuchCase(const std::string& number) { return fmt::format("no case {} has reached the hub", number); }

std::string cookieValue(const httplib::Request& req, const std::string& name) {
    const std::string all = req.get_header_value("Cookie");
    std::size_t pos = 0;
    while (pos < all.size()) {
        while (pos < all.size() && (all[pos] == ' ' || all[pos] == ';')) ++pos;
        const std::size_t end = std::min(all.find(';', pos), all.size());
        const std::string pair = all.substr(pos, end - pos);
        if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 && pair[name.size()] == '=')
            return pair.substr(name.size() + 1);
        pos = end + 1;
    }
    return {};
}

}  // namespace

struct StaffServer::Impl {
    StaffServerOptions opt;
    hubdb::HubStore& store;
    HubKeys keys;
    std::function<std::int64_t()> now;
    std::unique_ptr<TlsListener> server;
    LoginLimiter limiter;
    ContentDesk desk;
    // Compared against when the user name is unknown, so that a wrong name
    // takes as long as a wrong password.
    std::string dummyHash = crypto::hashPassword("not a password");

    Impl(StaffServerOptions o, hubdb::HubStore& s, const HubKeys& k, std::function<std::int64_t()> c)
        : opt(std::move(o)), store(s), keys(k), now(std::move(c)), limiter(opt.login), desk(opt.dataDir) {}

    hubdb::Database& db() { return store.db(); }

    // The session of this request with one of `roles` (empty = any), and the
    // CSRF token for a change; otherwise the refusal is written to `res`.
    std::optional<hubdb::StaffSession> session(const httplib::Request& req, httplib::Response& res,
                                               std::initializer_list<std::string_view> roles, bool change) {
        const std::string token = cookieValue(req, kCookie);
        if (token.empty()) {
            refuse(res, 401, "log in first");
            return std::nullopt;
        }
        auto s = hubdb::staffSession(db(), token, now());
        if (!s) {
            logger()->error("session lookup failed: {}", s.error().message);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return std::nullopt;
        }
        if (!*s) {
            refuse(res, 401, "the session has ended: log in again");
            return std::nullopt;
        }
        if (change) {
            const std::string sent = req.get_header_value("X-CSRF-Token");
            if (sent.size() != (*s)->csrf.size() || CRYPTO_memcmp(sent.data(), (*s)->csrf.data(), sent.size()) != 0) {
                logger()->warn("refused {} {} by {} from {}: missing or wrong CSRF token", req.method, req.path,
                               (*s)->username, req.remote_addr);
                refuse(res, 403, "the request lacks this session's X-CSRF-Token: reload the page");
                return std::nullopt;
            }
        }
        if (roles.size() > 0 && std::find(roles.begin(), roles.end(), (*s)->role) == roles.end()) {
            logger()->warn("refused {} {} to {} (role {})", req.method, req.path, (*s)->username, (*s)->role);
            refuse(res, 403, fmt::format("the role {} may not do this", (*s)->role));
            return std::nullopt;
        }
        return *s;
    }

    bool audit(httplib::Response& res, const std::string& actor, const std::string& action, const std::string& target,
               const std::string& detail) {
        if (auto a = hubdb::addAudit(db(), now(), actor, action, target, detail); !a) {
            logger()->error("audit log write failed: {}", a.error().message);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return false;
        }
        return true;
    }

    void login(const httplib::Request& req, httplib::Response& res) {
        const auto parsed = parseBoundedJson(req.body);
        const nlohmann::json body = parsed ? *parsed : nlohmann::json();
        if (!body.is_object() || !body.contains("username") || !body["username"].is_string() ||
            !body.contains("password") || !body["password"].is_string()) {
            refuse(res, 400, "send {\"username\": …, \"password\": …}");
            return;
        }
        const std::string user = body["username"].get<std::string>();
        const std::string password = body["password"].get<std::string>();
        const std::string& from = req.remote_addr;
        const std::int64_t t = now();
        if (const std::int64_t wait = limiter.waitS(user, from, t); wait > 0) {
            logger()->warn("login for {} from {} refused: too many failed logins (wait {} s)", user, from, wait);
            res.set_header("Retry-After", std::to_string(wait));
            refuse(res, 429, fmt::format("too many failed logins: try again in {} min", (wait + 59) / 60));
            return;
        }
        auto account = hubdb::staffAccount(db(), user);
        if (!account) {
            logger()->error("staff lookup failed: {}", account.error().message);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return;
        }
        const bool known = account->has_value() && !(*account)->disabledAt;
        const bool match = crypto::passwordMatches(password, known ? (*account)->passwordHash : dummyHash);
        if (!known || !match) {
            limiter.failed(user, from, t);
            // Counted for the account's owner, told at the next sign-in.
            if (auto f = hubdb::recordFailedLogin(db(), user, t); !f)
                logger()->error("failed login not counted: {}", f.error().message);
            logger()->warn("failed login for {} from {}", user, from);
            refuse(res, 401, "wrong user name or password");
            return;
        }
        limiter.succeeded(user, from);
        const std::string token = crypto::randomToken(32), csrf = crypto::randomToken(24);
        if (auto s = hubdb::createStaffSession(db(), token, user, csrf, t, t + opt.sessionS); !s) {
            logger()->error("session write failed: {}", s.error().message);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return;
        }
        auto signIn = hubdb::recordLogin(db(), user, t, from);  // the audit entry, with the failures since the last
        if (!signIn) {
            logger()->error("sign-in record failed: {}", signIn.error().message);
            (void)hubdb::endStaffSession(db(), token);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return;
        }
        logger()->info("{} ({}) logged in from {}; {} failed login(s) since the last", user, (*account)->role, from,
                       signIn->failedLogins);
        res.set_header("Set-Cookie", fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}", kCookie,
                                                 token, opt.sessionS));
        reply(res, 200, {{"username", user},
                         {"role", (*account)->role},
                         {"csrf", csrf},
                         {"sites", sitesJson((*account)->sites)},
                         {"failed_logins", signIn->failedLogins},
                         {"last_failed_at", signIn->lastFailedAt ? nlohmann::json(*signIn->lastFailedAt) : nlohmann::json()},
                         {"previous_login_at",
                          signIn->previousLoginAt ? nlohmann::json(*signIn->previousLoginAt) : nlohmann::json()}});
    }

    void ratingRoutes(httplib::Server& s) {
        s.Get("/staff/api/ratings/bad", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"handler", "manager", "admin"}, false);
            if (!who) return;
            auto list = hubdb::listBadRatings(db(), req.get_param_value("open") == "1", who->sites);
            if (!list) return databaseDown(res, list.error());
            nlohmann::json out = nlohmann::json::array();
            const std::int64_t t = now();
            for (const auto& b : *list) out.push_back(badRatingJson(b, false, opt.config, t));
            reply(res, 200, {{"ratings", out}, {"rectify_days", opt.config.rectifyDays}});
        });
        // The call-back contact in full, for the member of staff who calls;
        // each look is in the audit log.
        s.Get(R"(/staff/api/ratings/([A-Za-z0-9-]{1,64})/contact)", [this](const httplib::Request& req,
                                                                           httplib::Response& res) {
            auto who = session(req, res, {"handler", "admin"}, false);
            if (!who) return;
            auto list = hubdb::listBadRatings(db(), false, who->sites);
            if (!list) return databaseDown(res, list.error());
            const std::string uuid = req.matches[1];
            for (const auto& b : *list) {
                if (b.uuid != uuid) continue;
                const auto j = badRatingJson(b, true, opt.config, now());
                if (j["contact"].is_null()) return refuse(res, 404, "the visitor left no contact for a call-back");
                if (!audit(res, who->username, "rating.contact", uuid, "")) return;
                return reply(res, 200, j["contact"]);
            }
            refuse(res, 404, fmt::format("no bad rating {}", uuid));
        });
        s.Post(R"(/staff/api/ratings/([A-Za-z0-9-]{1,64})/follow-up)", [this](const httplib::Request& req,
                                                                              httplib::Response& res) {
            auto who = session(req, res, {"handler", "admin"}, true);
            if (!who) return;
            const auto body = bodyObject(req, res, "{\"action\", \"note\"}");
            if (!body) return;
            const std::string uuid = req.matches[1], action = stringField(*body, "action"), note = stringField(*body, "note");
            if (note.size() > 2000) return refuse(res, 400, "the note is longer than 2000 bytes");
            auto site = hubdb::recordSite(db(), uuid);
            if (!site) return databaseDown(res, site.error());
            if (*site && !who->sites.allows(**site))
                return refuse(res, 404, fmt::format("no rating {} has reached the hub", uuid));
            auto f = hubdb::addRatingFollowUp(db(), uuid, action, note, who->username, now());
            if (!f) return refuse(res, f.error().code == ErrorCode::InvalidArgument ? 400 : changeRefusal(f.error()),
                                  f.error().message);
            if (!audit(res, who->username, "rating.follow-up", uuid, action)) return;
            reply(res, 200, {{"uuid", uuid}, {"action", f->action}, {"id", f->id}});
        });
        // Statistics: the same query and figures as `kiosk-hub ratings stats`.
        auto stats = [this](const httplib::Request& req, httplib::Response& res, bool csv) {
            auto who = session(req, res, {}, false);
            if (!who) return;
            const std::string byName = req.has_param("by") ? req.get_param_value("by") : "service";
            const auto by = hubdb::parseRatingGroup(byName);
            if (!by) return refuse(res, 400, "by must be service, department, kiosk or month");
            const std::string from = req.get_param_value("from"), to = req.get_param_value("to");
            auto range = parseDayRange(from, to);
            if (!range) return refuse(res, 400, range.error().message);
            auto st = hubdb::ratingStats(db(), *by, range->from, range->to, who->sites);
            if (!st) return databaseDown(res, st.error());
            if (!csv) return reply(res, 200, ratingStatsJson(*st, from, to));
            res.status = 200;
            res.set_header("Content-Disposition", fmt::format("attachment; filename=\"ratings-by-{}.csv\"", byName));
            res.set_content("\xEF\xBB\xBF" + ratingStatsCsv(*st), "text/csv; charset=utf-8");  // BOM: spreadsheets read UTF-8
        };
        s.Get("/staff/api/stats", [stats](const httplib::Request& req, httplib::Response& res) { stats(req, res, false); });
        s.Get("/staff/api/stats.csv", [stats](const httplib::Request& req, httplib::Response& res) { stats(req, res, true); });
    }

    void fleetRoutes(httplib::Server& s) {
        s.Get("/staff/api/devices", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"manager", "admin"}, false);
            if (!who) return;
            auto list = store.devices();
            if (!list) return databaseDown(res, list.error());
            auto latest = hubdb::latestBundle(db());
            if (!latest) return databaseDown(res, latest.error());
            nlohmann::json out = nlohmann::json::array();
            const std::int64_t t = now();
            for (const auto& d : *list) {
                if (!who->sites.allows(d.site)) continue;
                auto j = deviceJson(d, t);
                j.erase("heartbeat");
                out.push_back(std::move(j));
            }
            reply(res, 200, {{"devices", out},
                             {"content_version", *latest ? nlohmann::json((*latest)->version) : nlohmann::json(nullptr)},
                             {"stale_after_s", kStaleAfterS}});
        });
        s.Post(R"(/staff/api/devices/(KS[0-9]{1,12})/revoke)", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"admin"}, true);
            if (!who) return;
            const std::string id = req.matches[1];
            auto device = store.device(id);
            if (!device) return databaseDown(res, device.error());
            if (!*device || !who->sites.allows((*device)->site)) return refuse(res, 404, fmt::format("no device {}", id));
            auto r = store.revoke(id, now());
            if (!r) return databaseDown(res, r.error());
            if (!*r) return reply(res, 200, {{"id", id}, {"revoked", true}, {"already", true}});
            if (!audit(res, who->username, "device.revoke", id, "")) return;
            reply(res, 200, {{"id", id}, {"revoked", true}, {"already", false}});
        });
        s.Post("/staff/api/devices/provision", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"admin"}, true);
            if (!who) return;
            const auto body = bodyObject(req, res, "{\"site\", \"ttl_hours\"}");
            if (!body) return;
            const std::string site = stringField(*body, "site");
            if (!site.empty() && !who->sites.allows(site))
                return refuse(res, 403, fmt::format("you serve {}: a kiosk for {} is provisioned by someone who serves it",
                                                    hubdb::describeSiteScope(who->sites), site));
            const auto hours = body->value("ttl_hours", nlohmann::json(24));
            if (!hours.is_number_integer() || hours.get<std::int64_t>() < 1 || hours.get<std::int64_t>() > 720)
                return refuse(res, 400, "ttl_hours must be a whole number of hours, 1–720");
            if (opt.hubUrl.empty()) return refuse(res, 409, "this hub serves no device listener to put in the file");
            auto p = makeProvisionFile(store, keys, site, opt.hubUrl, hours.get<std::int64_t>() * 3600, now());
            if (!p) return refuse(res, p.error().code == ErrorCode::InvalidArgument ? 400 : 503, p.error().message);
            if (!audit(res, who->username, "device.provision", site, fmt::format("valid {} h", hours.get<std::int64_t>())))
                return;
            res.status = 200;
            res.set_header("Content-Disposition", "attachment; filename=\"provision.json\"");
            res.set_content(protocol::toJson(*p).dump(2) + "\n", "application/json; charset=utf-8");
        });
    }

    static std::optional<DraftChange> draftChange(const nlohmann::json& body, httplib::Response& res) {
        DraftChange c;
        c.district = stringField(body, "district");
        c.topic = stringField(body, "topic");
        if (body.contains("level")) c.level = stringField(body, "level");
        const auto files = body.value("files", nlohmann::json::array());
        const auto remove = body.value("remove", nlohmann::json::array());
        if (!files.is_array() || !remove.is_array()) {
            refuse(res, 400, "files is a list of {\"name\", \"text\"} and remove a list of names");
            return std::nullopt;
        }
        for (const auto& f : files) {
            if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("text") || !f["text"].is_string()) {
                refuse(res, 400, "each file is {\"name\": …, \"text\": …}");
                return std::nullopt;
            }
            c.files.push_back({f["name"].get<std::string>(), f["text"].get<std::string>()});
        }
        for (const auto& n : remove)
            if (n.is_string()) c.remove.push_back(n.get<std::string>());
        return c;
    }

    void draftReply(httplib::Response& res, const Result<nlohmann::json>& d) {
        if (d) return reply(res, 200, *d);
        const int code = d.error().code == ErrorCode::InvalidArgument ? 400 : d.error().code == ErrorCode::NotFound ? 404 : 503;
        if (code == 503) logger()->error("content draft: {}", d.error().message);
        refuse(res, code, code == 503 ? "the hub could not store the draft; try again later" : d.error().message);
    }

    void contentRoutes(httplib::Server& s) {
        s.Get("/staff/api/content", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"editor", "manager", "admin"}, false);
            if (!who) return;
            auto bundles = hubdb::recentBundles(db(), 20);
            if (!bundles) return databaseDown(res, bundles.error());
            auto devices = store.devices();
            if (!devices) return databaseDown(res, devices.error());
            auto current = desk.currentFiles();
            auto drafts = desk.drafts();
            if (!current || !drafts) return refuse(res, 503, "the hub cannot read its content folder");
            nlohmann::json published = nlohmann::json::array(), kiosks = nlohmann::json::array();
            for (const auto& b : *bundles)
                published.push_back({{"version", b.version}, {"size", b.size}, {"created_at", b.createdAt}, {"sha256", b.sha256}});
            for (const auto& d : *devices) {
                if (d.revokedAt || !who->sites.allows(d.site)) continue;
                const auto v = d.heartbeat.value("content_version", nlohmann::json(nullptr));
                kiosks.push_back({{"id", d.id}, {"site", d.site}, {"content_version", v},
                                  {"last_seen", d.lastSeen ? nlohmann::json(*d.lastSeen) : nlohmann::json(nullptr)}});
            }
            reply(res, 200, {{"published", published}, {"kiosks", kiosks}, {"current_files", *current}, {"drafts", *drafts}});
        });
        s.Post("/staff/api/content/drafts", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"editor", "admin"}, true);
            if (!who) return;
            const auto body = bodyObject(req, res, "{\"files\": [{\"name\", \"text\"}], \"district\", \"level\", \"topic\"}");
            if (!body) return;
            auto change = draftChange(*body, res);
            if (!change) return;
            auto d = desk.createDraft(*change, who->username, now());
            if (d && !audit(res, who->username, "content.draft", (*d)["id"].get<std::string>(), "new")) return;
            draftReply(res, d);
        });
        s.Get(R"(/staff/api/content/drafts/([A-Za-z0-9_-]{1,64}))", [this](const httplib::Request& req, httplib::Response& res) {
            if (!session(req, res, {"editor", "manager", "admin"}, false)) return;
            draftReply(res, desk.draft(req.matches[1], true));
        });
        s.Post(R"(/staff/api/content/drafts/([A-Za-z0-9_-]{1,64}))", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"editor", "admin"}, true);
            if (!who) return;
            const auto body = bodyObject(req, res, "{\"files\": [{\"name\", \"text\"}], \"remove\": [names]}");
            if (!body) return;
            auto change = draftChange(*body, res);
            if (!change) return;
            auto d = desk.changeDraft(req.matches[1], *change, who->username, now());
            if (d && !audit(res, who->username, "content.draft", req.matches[1], "edited")) return;
            draftReply(res, d);
        });
        s.Post(R"(/staff/api/content/drafts/([A-Za-z0-9_-]{1,64})/publish)", [this](const httplib::Request& req,
                                                                                    httplib::Response& res) {
            auto who = session(req, res, {"editor", "admin"}, true);
            if (!who) return;
            const auto body = bodyObject(req, res, "{\"ttl_days\"}");
            if (!body) return;
            const auto days = body->value("ttl_days", nlohmann::json(30));
            if (!days.is_number_integer() || days.get<std::int64_t>() < 1 || days.get<std::int64_t>() > 365)
                return refuse(res, 400, "ttl_days must be a whole number of days, 1–365");
            const std::string id = req.matches[1];
            auto file = desk.publishable(id);
            if (!file) return refuse(res, file.error().code == ErrorCode::NotFound ? 404 : 409, file.error().message);
            auto published = publishContent(db(), keys, *file, days.get<std::int64_t>() * 86'400, now());
            if (!published) {
                logger()->error("publishing draft {} failed: {}", id, published.error().message);
                return refuse(res, published.error().code == ErrorCode::InvalidArgument ? 409 : 503, published.error().message);
            }
            if (auto a = desk.adopt(id, published->version); !a)
                logger()->error("version {} is published but draft {} could not become current: {}", published->version, id,
                                a.error().message);
            if (!audit(res, who->username, "content.publish", id, fmt::format("version {}", published->version))) return;
            reply(res, 200, {{"version", published->version}, {"size", published->size}, {"sha256", published->sha256},
                             {"expires", published->expires}});
        });
    }

    void routes() {
        auto& s = *server;
        // Before any body is read: its size against the endpoint's limit, and
        // (but for the login) a live session — a body from nobody is never read.
        s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            bool refused = refuseBody(req, res, staffBodyLimit(req.method, req.path));
            const auto length = contentLength(req);
            if (!refused && length && *length > 0 && req.path.starts_with("/staff/api/") && req.path != "/staff/api/login") {
                const std::string token = cookieValue(req, kCookie);
                auto live = token.empty() ? Result<std::optional<hubdb::StaffSession>>(std::nullopt)
                                          : hubdb::staffSession(db(), token, now());
                if (!live || !*live) {
                    refuse(res, live ? 401 : 503, live ? "log in first" : "the hub's database is unavailable; try again later");
                    res.set_header("Connection", "close");
                    refused = true;
                }
            }
            if (!refused) return httplib::Server::HandlerResponse::Unhandled;
            logger()->warn("refused {} {} from {} before its body ({} bytes): {}", req.method, req.path, req.remote_addr,
                           length.value_or(0), res.status);
            return httplib::Server::HandlerResponse::Handled;
        });
        s.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
            res.set_header("Cache-Control", "no-store");
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_header("X-Frame-Options", "DENY");
            res.set_header("Referrer-Policy", "no-referrer");
            res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            res.set_header("Strict-Transport-Security", "max-age=31536000");
        });
        // httplib calls this for every 4xx: keep a route's own answer ("no
        // case … has reached the hub"), word only the 404 of no route.
        s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
            if (res.status == 404 && res.body.empty())
                refuse(res, 404, fmt::format("no such page on the staff console: {}", req.path));
        });
        if (!opt.consoleDir.empty() && !s.set_mount_point("/staff", opt.consoleDir))
            logger()->error("the console's files are not in {}: only the API is served", opt.consoleDir);
        s.Get("/staff", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/staff/"); });
        s.Post("/staff/api/login", [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
        s.Post("/staff/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {}, true);
            if (!who) return;
            if (auto e = hubdb::endStaffSession(db(), cookieValue(req, kCookie)); !e) {
                refuse(res, 503, "the hub's database is unavailable; try again later");
                return;
            }
            if (!audit(res, who->username, "logout", who->username, "")) return;
            res.set_header("Set-Cookie", fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0", kCookie));
            reply(res, 200, {{"ok", true}});
        });
        s.Get("/staff/api/me", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {}, false);
            if (!who) return;
            // failed_logins: wrong passwords for this account since this
            // session signed in (the sign-in's own answer told those before).
            reply(res, 200, {{"username", who->username}, {"role", who->role}, {"csrf", who->csrf},
                             {"sites", sitesJson(who->sites)}, {"failed_logins", who->failedLogins}});
        });
        // The words cases and ratings are made of (records/vocabulary.h), so
        // the console has no copy of its own. Any signed-in role may read it.
        s.Get("/staff/api/vocabulary", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {}, false);
            if (!who) return;
            reply(res, 200, records::vocabularyJson());
        });
        s.Get("/staff/api/cases", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"handler", "manager", "admin"}, false);
            if (!who) return;
            auto list = hubdb::listCases(db(), req.get_param_value("status"), 5000, who->sites);
            if (!list) return databaseDown(res, list.error());
            const std::string kind = req.get_param_value("kind"), site = req.get_param_value("site"),
                              service = req.get_param_value("service");
            const bool overdueOnly = req.get_param_value("overdue") == "1";
            nlohmann::json out = nlohmann::json::array();
            std::set<std::string> kinds, sites, services;
            const std::int64_t t = now();
            for (const auto& c : *list) {
                nlohmann::json j = caseSummaryJson(c, opt.config, t);
                j["site"] = c.site;
                const std::string &k = c.pub.kind, &sv = c.pub.serviceId;
                if (!k.empty()) kinds.insert(k);
                if (!sv.empty()) services.insert(sv);
                if (!c.site.empty()) sites.insert(c.site);
                if ((!kind.empty() && k != kind) || (!site.empty() && c.site != site) || (!service.empty() && sv != service) ||
                    (overdueOnly && !j["overdue"].get<bool>()))
                    continue;
                out.push_back(std::move(j));
            }
            // What the filters can choose from, so the page offers only real values.
            reply(res, 200, {{"cases", out}, {"kinds", kinds}, {"sites", sites}, {"services", services}});
        });
        s.Get(R"(/staff/api/cases/([A-Za-z0-9-]{1,64}))", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"handler", "manager", "admin"}, false);
            if (!who) return;
            const std::string number = req.matches[1];
            auto d = hubdb::showCase(db(), number);
            if (!d) return databaseDown(res, d.error());
            if (!*d || !who->sites.allows((*d)->summary.site))
                return refuse(res, 404, noSuchCase(number));
            // Those who handle cases see the visitor's details in full, and each
            // look is in the audit log; managers see them masked (case_desk.h).
            const bool full = who->role != "manager";
            if (full && !audit(res, who->username, "case.view_personal", number, "")) return;
            reply(res, 200, caseDetailJson(**d, opt.config, now(), full));
        });
        s.Post(R"(/staff/api/cases/([A-Za-z0-9-]{1,64})/status)", [this](const httplib::Request& req,
                                                                          httplib::Response& res) {
            auto who = session(req, res, {"handler", "admin"}, true);
            if (!who) return;
            const auto body = bodyObject(req, res, "{\"status\", \"note\", \"department\", \"reason\", \"merge_into\"}");
            if (!body) return;
            const std::string number = req.matches[1];
            CaseStep step{stringField(*body, "status"), stringField(*body, "note"), stringField(*body, "department"),
                          stringField(*body, "reason"), stringField(*body, "merge_into")};
            if (step.status.empty()) {
                refuse(res, 400, "name the new status");
                return;
            }
            // Another site's case, or a merge into one, is a case that is not there.
            for (const std::string& n : {number, step.mergeInto}) {
                if (n.empty()) continue;
                auto c = hubdb::showCase(db(), n);
                if (!c) return databaseDown(res, c.error());
                if (*c && !who->sites.allows((*c)->summary.site))
                    return refuse(res, 404, noSuchCase(n));
            }
            auto note = caseStepNote(db(), number, step);
            if (!note) {
                refuse(res, note.error().code == ErrorCode::InvalidArgument ? 400 : changeRefusal(note.error()),
                       note.error().message);
                return;
            }
            auto change = changeCaseStatus(store, number, step.status, *note, who->username, now());
            if (!change) {
                refuse(res, changeRefusal(change.error()), change.error().message);
                return;
            }
            if (!audit(res, who->username, "case.status", number, fmt::format("{} → {}", change->from, change->to))) return;
            reply(res, 200, {{"number", number}, {"from", change->from}, {"status", change->to}});
        });
        ratingRoutes(s);
        fleetRoutes(s);
        contentRoutes(s);
        s.Get("/staff/api/audit", [this](const httplib::Request& req, httplib::Response& res) {
            auto who = session(req, res, {"admin"}, false);
            if (!who) return;
            // The log names cases and kiosks of every site.
            if (!who->sites.all)
                return refuse(res, 403, "only an administrator who serves every site reads the audit log");
            auto log = hubdb::auditLog(db(), 500);
            if (!log) {
                refuse(res, 503, "the hub's database is unavailable; try again later");
                return;
            }
            nlohmann::json out = nlohmann::json::array();
            for (const auto& e : *log)
                out.push_back({{"id", e.id}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}, {"target", e.target},
                               {"detail", e.detail}});
            reply(res, 200, {{"entries", out}});
        });
    }
};

StaffServer::StaffServer(StaffServerOptions options, hubdb::HubStore& store, const HubKeys& keys,
                         std::function<std::int64_t()> clock)
    : m(std::make_unique<Impl>(std::move(options), store, keys, std::move(clock))) {}

StaffServer::~StaffServer() = default;

Result<int> StaffServer::bind() {
    auto server = makeTlsServer(m->keys, false, m->opt.config.connections, staffBodyLimit, "staff");
    if (!server) return std::unexpected(server.error());
    m->server = std::move(*server);
    m->server->set_payload_max_length(16 * kMiB);  // content drafts; each endpoint's own limit is staffBodyLimit
    m->routes();
    return bindTo(*m->server, m->opt.host, m->opt.port, "the staff console's address is in use or wrong");
}

void StaffServer::run() { m->server->listen_after_bind(); }

void StaffServer::stop() {
    if (m->server) m->server->stop();
}

}  // namespace kiosk::hub
