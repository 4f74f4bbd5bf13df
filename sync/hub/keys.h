// The hub's keys and certificates in its data folder, made on first start:
//   ca.key / ca.crt            the device CA: signs device certificates and the server's
//   server.key / server.crt    the HTTPS server certificate (SANs: the listen host, 127.0.0.1, localhost)
//   backup.key                 a spare server key whose pin kiosks already trust (key rotation)
//   content.key / content.pub  Ed25519: signs content bundles; separate from every TLS key
// Private keys are written with mode 0600. Several hub processes behind a
// load balancer share these files (read-only) and the database.
#pragma once

#include "base/error.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::hub {

struct HubKeys {
    std::filesystem::path dir;
    std::string caKey, caCert, serverKey, serverCert, backupKey, contentKey, contentPub;
    std::vector<std::string> pins() const;  // server key pin, then the backup key's
};

// Loads the keys from `dir`, making whatever is missing. `hosts` go into a
// new server certificate's subjectAltName.
[[nodiscard]] Result<HubKeys> loadOrCreateKeys(const std::filesystem::path& dir, const std::vector<std::string>& hosts,
                                               std::int64_t now, bool* created = nullptr);

}  // namespace kiosk::hub
