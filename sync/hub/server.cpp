// HubServer: routes, device authentication, request metrics and the one
// ranged-download path for content and OS bundles (serveBytes).
#include "server.h"

#include "rate_limit.h"
#include "request_limits.h"
#include "tls_server.h"

#include "base/log.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "hubdb/content_repo.h"
#include "hubdb/os_update_repo.h"
#include "protocol/case_number.h"
#include "records/records.h"
#include "protocol/protocol.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace kiosk::hub {
namespace {

auto logger() { return log::channel("hub"); }

// A certificate's serial as crypto::inspectCert writes it (upper-case hex),
// the form the device table keeps.
std::string serialHex(X509* cert) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
    if (!bn) return {};
    char* hex = BN_bn2hex(bn);
    std::string out = hex ? hex : "";
    OPENSSL_free(hex);
    BN_free(bn);
    return out;
}

std::string httpDate(std::int64_t t) {
    std::tm tm{};
    const std::time_t tt = std::time_t(t);
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void refuse(httplib::Response& res, int status, const std::string& message) {
    reply(res, status, {{"error", message}});
}

// The most body each device endpoint takes (request_limits.h): enrollment
// and renewal carry a token and a CSR, a heartbeat a status object, an
// upload at most a full batch. Anything else takes no real body.
std::size_t deviceBodyLimit(std::string_view method, std::string_view path) {
    if (method != "POST") return 4 * kKiB;
    if (path == "/v1/enroll" || path == "/v1/renew") return 8 * kKiB;
    if (path == "/v1/heartbeat") return 256 * kKiB;
    if (path == "/v1/upload") return protocol::kMaxBatch * protocol::kMaxRecordBytes;
    return 4 * kKiB;
}

// Why the request's client certificate does not identify a device, or
// nullopt when it is present and verified against the device CA.
std::optional<std::string> certificateProblem(const httplib::Request& req, std::string* cn = nullptr,
                                              std::string* serial = nullptr) {
    X509* peer = req.ssl ? SSL_get1_peer_certificate(req.ssl) : nullptr;
    if (!peer) return std::string("a device certificate is required: enroll this kiosk with kioskctl provision");
    const long verify = SSL_get_verify_result(req.ssl);
    char name[128] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
    if (serial) *serial = serialHex(peer);
    X509_free(peer);
    if (cn) *cn = name;
    if (verify != X509_V_OK)
        return fmt::format("the device certificate is not valid: {}", X509_verify_cert_error_string(verify));
    return std::nullopt;
}

// Bytes [offset, offset + length) of something served; fewer (or an error)
// ends the answer early, which the kiosk sees as a cut download and resumes.
using ByteReader = std::function<Result<std::string>(std::int64_t offset, std::int64_t length)>;

// Serves `size` bytes from `read`, at most kBundleChunk per call. httplib
// answers a "Range: bytes=K-" request from the provider with 206 and only
// those bytes: the one path for every resumable download (content and OS
// bundles).
void serveBytes(httplib::Response& res, std::int64_t size, ByteReader read) {
    res.set_content_provider(
        std::size_t(size), "application/octet-stream",
        [read = std::move(read)](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
            auto bytes = read(std::int64_t(offset), std::int64_t(std::min<std::size_t>(length, hubdb::kBundleChunk)));
            if (!bytes || bytes->empty()) return false;
            return sink.write(bytes->data(), bytes->size());
        });
}

// An open file that a response reads from on httplib's threads (pread needs
// no shared offset); closed when the last copy of the provider goes.
struct SharedFd {
    int fd = -1;
    explicit SharedFd(int f) : fd(f) {}
    SharedFd(const SharedFd&) = delete;
    SharedFd& operator=(const SharedFd&) = delete;
    ~SharedFd() {
        if (fd >= 0) ::close(fd);
    }
};

struct Metrics {
    std::mutex mutex;
    std::map<std::pair<std::string, int>, long> requests;  // (route, status) → count
    std::map<std::string, double> latencyMsSum;
    std::atomic<long> recordsStored{0}, recordsDuplicate{0}, recordsConflict{0}, recordsRefused{0}, enrollments{0},
        rateLimited{0};

    std::string text() {
        std::lock_guard lock(mutex);
        std::string out = "# TYPE kiosk_hub_requests_total counter\n";
        for (const auto& [k, n] : requests)
            out += fmt::format("kiosk_hub_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", k.first, k.second, n);
        out += "# TYPE kiosk_hub_request_ms_sum counter\n";
        for (const auto& [route, ms] : latencyMsSum)
            out += fmt::format("kiosk_hub_request_ms_sum{{route=\"{}\"}} {:.3f}\n", route, ms);
        out += fmt::format("kiosk_hub_records_total{{outcome=\"stored\"}} {}\n", recordsStored.load());
        out += fmt::format("kiosk_hub_records_total{{outcome=\"duplicate\"}} {}\n", recordsDuplicate.load());
        out += fmt::format("kiosk_hub_records_total{{outcome=\"conflict\"}} {}\n", recordsConflict.load());
        out += fmt::format("kiosk_hub_records_total{{outcome=\"refused\"}} {}\n", recordsRefused.load());
        out += fmt::format("kiosk_hub_enrollments_total {}\n", enrollments.load());
        out += fmt::format("kiosk_hub_rate_limited_total {}\n", rateLimited.load());
        return out;
    }
};

}  // namespace

