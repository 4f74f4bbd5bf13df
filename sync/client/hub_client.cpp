// libcurl implementation of hub_client.h, and enrollment.
#include "hub_client.h"

#include "crypto/crypto.h"
#include "crypto/x509.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdio>
#include <mutex>

#include <unistd.h>

namespace kiosk::sync {
namespace {

void curlInitOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string joinPins(const std::vector<std::string>& pins) {
    std::string out;
    for (const auto& p : pins) out += (out.empty() ? "" : ";") + p;
    return out;
}

struct Collected {
    std::string body;
    std::optional<std::int64_t> retryAfter, date;
    std::FILE* file = nullptr;  // downloads: 2xx bodies go here
    CURL* curl = nullptr;
    std::uint64_t fileBytes = 0, maxFileBytes = 0;  // the file's size so far; 0 = no cap
    bool fileTooLarge = false, bodyTooLarge = false;
};

constexpr std::size_t kMaxBodyBytes = 16 << 20;  // JSON answers and refusals are far smaller

size_t onBody(char* p, size_t size, size_t n, void* user) {
    auto* c = static_cast<Collected*>(user);
    if (c->file) {
        long status = 0;
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) {
            if (c->maxFileBytes > 0 && c->fileBytes + size * n > c->maxFileBytes) {
                c->fileTooLarge = true;
                return 0;  // curl stops the transfer (CURLE_WRITE_ERROR)
            }
            c->fileBytes += size * n;
            return std::fwrite(p, size, n, c->file) * size;
        }
    }
    if (c->body.size() + size * n > kMaxBodyBytes) {
        c->bodyTooLarge = true;
        return 0;
    }
    c->body.append(p, size * n);
    return size * n;
}

size_t onHeader(char* p, size_t size, size_t n, void* user) {
    auto* c = static_cast<Collected*>(user);
    const std::string_view line(p, size * n);
    auto value = [&](std::string_view name) -> std::optional<std::string> {
        if (line.size() <= name.size() || strncasecmp(line.data(), name.data(), name.size()) != 0) return std::nullopt;
        std::string v(line.substr(name.size()));
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        return v;
    };
    if (auto v = value("Retry-After:")) c->retryAfter = std::strtoll(v->c_str(), nullptr, 10);
    if (auto v = value("Date:")) {
        const time_t t = curl_getdate(v->c_str(), nullptr);
        if (t > 0) c->date = std::int64_t(t);
    }
    return size * n;
}

// libcurl calls this about once a second (and on every chunk): a non-zero
// answer aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

TransportError classify(CURLcode rc, const char* detail) {
    const std::string d = detail && *detail ? detail : curl_easy_strerror(rc);
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
            return {TransportProblem::Offline, fmt::format("the hub cannot be reached ({})", d)};
        case CURLE_OPERATION_TIMEDOUT:
            return {TransportProblem::Timeout, fmt::format("the hub did not answer in time or the transfer stalled ({})", d)};
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return {TransportProblem::PinMismatch,
                    fmt::format("the hub's public key does not match the pins from the provisioning file: this may "
                                "not be our hub ({})",
                                d)};
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
            return {TransportProblem::BadCertificate,
                    fmt::format("the hub's certificate is not valid for this fleet (expired, or not issued by the "
                                "fleet CA): {}",
                                d)};
        case CURLE_ABORTED_BY_CALLBACK:
            return {TransportProblem::Other, "the transfer was stopped because the sync worker is stopping; a "
                                             "partial download is resumed next time"};
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
            return {TransportProblem::Tls, fmt::format("the secure connection to the hub failed: {}", d)};
        default: return {TransportProblem::Other, fmt::format("request to the hub failed: {}", d)};
    }
}

}  // namespace

struct HubClient::Handle {
    CURL* curl = nullptr;
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);
    }
};

HubClient::HubClient(HubConfig config, ClientOptions options)
    : m_config(std::move(config)), m_options(options), m_handle(std::make_shared<Handle>()) {
    curlInitOnce();
}

std::expected<HttpResponse, TransportError> HubClient::post(const std::string& path, const std::string& json) const {
    return request(path, &json);
}

std::expected<HttpResponse, TransportError> HubClient::get(const std::string& path) const { return request(path, nullptr); }

std::expected<HttpResponse, TransportError> HubClient::download(const std::string& path, const std::filesystem::path& file,
                                                               std::uint64_t offset, std::uint64_t maxFileBytes) const {
    return request(path, nullptr, &file, offset, maxFileBytes);
}

