// StaffServer: the console's login, sessions, CSRF and role checks, the
// login rate limit, and the case routes staff use (staff_server.h).
#include "staff_server.h"

#include "base/log.h"
#include "case_desk.h"
#include "crypto/crypto.h"
#include "hubdb/case_queries.h"
#include "hubdb/staff_repo.h"
#include "tls_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>

namespace kiosk::hub {
namespace {

auto logger() { return log::channel("staff"); }

constexpr const char* kCookie = "__Host-kiosk_staff";

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void refuse(httplib::Response& res, int status, const std::string& message) { reply(res, status, {{"error", message}}); }

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

// Failed logins per key ("user:NAME", "addr:IP") within a sliding window.
class LoginLimiter {
public:
    LoginLimiter(int limit, std::int64_t windowS) : m_limit(limit), m_window(windowS) {}
    // Seconds to wait before another try, 0 = go ahead.
    std::int64_t waitS(const std::vector<std::string>& keys, std::int64_t now) {
        std::lock_guard lock(m_mutex);
        std::int64_t wait = 0;
        for (const auto& k : keys) {
            auto& q = prune(k, now);
            if (int(q.size()) >= m_limit) wait = std::max(wait, q.front() + m_window - now);
        }
        return wait;
    }
    void failed(const std::vector<std::string>& keys, std::int64_t now) {
        std::lock_guard lock(m_mutex);
        for (const auto& k : keys) prune(k, now).push_back(now);
    }
    void succeeded(const std::string& key) {
        std::lock_guard lock(m_mutex);
        m_failures.erase(key);
    }

private:
    std::deque<std::int64_t>& prune(const std::string& k, std::int64_t now) {
        auto& q = m_failures[k];
        while (!q.empty() && q.front() + m_window <= now) q.pop_front();
        return q;
    }
    std::mutex m_mutex;
    int m_limit;
    std::int64_t m_window;
    std::map<std::string, std::deque<std::int64_t>> m_failures;
};

}  // namespace

struct StaffServer::Impl {
    StaffServerOptions opt;
    hubdb::HubStore& store;
    HubKeys keys;
    std::function<std::int64_t()> now;
    std::unique_ptr<httplib::SSLServer> server;
    LoginLimiter limiter;
    // Compared against when the user name is unknown, so that a wrong name
    // takes as long as a wrong password.
    std::string dummyHash = crypto::hashPassword("not a password");

