// JSON encoding and strict decoding of protocol.h's messages.
#include "protocol.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::protocol {
namespace {

using nlohmann::json;

// Reads required fields of one object, collecting the first problem.
class Reader {
public:
    Reader(const json& j, std::string what) : m_j(j), m_what(std::move(what)) {
        if (!j.is_object()) m_error = fmt::format("{} is not a JSON object", m_what);
    }
    std::string str(const char* key, bool required = true) {
        const json* v = find(key, required);
        if (!v) return {};
        if (!v->is_string()) return problem(key, "must be a string"), std::string();
        if (required && v->get_ref<const std::string&>().empty()) return problem(key, "must not be empty"), std::string();
        return v->get<std::string>();
    }
    std::int64_t integer(const char* key) {
        const json* v = find(key, true);
        if (!v) return 0;
        if (!v->is_number_integer()) return problem(key, "must be an integer"), 0;
        return v->get<std::int64_t>();
    }
    json object(const char* key) {
        const json* v = find(key, true);
        if (!v) return json::object();
        if (!v->is_object()) return problem(key, "must be an object"), json::object();
        return *v;
    }
    const json* array(const char* key) {
        const json* v = find(key, true);
        if (v && !v->is_array()) return problem(key, "must be a list"), nullptr;
        return v;
    }
    Result<void> done() const {
        if (m_error.empty()) return {};
        return fail(ErrorCode::Parse, m_error);
    }
    bool ok() const { return m_error.empty(); }

private:
    const json* find(const char* key, bool required) {
        if (!m_error.empty()) return nullptr;
        auto it = m_j.find(key);
        if (it == m_j.end()) {
            if (required) problem(key, "is missing");
            return nullptr;
        }
        return &*it;
    }
    void problem(const char* key, const char* what) {
        if (m_error.empty()) m_error = fmt::format("{}: '{}' {}", m_what, key, what);
    }
    const json& m_j;
    std::string m_what;
    std::string m_error;
};

}  // namespace

json toJson(const ProvisionFile& p) {
    return {{"format", kProvisionFormat}, {"hub_url", p.hubUrl}, {"pins", p.pins},   {"ca", p.caPem},
            {"content_public_key", p.contentPublicKeyPem},       {"site", p.site},   {"token", p.token},
            {"expires_at", p.expiresAt}};
}

Result<ProvisionFile> parseProvisionFile(const json& j) {
    Reader r(j, "provisioning file");
    ProvisionFile p;
    if (r.str("format") != kProvisionFormat && r.ok())
        return fail(ErrorCode::Parse, fmt::format("provisioning file: format is not {}; make a new one with "
                                                  "kiosk-hub provision-file",
                                                  kProvisionFormat));
    p.hubUrl = r.str("hub_url");
    if (const json* pins = r.array("pins"))
        for (const auto& pin : *pins)
            if (pin.is_string()) p.pins.push_back(pin.get<std::string>());
    p.caPem = r.str("ca");
    p.contentPublicKeyPem = r.str("content_public_key");
    p.site = r.str("site");
    p.token = r.str("token");
    p.expiresAt = r.integer("expires_at");
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    if (!p.hubUrl.starts_with("https://"))
        return fail(ErrorCode::Parse, "provisioning file: hub_url must start with https://");
    if (p.pins.empty()) return fail(ErrorCode::Parse, "provisioning file: 'pins' lists no public-key pin");
    for (const auto& pin : p.pins)
        if (!pin.starts_with("sha256//"))
            return fail(ErrorCode::Parse, fmt::format("provisioning file: pin '{}' is not of the form sha256//BASE64", pin));
    return p;
}

json toJson(const EnrollRequest& r) { return {{"token", r.token}, {"csr", r.csrPem}}; }
json toJson(const EnrollResponse& r) {
    return {{"device_id", r.deviceId}, {"site", r.site}, {"certificate", r.certificatePem}};
}

Result<EnrollRequest> parseEnrollRequest(const json& j) {
    Reader r(j, "enrollment request");
    EnrollRequest e{r.str("token"), r.str("csr")};
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    return e;
}

Result<EnrollResponse> parseEnrollResponse(const json& j) {
    Reader r(j, "enrollment answer");
    EnrollResponse e{r.str("device_id"), r.str("site"), r.str("certificate")};
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    return e;
}

json uploadRequest(const std::vector<UploadItem>& items) {
    json records = json::array();
    for (const auto& i : items)
        records.push_back({{"uuid", i.uuid},
                           {"seq", i.seq},
                           {"kind", i.kind},
                           {"number", i.number},
                           {"created_ms", i.createdMs},
                           {"public", i.publicData},
                           {"personal", i.personalData}});
    return {{"records", records}};
}

