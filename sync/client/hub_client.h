// The kiosk's connection to the hub (libcurl, OpenSSL). Every request
// verifies the hub's certificate against the fleet CA from the provisioning
// file AND pins the hub's public key (CURLOPT_PINNEDPUBLICKEY, the server key
// and a backup key), refuses anything below TLS 1.2, and — once enrolled —
// presents the device certificate. A stalled transfer is cut off by curl's
// low-speed limit. Errors say what a technician should check.
//
// The device's files in the kiosk data folder:
//   hub.json          hub URL, pins, CA, content-signing public key, site, device id
//   device-tls.key    the device's private key (mode 0600; made here, never sent)
//   device.crt        the certificate the hub issued
#pragma once

#include "base/error.h"
#include "protocol/protocol.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::sync {

struct HubConfig {
    std::string hubUrl, caPem, contentPublicKeyPem, site, deviceId;
    std::vector<std::string> pins;
    std::string certPem, keyPem;  // empty before enrollment
};

[[nodiscard]] Result<HubConfig> loadHubConfig(const std::filesystem::path& dataDir);

struct HttpResponse {
    int status = 0;
    std::string body;
    std::optional<std::int64_t> retryAfterS;  // from Retry-After (seconds form)
    std::optional<std::int64_t> dateS;        // from Date: authenticated time of the hub
};

// TooLarge: a download ran past the size its manifest or offer announced
// (the partial file is useless; start over), or an answer body past 16 MiB.
enum class TransportProblem { None, Offline, Timeout, PinMismatch, BadCertificate, Tls, TooLarge, Other };

struct TransportError {
    TransportProblem problem = TransportProblem::Other;
    std::string message;
};

struct ClientOptions {
    long connectTimeoutS = 10;
    long totalTimeoutS = 120;      // a request or an upload, start to end
    long downloadTimeoutS = 0;     // download(): 0 = no limit (an OS bundle is hundreds of MiB);
                                   // the low-speed limit still cuts a stalled one
    long lowSpeedBytesPerS = 100;  // below this for lowSpeedTimeS: the transfer has stalled
    long lowSpeedTimeS = 20;
    std::int64_t maxDownloadBytesPerS = 0;  // > 0: download() no faster than this (tests); 0 = no cap
    // When set, a request in flight is abandoned within about a second of it
    // turning true (the sync worker stopping mid-download); the error says
    // so and a partial download stays for the next resume.
    const std::atomic<bool>* cancel = nullptr;
};

class HubClient {
public:
    explicit HubClient(HubConfig config, ClientOptions options = {});
    // POST JSON / GET; a transport failure (no answer at all) is the error side.
    std::expected<HttpResponse, TransportError> post(const std::string& path, const std::string& json) const;
    std::expected<HttpResponse, TransportError> get(const std::string& path) const;
    // GET into `file`, appending from byte `offset` (a Range request when
    // offset > 0: a resumed download). The body of a non-2xx answer is
    // returned in HttpResponse::body and nothing is written. With
    // `maxFileBytes` > 0 the transfer stops (TooLarge) before the file would
    // grow past it: a hub cannot fill the disk by sending more than it
    // announced.
    std::expected<HttpResponse, TransportError> download(const std::string& path, const std::filesystem::path& file,
                                                        std::uint64_t offset, std::uint64_t maxFileBytes = 0) const;
    const HubConfig& config() const { return m_config; }

private:
    std::expected<HttpResponse, TransportError> request(const std::string& path, const std::string* body,
                                                        const std::filesystem::path* file = nullptr,
                                                        std::uint64_t offset = 0, std::uint64_t maxFileBytes = 0) const;
    HubConfig m_config;
    ClientOptions m_options;
    // One curl handle kept between requests so the TLS connection is reused
    // (a HubClient belongs to one thread at a time).
    struct Handle;
    std::shared_ptr<Handle> m_handle;
};

// Replaces the device key and certificate after a renewal so that a crash at
// any point leaves a matching pair (loadHubConfig completes or discards a
// half-finished swap).
[[nodiscard]] Result<void> storeRenewedIdentity(const std::filesystem::path& dataDir, const std::string& keyPem,
                                                const std::string& certPem);

// Renews the device certificate when it expires within `renewBeforeDays`:
// a new key and CSR, POST /v1/renew, storeRenewedIdentity(). True when it
// renewed; `config` then holds the new pair.
[[nodiscard]] Result<bool> renewIfDue(const std::filesystem::path& dataDir, HubConfig& config, int renewBeforeDays,
                                      std::int64_t nowS);

// Enrolls this terminal: makes the device key, sends a CSR with the file's
// one-time token over server-authenticated TLS, and stores hub.json, the key
// and the certificate in `dataDir`. Refuses to overwrite an enrolled device
// unless `force`.
[[nodiscard]] Result<HubConfig> provision(const std::filesystem::path& dataDir, const protocol::ProvisionFile& file,
                                          bool force = false);

}  // namespace kiosk::sync