    Impl(StaffServerOptions o, hubdb::HubStore& s, const HubKeys& k, std::function<std::int64_t()> c)
        : opt(std::move(o)), store(s), keys(k), now(std::move(c)), limiter(opt.loginFailures, opt.loginWindowS) {}

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
        const auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object() || !body.contains("username") || !body["username"].is_string() ||
            !body.contains("password") || !body["password"].is_string()) {
            refuse(res, 400, "send {\"username\": …, \"password\": …}");
            return;
        }
        const std::string user = body["username"].get<std::string>();
        const std::string password = body["password"].get<std::string>();
        const std::vector<std::string> limitKeys{"user:" + user, "addr:" + req.remote_addr};
        const std::int64_t t = now();
        if (const std::int64_t wait = limiter.waitS(limitKeys, t); wait > 0) {
            logger()->warn("login for {} from {} refused: too many failed logins (wait {} s)", user, req.remote_addr, wait);
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
            limiter.failed(limitKeys, t);
            logger()->warn("failed login for {} from {}", user, req.remote_addr);
            refuse(res, 401, "wrong user name or password");
            return;
        }
        limiter.succeeded(limitKeys[0]);
        const std::string token = crypto::randomToken(32), csrf = crypto::randomToken(24);
        if (auto s = hubdb::createStaffSession(db(), token, user, csrf, t, t + opt.sessionS); !s) {
            logger()->error("session write failed: {}", s.error().message);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return;
        }
        if (!audit(res, user, "login", user, req.remote_addr)) return;
        logger()->info("{} ({}) logged in from {}", user, (*account)->role, req.remote_addr);
        res.set_header("Set-Cookie", fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}", kCookie,
                                                 token, opt.sessionS));
        reply(res, 200, {{"username", user}, {"role", (*account)->role}, {"csrf", csrf}});
    }

    void routes() {
        auto& s = *server;
        s.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
            res.set_header("Cache-Control", "no-store");
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_header("X-Frame-Options", "DENY");
            res.set_header("Referrer-Policy", "no-referrer");
            res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            res.set_header("Strict-Transport-Security", "max-age=31536000");
        });
        s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
            if (res.status == 404) refuse(res, 404, fmt::format("no such page on the staff console: {}", req.path));
        });
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
            reply(res, 200, {{"username", who->username}, {"role", who->role}, {"csrf", who->csrf}});
        });
        s.Get("/staff/api/cases", [this](const httplib::Request& req, httplib::Response& res) {
            if (!session(req, res, {"handler", "manager", "admin"}, false)) return;
            auto list = hubdb::listCases(db(), req.get_param_value("status"), 500);
            if (!list) {
                refuse(res, 503, "the hub's database is unavailable; try again later");
                return;
            }
            nlohmann::json out = nlohmann::json::array();
            const std::int64_t t = now();
            for (const auto& c : *list) out.push_back(caseSummaryJson(c, opt.config, t));
            reply(res, 200, {{"cases", out}});
        });
        s.Get(R"(/staff/api/cases/([A-Za-z0-9-]{1,64}))", [this](const httplib::Request& req, httplib::Response& res) {
            if (!session(req, res, {"handler", "manager", "admin"}, false)) return;
            auto d = hubdb::showCase(db(), req.matches[1]);
            if (!d) {
                refuse(res, 503, "the hub's database is unavailable; try again later");
                return;
            }
            if (!*d) {
                refuse(res, 404, fmt::format("no case {} has reached the hub", std::string(req.matches[1])));
                return;
            }
            reply(res, 200, caseDetailJson(**d, opt.config, now()));
        });
        s.Post(R"(/staff/api/cases/([A-Za-z0-9-]{1,64})/status)", [this](const httplib::Request& req,
                                                                          httplib::Response& res) {
            auto who = session(req, res, {"handler", "admin"}, true);
            if (!who) return;
            const auto body = nlohmann::json::parse(req.body, nullptr, false);
            if (body.is_discarded() || !body.is_object() || !body.contains("status") || !body["status"].is_string()) {
                refuse(res, 400, "send {\"status\": …, \"note\": …}");
                return;
            }
            const std::string number = req.matches[1];
            const std::string note = body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
            if (note.size() > 2000) {
                refuse(res, 400, "the note is longer than 2000 bytes");
                return;
            }
            auto change = changeCaseStatus(store, number, body["status"].get<std::string>(), note, who->username, now());
            if (!change) {
                const int code = change.error().code == ErrorCode::NotFound          ? 404
                                 : change.error().code == ErrorCode::InvalidArgument ? 409
                                                                                     : 503;
                refuse(res, code, change.error().message);
                return;
            }
            if (!audit(res, who->username, "case.status", number, fmt::format("{} → {}", change->from, change->to))) return;
            reply(res, 200, {{"number", number}, {"from", change->from}, {"status", change->to}});
        });
        s.Get("/staff/api/audit", [this](const httplib::Request& req, httplib::Response& res) {
            if (!session(req, res, {"admin"}, false)) return;
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
    auto server = makeTlsServer(m->keys, false);
    if (!server) return std::unexpected(server.error());
    m->server = std::move(*server);
    m->server->set_payload_max_length(1 << 20);
    m->routes();
    return bindTo(*m->server, m->opt.host, m->opt.port, "the staff console's address is in use or wrong");
}

void StaffServer::run() { m->server->listen_after_bind(); }

void StaffServer::stop() {
    if (m->server) m->server->stop();
}

}  // namespace kiosk::hub
