// kiosk-hub's HTTPS server (cpp-httplib, OpenSSL). TLS 1.2 or newer only.
// The server asks every client for a certificate from the device CA but does
// not require one at the handshake: enrollment (POST /v1/enroll) and
// /healthz work with server authentication alone; every other /v1 endpoint
// refuses a request without a valid device certificate, or from a device that
// is unknown or revoked, or with a certificate a renewal has replaced, with a
// log line saying which.
//
// Endpoints (docs/PROTOCOL.md): GET /healthz, GET /metrics (device
// certificate), POST /v1/enroll, POST /v1/upload (a case only under the
// uploader's own terminal code), GET /v1/updates?after=ID (statuses, never
// the staff's notes), POST /v1/heartbeat, POST /v1/renew,
// GET /v1/content/manifest, GET /v1/content/bundle/N (Range), GET
// /v1/os-update, GET /v1/os-update/bundle/SHA256 (Range; the file in
// DATA/os-updates). Every answer carries a Date header (kiosks use it as
// authenticated time).
#pragma once

#include "hubdb/store.h"
#include "hub_config.h"
#include "keys.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kiosk::hub {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8443;                        // 0: any free port (see boundPort())
    std::int64_t deviceCertDays = 365;      // lifetime of an issued device certificate
    std::int64_t renewBeforeDays = 30;      // a device renews when this close to expiry
    std::int64_t renewOverlapS = 600;       // the replaced certificate's grace after a renewal
    HubConfig config;                       // DATA/hub.toml: site settings sent down
    std::filesystem::path dataDir;          // DATA: OS update bundles are served from DATA/os-updates
                                            // (hubdb/os_update_repo.h)
};

class HubServer {
public:
    HubServer(ServerOptions options, hubdb::HubStore& store, const HubKeys& keys,
              std::function<std::int64_t()> clock);
    ~HubServer();
    // Binds; false with a message when the address is taken or the keys are bad.
    [[nodiscard]] Result<int> bind();
    void run();   // serves until stop()
    void stop();
    // The Prometheus text of /metrics, for a listener of its own (`serve
    // --metrics-listen`); the device listener serves it only to devices.
    std::string metricsText();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace kiosk::hub
