// The hub's small PKI and the kiosk's side of it, on OpenSSL 3: the device CA,
// the hub's TLS server certificate, the kiosk's key and certificate signing
// request, issuing a device certificate from a CSR, and what the two sides
// need to know about a certificate (subject, serial, validity, public-key pin).
//
// Keys are EC P-256 (fast handshakes on small terminals). Times are Unix
// seconds so that tests can make certificates that expired yesterday.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::crypto {

[[nodiscard]] Result<std::string> generateEcKey();  // PKCS#8 PEM

struct Validity {
    std::int64_t notBefore = 0, notAfter = 0;  // Unix seconds
};

// A self-signed CA certificate (CA:TRUE, keyCertSign, cRLSign).
[[nodiscard]] Result<std::string> makeCaCert(std::string_view caKeyPem, std::string_view commonName, Validity v);

// A TLS server certificate for `hosts` (IP addresses or DNS names), signed by the CA.
[[nodiscard]] Result<std::string> issueServerCert(std::string_view caCertPem, std::string_view caKeyPem,
                                                  std::string_view serverKeyPem, std::string_view commonName,
                                                  const std::vector<std::string>& hosts, Validity v);

// The kiosk's certificate signing request (the key never leaves the device).
[[nodiscard]] Result<std::string> makeCsr(std::string_view keyPem, std::string_view commonName);

// A TLS client certificate for a device: the CSR's public key (its signature
// is checked) under subject CN = `deviceId`, whatever the CSR asked for.
[[nodiscard]] Result<std::string> issueDeviceCert(std::string_view caCertPem, std::string_view caKeyPem,
                                                  std::string_view csrPem, std::string_view deviceId,
                                                  std::uint64_t serial, Validity v);

struct CertInfo {
    std::string commonName, issuerName;
    std::string serialHex;
    Validity validity;
    std::string pin;  // "sha256//BASE64" of the SubjectPublicKeyInfo (libcurl's pinned-key form)
};
[[nodiscard]] Result<CertInfo> inspectCert(std::string_view certPem);
// The pin of the public half of a private key (the hub's backup key).
[[nodiscard]] Result<std::string> pinOfKey(std::string_view keyPem);
// True when `certPem` was signed by `caCertPem` (signature only; no dates).
[[nodiscard]] Result<bool> signedBy(std::string_view certPem, std::string_view caCertPem);

}  // namespace kiosk::crypto