Result<std::vector<UploadItem>> parseUploadRequest(const json& j) {
    Reader top(j, "upload");
    const json* records = top.array("records");
    if (auto d = top.done(); !d) return std::unexpected(d.error());
    if (records->size() > kMaxBatch)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("upload: {} records in one batch; send at most {}", records->size(), kMaxBatch));
    std::vector<UploadItem> out;
    out.reserve(records->size());
    for (std::size_t i = 0; i < records->size(); ++i) {
        Reader r((*records)[i], fmt::format("upload record {}", i));
        UploadItem it;
        it.uuid = r.str("uuid");
        it.seq = r.integer("seq");
        it.kind = r.str("kind");
        it.number = r.str("number");
        it.createdMs = r.integer("created_ms");
        it.publicData = r.object("public");
        it.personalData = r.object("personal");
        if (auto d = r.done(); !d) return std::unexpected(d.error());
        // Hex digits and dashes only: the key is logged and stored as it came.
        if (it.uuid.size() != 36 || it.uuid.find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos)
            return fail(ErrorCode::InvalidArgument, fmt::format("upload record {}: 'uuid' is not a UUID", i));
        if (it.kind != "case" && it.kind != "rating")
            return fail(ErrorCode::InvalidArgument, fmt::format("upload record {}: kind '{}' is not case or rating", i, it.kind));
        out.push_back(std::move(it));
    }
    return out;
}

json uploadResponse(const std::vector<UploadAnswer>& answers) {
    json results = json::array();
    for (const auto& a : answers) results.push_back({{"uuid", a.uuid}, {"code", a.code}, {"message", a.message}});
    return {{"results", results}};
}

Result<std::vector<UploadAnswer>> parseUploadResponse(const json& j) {
    Reader top(j, "upload answer");
    const json* results = top.array("results");
    if (auto d = top.done(); !d) return std::unexpected(d.error());
    std::vector<UploadAnswer> out;
    for (const auto& item : *results) {
        Reader r(item, "upload answer record");
        UploadAnswer a{r.str("uuid"), int(r.integer("code")), r.str("message", false)};
        if (auto d = r.done(); !d) return std::unexpected(d.error());
        out.push_back(std::move(a));
    }
    return out;
}

json updatesResponse(const std::vector<CaseUpdate>& updates) {
    json list = json::array();
    for (const auto& u : updates)
        list.push_back({{"id", u.id}, {"number", u.number}, {"status", u.status}, {"at", u.at}});
    return {{"updates", list}};
}

Result<std::vector<CaseUpdate>> parseUpdatesResponse(const json& j) {
    Reader top(j, "updates");
    const json* list = top.array("updates");
    if (auto d = top.done(); !d) return std::unexpected(d.error());
    std::vector<CaseUpdate> out;
    for (const auto& item : *list) {
        Reader r(item, "case update");
        CaseUpdate u{r.integer("id"), r.str("number"), r.str("status"), r.integer("at")};
        if (auto d = r.done(); !d) return std::unexpected(d.error());
        out.push_back(std::move(u));
    }
    return out;
}

Result<void> checkOsVersion(std::string_view version, std::string_view what) {
    if (version.empty()) return fail(ErrorCode::InvalidArgument, fmt::format("{} is empty: give the bundle's version", what));
    if (version.size() > 128)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is longer than 128 characters", what));
    for (const char c : version)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} '{}' contains a space or control character: a version is one word, as in "
                                    "VERSION= of /etc/kiosk-image-release (e.g. 0.2.0+202611211415.gb5d53f1)",
                                    what, version));
    return {};
}

bool isSha256Hex(std::string_view text) {
    return text.size() == 64 &&
           std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

json toJson(const OsUpdateOffer& o) {
    return {{"version", o.version}, {"sha256", o.sha256}, {"size", o.size}, {"compatible", o.compatible}};
}

Result<OsUpdateOffer> parseOsUpdateOffer(const json& j) {
    Reader r(j, "OS update offer");
    OsUpdateOffer o;
    o.version = r.str("version");
    o.sha256 = r.str("sha256");
    o.size = r.integer("size");
    o.compatible = r.str("compatible", false);
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    if (auto v = checkOsVersion(o.version, "OS update offer: 'version'"); !v) return std::unexpected(v.error());
    if (!isSha256Hex(o.sha256)) return fail(ErrorCode::Parse, "OS update offer: 'sha256' is not 64 lowercase hex digits");
    if (o.size <= 0) return fail(ErrorCode::Parse, "OS update offer: 'size' must be above 0");
    return o;
}

json toJson(const OsUpdateState& s) {
    json u = {{"state", s.state}};
    if (!s.version.empty()) u["version"] = s.version;
    if (!s.error.empty()) u["error"] = s.error;
    return u;
}

json toJson(const OsReport& r) {
    json out = json::object();
    if (!r.version.empty()) out["version"] = r.version;
    if (r.update) out["update"] = toJson(*r.update);
    return out;
}

OsReport osReportFrom(const json& heartbeat) {
    OsReport r;
    if (!heartbeat.is_object()) return r;
    const auto os = heartbeat.find("os");
    if (os == heartbeat.end() || !os->is_object()) return r;
    // Shown to staff as it came: bounded, and no control characters (a
    // faulty kiosk must not be able to write escape sequences to a terminal).
    auto text = [](const json& o, const char* key) {
        const auto it = o.find(key);
        std::string v = it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
        if (v.size() > 500) v.resize(500);
        for (char& c : v)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
        return v;
    };
    r.version = text(*os, "version");
    const auto u = os->find("update");
    if (u != os->end() && u->is_object()) {
        OsUpdateState s;
        s.state = text(*u, "state");
        if (s.state.empty()) s.state = "none";
        s.version = text(*u, "version");
        s.error = text(*u, "error");
        r.update = std::move(s);
    }
    return r;
}

}  // namespace kiosk::protocol
