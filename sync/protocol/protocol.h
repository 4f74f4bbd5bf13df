// The messages a kiosk and the hub exchange, defined once for both sides:
// the provisioning file a technician carries, enrollment, upload batches and
// their per-record answers, case status updates sent down, the OS update
// offer and the heartbeat's "os" object. JSON over
// HTTPS; docs/PROTOCOL.md describes each endpoint. Parsing refuses anything
// malformed with a message that names the field.
#pragma once

#include "base/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::protocol {

inline constexpr const char* kProvisionFormat = "kiosk-provision/1";
inline constexpr std::size_t kMaxBatch = 500;        // records per upload request
inline constexpr std::size_t kMaxRecordBytes = 64 * 1024;

// What `kiosk-hub provision-file` writes and `kioskctl provision` reads.
struct ProvisionFile {
    std::string hubUrl;                 // https://host:port
    std::vector<std::string> pins;      // "sha256//…": the server key, then the backup key
    std::string caPem;                  // the device CA (also signs the server certificate)
    std::string contentPublicKeyPem;    // Ed25519: content bundles are signed with its private half
    std::string site;
    std::string token;                  // one-time enrollment token
    std::int64_t expiresAt = 0;         // Unix s; the token is refused after this
};
nlohmann::json toJson(const ProvisionFile& p);
[[nodiscard]] Result<ProvisionFile> parseProvisionFile(const nlohmann::json& j);

struct EnrollRequest {
    std::string token, csrPem;
};
struct EnrollResponse {
    std::string deviceId, site, certificatePem;
};
nlohmann::json toJson(const EnrollRequest& r);
nlohmann::json toJson(const EnrollResponse& r);
[[nodiscard]] Result<EnrollRequest> parseEnrollRequest(const nlohmann::json& j);
[[nodiscard]] Result<EnrollResponse> parseEnrollResponse(const nlohmann::json& j);

// One outbox record as uploaded. The uuid is the idempotency key.
struct UploadItem {
    std::string uuid;
    std::int64_t seq = 0;
    std::string kind;          // case | rating
    std::string number;        // printed on the receipt
    std::int64_t createdMs = 0;
    nlohmann::json publicData = nlohmann::json::object();
    nlohmann::json personalData = nlohmann::json::object();
};
nlohmann::json uploadRequest(const std::vector<UploadItem>& items);
[[nodiscard]] Result<std::vector<UploadItem>> parseUploadRequest(const nlohmann::json& j);

// The hub's answer per record: 201 stored, 200 stored before (a replay),
// 409 the key was used for a different record (the kiosk dead-letters it),
// 422 the record itself is malformed (dead-lettered too).
struct UploadAnswer {
    std::string uuid;
    int code = 0;
    std::string message;
};
nlohmann::json uploadResponse(const std::vector<UploadAnswer>& answers);
[[nodiscard]] Result<std::vector<UploadAnswer>> parseUploadResponse(const nlohmann::json& j);

// Case status changes for the kiosk that took the case, after its cursor:
// only what the visitor may see (the status and when). The staff's notes,
// return reasons, departments and merge targets stay at the hub; a "note"
// sent by an older hub is ignored.
struct CaseUpdate {
    std::int64_t id = 0;       // the cursor: ask for updates after the last id seen
    std::string number, status;
    std::int64_t at = 0;       // Unix s
};
nlohmann::json updatesResponse(const std::vector<CaseUpdate>& updates);
[[nodiscard]] Result<std::vector<CaseUpdate>> parseUpdatesResponse(const nlohmann::json& j);

// ── OS updates (docs/PROTOCOL.md "OS updates") ──

// A RAUC bundle version as the hub publishes it and the kiosk reads it from
// VERSION= in its image release file: one word, no whitespace or control
// characters, at most 128 bytes ("0.2.0+202611211415.gb5d53f1"). The error
// says what to fix; `what` names the field ("--version", "offer 'version'").
[[nodiscard]] Result<void> checkOsVersion(std::string_view version, std::string_view what);
// 64 lowercase hex digits.
bool isSha256Hex(std::string_view text);

// GET /v1/os-update → 200: the bundle the hub offers now (204: none).
struct OsUpdateOffer {
    std::string version;
    std::string sha256;          // of the .raucb file; it is also its name at the hub
    std::int64_t size = 0;       // bytes
    std::string compatible;      // RAUC compatible string ("kiosk-amd64"); RAUC on the kiosk checks it
};
nlohmann::json toJson(const OsUpdateOffer& o);
[[nodiscard]] Result<OsUpdateOffer> parseOsUpdateOffer(const nlohmann::json& j);

// The heartbeat's "os" object: the running OS version and, where OS updates
// are on, what the kiosk is doing about the offered one. Empty strings are
// left out of the JSON ("fields absent when unknown").
inline constexpr const char* kOsUpdateStates[] = {"none", "downloading", "pending", "installed", "failed"};
struct OsUpdateState {
    std::string state = "none";  // one of kOsUpdateStates
    std::string version;         // the bundle it is about
    std::string error;           // why the last step failed (a person can act on it)
};
struct OsReport {
    std::string version;                   // running OS version; "" = unknown (not on the OS image)
    std::optional<OsUpdateState> update;   // absent when OS updates are off
};
nlohmann::json toJson(const OsUpdateState& s);
nlohmann::json toJson(const OsReport& r);
// Lenient: a heartbeat is stored as sent, so anything missing or of the
// wrong type is read as unknown.
OsReport osReportFrom(const nlohmann::json& heartbeat);

}  // namespace kiosk::protocol