std::expected<HttpResponse, TransportError> HubClient::request(const std::string& path, const std::string* body,
                                                               const std::filesystem::path* file,
                                                               std::uint64_t offset, std::uint64_t maxFileBytes) const {
    if (!m_handle->curl) m_handle->curl = curl_easy_init();
    CURL* curl = m_handle->curl;
    if (!curl) return std::unexpected(TransportError{TransportProblem::Other, "libcurl could not start"});
    curl_easy_reset(curl);  // options from the last request go; the open connection stays
    Collected got;
    got.curl = curl;
    got.fileBytes = offset;
    got.maxFileBytes = maxFileBytes;
    if (file) {
        got.file = std::fopen(file->c_str(), offset > 0 ? "ab" : "wb");
        if (!got.file) {
            return std::unexpected(TransportError{TransportProblem::Other, "cannot write " + file->string()});
        }
        if (offset > 0) curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset));
        if (m_options.maxDownloadBytesPerS > 0)
            curl_easy_setopt(curl, CURLOPT_MAX_RECV_SPEED_LARGE, curl_off_t(m_options.maxDownloadBytesPerS));
    }
    char err[CURL_ERROR_SIZE] = {};
    const std::string url = m_config.hubUrl + path;
    const std::string pins = joinPins(m_config.pins);
    curl_blob ca{const_cast<char*>(m_config.caPem.data()), m_config.caPem.size(), CURL_BLOB_COPY};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, pins.c_str());
    if (!m_config.certPem.empty()) {
        curl_blob cert{const_cast<char*>(m_config.certPem.data()), m_config.certPem.size(), CURL_BLOB_COPY};
        curl_blob key{const_cast<char*>(m_config.keyPem.data()), m_config.keyPem.size(), CURL_BLOB_COPY};
        curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
        curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
        curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, m_options.connectTimeoutS);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, file ? m_options.downloadTimeoutS : m_options.totalTimeoutS);
    if (m_options.cancel) {
        if (m_options.cancel->load()) {
            curl_slist_free_all(headers);
            if (got.file) std::fclose(got.file);
            return std::unexpected(classify(CURLE_ABORTED_BY_CALLBACK, nullptr));
        }
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(m_options.cancel));
    }
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, m_options.lowSpeedBytesPerS);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, m_options.lowSpeedTimeS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &got);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body->size()));
    }
    const CURLcode rc = curl_easy_perform(curl);
    if (got.file) {
        std::fflush(got.file);
        ::fsync(fileno(got.file));
        std::fclose(got.file);
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (got.fileTooLarge)
        return std::unexpected(TransportError{
            TransportProblem::TooLarge,
            fmt::format("the hub sent more than the {} bytes announced for {}; the download was stopped",
                        got.maxFileBytes, path)});
    if (got.bodyTooLarge)
        return std::unexpected(TransportError{
            TransportProblem::TooLarge,
            fmt::format("the hub's answer to {} is larger than {} MiB; it was not read", path, kMaxBodyBytes >> 20)});
    if (rc != CURLE_OK) return std::unexpected(classify(rc, err));
    return HttpResponse{int(status), std::move(got.body), got.retryAfter, got.date};
}

Result<void> storeRenewedIdentity(const std::filesystem::path& dataDir, const std::string& keyPem,
                                  const std::string& certPem) {
    // New files first; then the key, then the certificate. A crash between
    // the two renames leaves device.crt.new matching the new key, which
    // loadHubConfig() finishes.
    if (auto w = crypto::writeFileAtomic(dataDir / "device-tls.key.new", keyPem, 0600); !w) return w;
    if (auto w = crypto::writeFileAtomic(dataDir / "device.crt.new", certPem, 0644); !w) return w;
    std::error_code ec;
    std::filesystem::rename(dataDir / "device-tls.key.new", dataDir / "device-tls.key", ec);
    if (ec) return fail(ErrorCode::Io, "cannot replace the device key: " + ec.message());
    std::filesystem::rename(dataDir / "device.crt.new", dataDir / "device.crt", ec);
    if (ec) return fail(ErrorCode::Io, "cannot replace the device certificate: " + ec.message());
    return {};
}

