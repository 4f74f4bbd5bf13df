// The one TLS set-up of kiosk-hub's listeners (cpp-httplib over OpenSSL):
// TLS 1.2 or newer, no compression or renegotiation, the hub's server
// certificate. The device listener also asks for a device certificate
// (verified against the device CA if sent, required by its routes); the
// staff console's listener asks for none.
#pragma once

#include "base/error.h"
#include "keys.h"

#include <httplib.h>

#include <memory>
#include <string>

namespace kiosk::hub {

[[nodiscard]] Result<std::unique_ptr<httplib::SSLServer>> makeTlsServer(const HubKeys& keys, bool askDeviceCert);
// Binds `server` to host:port (0 = any free port); the port, or an error
// ending in `hint`.
[[nodiscard]] Result<int> bindTo(httplib::Server& server, const std::string& host, int port, const std::string& hint);

}  // namespace kiosk::hub