struct HubServer::Impl {
    ServerOptions opt;
    hubdb::HubStore& store;
    HubKeys keys;
    std::function<std::int64_t()> now;
    std::unique_ptr<TlsListener> server;
    Metrics metrics;
    DeviceRateLimiter limiter;

    Impl(ServerOptions o, hubdb::HubStore& s, const HubKeys& k, std::function<std::int64_t()> c)
        : opt(std::move(o)), store(s), keys(k), now(std::move(c)),
          limiter(opt.config.deviceRequestsPerMinute, opt.config.deviceBurst) {}

    // The device behind this request, or an answer already written to `res`.
    // Only the certificate the hub issued last is accepted (and, for the
    // overlap after a renewal, the one it replaced); `serialOut` gets the
    // serial presented. `limited`: counts against the device's request budget.
    std::optional<hubdb::Device> authenticate(const httplib::Request& req, httplib::Response& res,
                                              std::string* serialOut = nullptr, bool limited = true) {
        const std::string from = req.remote_addr;
        std::string cn, serial;
        if (auto problem = certificateProblem(req, &cn, &serial)) {
            if (cn.empty())
                logger()->warn("refused {} {} from {}: no client certificate (a device must enroll first)", req.method,
                               req.path, from);
            else
                logger()->warn("refused {} {} from {} (certificate CN {}): {}", req.method, req.path, from, cn, *problem);
            refuse(res, 401, *problem);
            return std::nullopt;
        }
        auto d = store.device(cn);
        if (!d) {
            logger()->error("device lookup failed: {}", d.error().message);
            refuse(res, 503, "the hub's database is unavailable; try again later");
            return std::nullopt;
        }
        if (!d->has_value()) {
            logger()->warn("refused {} {} from {}: device {} is not enrolled here", req.method, req.path, from, cn);
            refuse(res, 403, fmt::format("device {} is not known to this hub", cn));
            return std::nullopt;
        }
        if ((*d)->revokedAt) {
            logger()->warn("refused {} {} from {}: device {} was revoked", req.method, req.path, from, cn);
            refuse(res, 403, fmt::format("device {} has been revoked; a technician must provision it again", cn));
            return std::nullopt;
        }
        const bool current = serial == (*d)->certSerial;
        const bool overlap = !current && !(*d)->prevCertSerial.empty() && serial == (*d)->prevCertSerial &&
                             now() < (*d)->prevCertUntil;
        if (!current && !overlap) {
            logger()->warn("refused {} {} from {}: device {} sent certificate serial {}, not its current one {}", req.method,
                           req.path, from, cn, serial, (*d)->certSerial);
            refuse(res, 401, fmt::format("this certificate of device {} has been replaced by a renewed one; the kiosk "
                                         "must use its newest certificate, or a technician must provision it again",
                                         cn));
            return std::nullopt;
        }
        if (serialOut) *serialOut = serial;
        if (!limited) return **d;
        // Steady clock: the per-device budget must not jump with the wall clock.
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch()).count();
        if (const std::int64_t wait = limiter.admit(cn, ms); wait > 0) {
            ++metrics.rateLimited;
            res.set_header("Retry-After", std::to_string(wait));
            refuse(res, 429, fmt::format("device {} is over its request limit ({} per minute); retry in {} s", cn,
                                         opt.config.deviceRequestsPerMinute, wait));
            return std::nullopt;
        }
        return **d;
    }

    // The request counters and the listener's connection counters, as
    // Prometheus text: the device listener's /metrics and --metrics-listen.
    std::string metricsText() {
        const ListenerCounters& c = server->counters();
        std::string text = metrics.text();
        text += "# TYPE kiosk_hub_connections_refused_total counter\n";
        text += fmt::format("kiosk_hub_connections_refused_total{{reason=\"per_address\"}} {}\n",
                            c.refusedPerAddress.load());
        text += fmt::format("kiosk_hub_connections_refused_total{{reason=\"total\"}} {}\n", c.refusedTotal.load());
        text += "# TYPE kiosk_hub_connections_timed_out_total counter\n";
        for (const auto& [phase, n] : {std::pair{"handshake", c.handshakeTimeouts.load()},
                                       std::pair{"headers", c.headerTimeouts.load()},
                                       std::pair{"body", c.bodyTimeouts.load()}})
            text += fmt::format("kiosk_hub_connections_timed_out_total{{phase=\"{}\"}} {}\n", phase, n);
        text += fmt::format("kiosk_hub_connections_open {}\n", c.open.load());
        return text;
    }

    template <class F>
    auto timed(const char* route, F&& handler) {
        return [this, route, handler = std::forward<F>(handler)](const httplib::Request& req, httplib::Response& res) {
            const auto start = std::chrono::steady_clock::now();
            res.set_header("Date", httpDate(now()));
            handler(req, res);
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            std::lock_guard lock(metrics.mutex);
            ++metrics.requests[{route, res.status}];
            metrics.latencyMsSum[route] += ms;
        };
    }

    void routes() {
        auto& s = *server;
        // Before any body is read: its size against the endpoint's limit, and
        // a device certificate where the endpoint needs one (a body from
        // nobody is never read).
        s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            res.set_header("Date", httpDate(now()));
            const std::size_t limit = deviceBodyLimit(req.method, req.path);
            bool refused = refuseBody(req, res, limit);
            std::string why = fmt::format("over its limit of {} bytes", limit);
            const auto length = contentLength(req);
            std::string cn;
            if (!refused && length && *length > 0 && req.path.starts_with("/v1/") && req.path != "/v1/enroll")
                if (auto problem = certificateProblem(req, &cn)) {
                    refuse(res, 401, *problem);
                    res.set_header("Connection", "close");
                    why = cn.empty() ? "no client certificate (a device must enroll first)"
                                     : fmt::format("certificate CN {}: {}", cn, *problem);
                    refused = true;
                }
            if (!refused) return httplib::Server::HandlerResponse::Unhandled;
            logger()->warn("refused {} {} from {} before its body ({} bytes, answered {}): {}", req.method, req.path,
                           req.remote_addr, length.value_or(0), res.status, why);
            std::lock_guard lock(metrics.mutex);
            ++metrics.requests[{"(before body)", res.status}];
            return httplib::Server::HandlerResponse::Handled;
        });
        s.Get("/healthz", timed("/healthz", [this](const httplib::Request&, httplib::Response& res) {
                  auto n = store.recordCount();
                  if (!n) return refuse(res, 503, "database unavailable");
                  reply(res, 200, {{"status", "ok"}, {"db", store.db().dialect()}});
              }));
        // Kiosks' counts are the fleet's business only: a device certificate
        // is needed here (not counted against the request limit); a scraper
        // reads them from `serve --metrics-listen` instead (metricsText()).
        s.Get("/metrics", timed("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
                  if (!authenticate(req, res, nullptr, false)) return;
                  res.set_content(metricsText(), "text/plain; version=0.0.4");
              }));
        s.Post("/v1/enroll", timed("/v1/enroll", [this](const httplib::Request& req, httplib::Response& res) {
                   enroll(req, res);
               }));
        s.Post("/v1/upload", timed("/v1/upload", [this](const httplib::Request& req, httplib::Response& res) {
                   upload(req, res);
               }));
        s.Get("/v1/updates", timed("/v1/updates", [this](const httplib::Request& req, httplib::Response& res) {
                  updates(req, res);
              }));
        s.Get("/v1/content/manifest", timed("/v1/content/manifest", [this](const httplib::Request& req, httplib::Response& res) {
                  if (!authenticate(req, res)) return;
                  auto b = hubdb::latestBundle(store.db());
                  if (!b) return refuse(res, 503, "database unavailable");
                  if (!*b) return refuse(res, 404, "no content has been published yet");
                  res.status = 200;
                  res.set_content((*b)->signedManifest, "application/json");
              }));
        s.Get(R"(/v1/content/bundle/(\d+))", timed("/v1/content/bundle", [this](const httplib::Request& req,
                                                                                httplib::Response& res) {
                  if (!authenticate(req, res)) return;
                  const std::int64_t version = std::strtoll(req.matches[1].str().c_str(), nullptr, 10);
                  auto b = hubdb::bundleByVersion(store.db(), version);
                  if (!b) return refuse(res, 503, "database unavailable");
                  if (!*b) return refuse(res, 404, fmt::format("content version {} does not exist", version));
                  serveBytes(res, (*b)->size, [this, version](std::int64_t offset, std::int64_t length) {
                      return hubdb::readBundle(store.db(), version, offset, length);
                  });
              }));
        s.Get("/v1/os-update", timed("/v1/os-update", [this](const httplib::Request& req, httplib::Response& res) {
                  if (!authenticate(req, res)) return;
                  auto b = hubdb::currentOsBundle(store.db());
                  if (!b) return refuse(res, 503, "database unavailable");
                  if (!*b) {
                      res.status = 204;  // nothing offered
                      return;
                  }
                  reply(res, 200, protocol::toJson(protocol::OsUpdateOffer{(*b)->version, (*b)->sha256, (*b)->size,
                                                                           (*b)->compatible}));
              }));
        s.Get(R"(/v1/os-update/bundle/([0-9a-f]{64}))",
              timed("/v1/os-update/bundle", [this](const httplib::Request& req, httplib::Response& res) {
                  osBundle(req, res);
              }));
        s.Get("/v1/config", timed("/v1/config", [this](const httplib::Request& req, httplib::Response& res) {
                  auto dev = authenticate(req, res);
                  if (!dev) return;
                  reply(res, 200, siteConfigJson(opt.config, dev->site));
              }));
        s.Post("/v1/heartbeat", timed("/v1/heartbeat", [this](const httplib::Request& req, httplib::Response& res) {
                   auto dev = authenticate(req, res);
                   if (!dev) return;
                   auto j = body(req, res);
                   if (!j) return;
                   if (!j->is_object()) return refuse(res, 400, "a heartbeat is a JSON object");
                   keepLastMaintenance(*dev, *j);
                   if (auto r = store.seen(dev->id, now(), &*j); !r) return refuse(res, 503, "database unavailable");
                   reply(res, 200, {{"ok", true}});
               }));
        s.Post("/v1/renew", timed("/v1/renew", [this](const httplib::Request& req, httplib::Response& res) {
                   renew(req, res);
               }));
    }

    // The heartbeat is stored whole and replaced by the next one, whose
    // "maintenance" list holds only actions the kiosk had not reported yet
    // (usually none). So the newest technician action is carried forward as
    // "last_maintenance" for `kiosk-hub devices`, and each new one is logged
    // (action words and details only; kiosks never put personal data there).
    static void keepLastMaintenance(const hubdb::Device& dev, nlohmann::json& hb) {
        const auto m = hb.find("maintenance");
        if (m != hb.end() && m->is_array()) {
            for (const auto& a : *m) {
                if (!a.is_object() || !a.contains("action") || !a["action"].is_string()) continue;
                // One log line per action, whatever a faulty kiosk sent: no control characters, bounded.
                auto clean = [](std::string text) {
                    if (text.size() > 200) text.resize(200);
                    for (char& c : text)
                        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
                    return text;
                };
                const auto detail = a.find("detail");
                logger()->info("device {} maintenance: {} {}", dev.id, clean(a["action"].get<std::string>()),
                               detail != a.end() && detail->is_string() ? clean(detail->get<std::string>()) : "");
                hb["last_maintenance"] = a;
            }
        }
        if (!hb.contains("last_maintenance") && dev.heartbeat.contains("last_maintenance"))
            hb["last_maintenance"] = dev.heartbeat["last_maintenance"];
    }

    static std::optional<nlohmann::json> body(const httplib::Request& req, httplib::Response& res) {
        auto j = parseBoundedJson(req.body);
        if (!j) {
            refuse(res, 400, j.error());
            return std::nullopt;
        }
        return std::move(*j);
    }

    Result<std::pair<std::string, std::int64_t>> issue(const std::string& csr, const std::string& deviceId,
                                                       std::string& pemOut) {
        const std::int64_t t = now();
        crypto::Validity v{t - 3600, t + opt.deviceCertDays * 86'400};
        const std::string serialText = crypto::randomToken(8);
        std::uint64_t serial = 0;
        for (char ch : serialText) serial = serial * 131 + static_cast<unsigned char>(ch);
        auto pem = crypto::issueDeviceCert(keys.caCert, keys.caKey, csr, deviceId, serial >> 1, v);
        if (!pem) return std::unexpected(pem.error());
        auto info = crypto::inspectCert(*pem);
        if (!info) return std::unexpected(info.error());
        pemOut = *pem;
        return std::pair<std::string, std::int64_t>{info->serialHex, v.notAfter};
    }

    void enroll(const httplib::Request& req, httplib::Response& res) {
        auto j = body(req, res);
        if (!j) return;
        auto er = protocol::parseEnrollRequest(*j);
        if (!er) return refuse(res, 400, er.error().message);
        std::string pem;
        auto r = store.enroll(er->token, now(), [&](const std::string& id) { return issue(er->csrPem, id, pem); });
        if (!r) {
            logger()->warn("enrollment from {} failed: {}", req.remote_addr, r.error().message);
            return refuse(res, r.error().code == ErrorCode::InvalidArgument ? 400 : 500, r.error().message);
        }
        switch (r->problem) {
            case hubdb::TokenProblem::None: break;
            case hubdb::TokenProblem::Unknown:
                logger()->warn("enrollment from {} refused: unknown token", req.remote_addr);
                return refuse(res, 403, "this enrollment token is not known to the hub; check the provisioning file");
            case hubdb::TokenProblem::Used:
                logger()->warn("enrollment from {} refused: token already used", req.remote_addr);
                return refuse(res, 403, "this enrollment token has already been used; make a new provisioning file");
            case hubdb::TokenProblem::Expired:
                logger()->warn("enrollment from {} refused: token expired", req.remote_addr);
                return refuse(res, 403, "this enrollment token has expired; make a new provisioning file");
        }
        ++metrics.enrollments;
        logger()->info("device {} enrolled for site {} from {}", r->device.id, r->device.site, req.remote_addr);
        reply(res, 201, protocol::toJson(protocol::EnrollResponse{r->device.id, r->device.site, pem}));
    }

    void upload(const httplib::Request& req, httplib::Response& res) {
        auto dev = authenticate(req, res);
        if (!dev) return;
        auto j = body(req, res);
        if (!j) return;
        auto items = protocol::parseUploadRequest(*j);
        if (!items) {
            logger()->warn("upload from {} refused: {}", dev->id, items.error().message);
            return refuse(res, 400, items.error().message);
        }
        // A record numbered under another kiosk's terminal code, or with a
        // wrong check character, or whose fields are not a case or rating
        // (records.h), is refused on its own (422: the kiosk dead-letters it
        // with this reason, which names the field); the rest of the batch is
        // stored.
        std::vector<std::optional<protocol::UploadAnswer>> refused(items->size());
        std::vector<protocol::UploadItem> owned;
        owned.reserve(items->size());
        for (std::size_t i = 0; i < items->size(); ++i) {
            auto& item = (*items)[i];
            if (auto ok = protocol::checkCaseOwner(item.number, dev->id); !ok) {
                logger()->warn("device {}: record {} refused: {}", dev->id, item.uuid, ok.error().message);
                refused[i] = protocol::UploadAnswer{item.uuid, 422, ok.error().message};
                continue;
            }
            if (auto ok = records::checkRecord(item.kind, item.publicData, item.personalData); !ok) {
                logger()->warn("device {}: {} record {} refused: {}", dev->id, item.kind, item.uuid, ok.error().message);
                refused[i] = protocol::UploadAnswer{item.uuid, 422, ok.error().message};
                continue;
            }
            owned.push_back(std::move(item));
        }
        const std::int64_t t = now();
        auto answers = store.storeBatch(dev->id, owned, t);
        if (!answers) {
            logger()->error("upload from {} not stored: {}", dev->id, answers.error().message);
            res.set_header("Retry-After", "5");
            return refuse(res, 503, "the hub could not store the batch; it will be retried");
        }
        std::vector<protocol::UploadAnswer> out;
        auto stored = answers->begin();
        for (auto& r : refused) {
            if (r) {
                ++metrics.recordsRefused;
                out.push_back(std::move(*r));
                continue;
            }
            const auto& a = *stored++;
            (a.code == 201 ? metrics.recordsStored : a.code == 200 ? metrics.recordsDuplicate : metrics.recordsConflict)++;
            if (a.code == 409) logger()->warn("device {}: record {} refused: {}", dev->id, a.uuid, a.message);
            out.push_back({a.uuid, a.code, a.message});
        }
        (void)store.seen(dev->id, t, nullptr);
        reply(res, 200, protocol::uploadResponse(out));
    }

    void updates(const httplib::Request& req, httplib::Response& res) {
        auto dev = authenticate(req, res);
        if (!dev) return;
        std::int64_t after = 0;
        if (req.has_param("after")) after = std::strtoll(req.get_param_value("after").c_str(), nullptr, 10);
        auto events = store.eventsForDevice(dev->id, after, 500);
        if (!events) return refuse(res, 503, "database unavailable");
        std::vector<protocol::CaseUpdate> out;
        for (const auto& e : *events) out.push_back({e.id, e.number, e.status, e.at});
        (void)store.seen(dev->id, now(), nullptr);
        reply(res, 200, protocol::updatesResponse(out));
    }

    // The bytes of a published OS bundle (offered now or not: a kiosk may be
    // finishing a download the staff have just withdrawn).
    void osBundle(const httplib::Request& req, httplib::Response& res) {
        auto dev = authenticate(req, res);
        if (!dev) return;
        const std::string sha = req.matches[1].str();
        auto b = hubdb::osBundleBySha(store.db(), sha);
        if (!b) return refuse(res, 503, "database unavailable");
        if (!*b) return refuse(res, 404, fmt::format("no OS update bundle {} is published", sha));
        const auto file = hubdb::osBundleFile(opt.dataDir, sha);
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size != (*b)->size) {
            if (fd >= 0) ::close(fd);
            logger()->error("OS update {} ({}): {} is {}; publish it again on this hub (or copy DATA/os-updates "
                            "from the hub where it was published)",
                            (*b)->version, sha, file.string(), fd < 0 ? "missing" : "not the size recorded");
            return refuse(res, 404, fmt::format("the file of OS update {} is missing on this hub", (*b)->version));
        }
        logger()->info("device {} downloads OS update {}{}", dev->id, (*b)->version,
                       req.has_header("Range") ? " (resumed)" : "");
        auto shared = std::make_shared<SharedFd>(fd);
        serveBytes(res, (*b)->size, [shared](std::int64_t offset, std::int64_t length) -> Result<std::string> {
            std::string buf(std::size_t(length), '\0');
            const ssize_t n = ::pread(shared->fd, buf.data(), buf.size(), off_t(offset));
            if (n < 0) return fail(ErrorCode::Io, "read failed");
            buf.resize(std::size_t(n));
            return buf;
        });
    }

    void renew(const httplib::Request& req, httplib::Response& res) {
        std::string presented;
        auto dev = authenticate(req, res, &presented);
        if (!dev) return;
        auto j = body(req, res);
        if (!j) return;
        if (!j->contains("csr") || !(*j)["csr"].is_string()) return refuse(res, 400, "renewal: 'csr' is missing");
        std::string pem;
        auto cert = issue((*j)["csr"].get<std::string>(), dev->id, pem);
        if (!cert) return refuse(res, 400, cert.error().message);
        // The certificate this request came with stays valid for the overlap
        // only: long enough for requests in flight while the kiosk swaps.
        if (auto r = store.renewed(dev->id, cert->first, cert->second, presented, now() + opt.renewOverlapS); !r)
            return refuse(res, 503, "database unavailable");
        logger()->info("device {} renewed its certificate (serial {} replaces {}, accepted for {} s more)", dev->id,
                       cert->first, presented, opt.renewOverlapS);
        reply(res, 201, {{"certificate", pem}});
    }
};

HubServer::HubServer(ServerOptions options, hubdb::HubStore& store, const HubKeys& keys,
                     std::function<std::int64_t()> clock)
    : m(std::make_unique<Impl>(std::move(options), store, keys, std::move(clock))) {}

HubServer::~HubServer() = default;

Result<int> HubServer::bind() {
    auto server = makeTlsServer(m->keys, true, m->opt.config.connections, deviceBodyLimit, "device");
    if (!server) return std::unexpected(server.error());
    m->server = std::move(*server);
    m->server->set_payload_max_length(protocol::kMaxBatch * protocol::kMaxRecordBytes);
    m->routes();
    return bindTo(*m->server, m->opt.host, m->opt.port, "is another hub running, or is the address wrong?");
}

void HubServer::run() { m->server->listen_after_bind(); }

std::string HubServer::metricsText() { return m->metricsText(); }

void HubServer::stop() {
    if (m->server) m->server->stop();
}

}  // namespace kiosk::hub