Result<bool> renewIfDue(const std::filesystem::path& dataDir, HubConfig& config, int renewBeforeDays, std::int64_t nowS) {
    auto info = crypto::inspectCert(config.certPem);
    if (!info) return std::unexpected(info.error());
    if (info->validity.notAfter - nowS > std::int64_t(renewBeforeDays) * 86'400) return false;
    auto key = crypto::generateEcKey();
    if (!key) return std::unexpected(key.error());
    auto csr = crypto::makeCsr(*key, config.deviceId);
    if (!csr) return std::unexpected(csr.error());
    auto res = HubClient(config).post("/v1/renew", nlohmann::json{{"csr", *csr}}.dump());
    if (!res) return fail(ErrorCode::Io, "certificate renewal: " + res.error().message);
    if (res->status != 201) return fail(ErrorCode::Io, fmt::format("certificate renewal: the hub answered {}", res->status));
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    if (j.is_discarded() || !j.contains("certificate") || !j["certificate"].is_string())
        return fail(ErrorCode::Parse, "certificate renewal: the hub's answer has no certificate");
    const std::string cert = j["certificate"].get<std::string>();
    if (auto r = storeRenewedIdentity(dataDir, *key, cert); !r) return std::unexpected(r.error());
    config.certPem = cert;
    config.keyPem = *key;
    return true;
}

namespace {

// Finishes or undoes a renewal a crash interrupted (storeRenewedIdentity()).
void settleRenewal(const std::filesystem::path& dataDir) {
    const auto newCert = dataDir / "device.crt.new";
    if (!std::filesystem::exists(newCert)) return;
    std::error_code ec;
    auto key = crypto::readFile(dataDir / "device-tls.key");
    auto cert = crypto::readFile(newCert);
    auto keyPin = key ? crypto::pinOfKey(*key) : Result<std::string>(std::unexpected(key.error()));
    auto certInfo = cert ? crypto::inspectCert(*cert) : Result<crypto::CertInfo>(std::unexpected(cert.error()));
    if (keyPin && certInfo && *keyPin == certInfo->pin) std::filesystem::rename(newCert, dataDir / "device.crt", ec);
    else std::filesystem::remove(newCert, ec);
    std::filesystem::remove(dataDir / "device-tls.key.new", ec);
}

}  // namespace

Result<HubConfig> loadHubConfig(const std::filesystem::path& dataDir) {
    settleRenewal(dataDir);
    auto text = crypto::readFile(dataDir / "hub.json");
    if (!text)
        return fail(ErrorCode::NotFound,
                    fmt::format("this kiosk is not provisioned ({} has no hub.json): run kioskctl provision --file FILE",
                                dataDir.string()));
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(ErrorCode::Parse, fmt::format("{} is not valid JSON", (dataDir / "hub.json").string()));
    HubConfig c;
    c.hubUrl = j.value("hub_url", "");
    c.caPem = j.value("ca", "");
    c.contentPublicKeyPem = j.value("content_public_key", "");
    c.site = j.value("site", "");
    c.deviceId = j.value("device_id", "");
    c.pins = j.value("pins", std::vector<std::string>{});
    auto cert = crypto::readFile(dataDir / "device.crt");
    auto key = crypto::readFile(dataDir / "device-tls.key");
    if (!cert || !key) return fail(ErrorCode::NotFound, "the device certificate or key is missing: provision this kiosk again");
    c.certPem = *cert;
    c.keyPem = *key;
    return c;
}

Result<HubConfig> provision(const std::filesystem::path& dataDir, const protocol::ProvisionFile& file, bool force) {
    if (!force && std::filesystem::exists(dataDir / "hub.json"))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is already enrolled; pass --force to enroll it again (its outbox is kept)",
                                dataDir.string()));
    auto key = crypto::generateEcKey();
    if (!key) return std::unexpected(key.error());
    auto csr = crypto::makeCsr(*key, "kiosk");
    if (!csr) return std::unexpected(csr.error());
    HubConfig c{file.hubUrl, file.caPem, file.contentPublicKeyPem, file.site, "", file.pins, "", ""};
    HubClient client(c);
    auto res = client.post("/v1/enroll", protocol::toJson(protocol::EnrollRequest{file.token, *csr}).dump());
    if (!res) return fail(ErrorCode::Io, res.error().message);
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    if (res->status != 201) {
        const std::string why = !j.is_discarded() && j.contains("error") ? j["error"].get<std::string>() : res->body;
        return fail(ErrorCode::InvalidArgument, fmt::format("the hub refused enrollment ({}): {}", res->status, why));
    }
    auto er = protocol::parseEnrollResponse(j);
    if (!er) return std::unexpected(er.error());
    // Key first (0600), then certificate, then hub.json last: a kiosk with
    // hub.json is enrolled, so a crash halfway leaves it not enrolled.
    if (auto w = crypto::writeFileAtomic(dataDir / "device-tls.key", *key, 0600); !w) return std::unexpected(w.error());
    if (auto w = crypto::writeFileAtomic(dataDir / "device.crt", er->certificatePem, 0644); !w) return std::unexpected(w.error());
    const nlohmann::json hub = {{"hub_url", file.hubUrl}, {"pins", file.pins},   {"ca", file.caPem},
                                {"content_public_key", file.contentPublicKeyPem}, {"site", er->site},
                                {"device_id", er->deviceId}};
    if (auto w = crypto::writeFileAtomic(dataDir / "hub.json", hub.dump(2) + "\n", 0644); !w) return std::unexpected(w.error());
    c.deviceId = er->deviceId;
    c.site = er->site;
    c.certPem = er->certificatePem;
    c.keyPem = *key;
    return c;
}

}  // namespace kiosk::sync
