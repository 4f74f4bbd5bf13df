// Body limits and the bounded JSON parse (request_limits.h).
#include "request_limits.h"

#include <fmt/format.h>
#include <httplib.h>

#include <malloc.h>

#include <cstdlib>

namespace kiosk::hub {
namespace {

// Counts depth and values as nlohmann's SAX parser reports them; returning
// false stops the parse at once, before anything is stored.
class CapScan : public nlohmann::json_sax<nlohmann::json> {
public:
    std::string problem;

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool start_object(std::size_t) override { return open(); }
    bool key(string_t&) override { return value(); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t at, const std::string&, const nlohmann::detail::exception&) override {
        if (problem.empty()) problem = fmt::format("the request body is not JSON (error at byte {})", at);
        return false;
    }

private:
    bool value() {
        if (++m_values <= kMaxJsonValues) return true;
        problem = fmt::format("the request body holds more than {} JSON values", kMaxJsonValues);
        return false;
    }
    bool open() {
        if (++m_depth > kMaxJsonDepth) {
            problem = fmt::format("the request body is nested deeper than {} levels", kMaxJsonDepth);
            return false;
        }
        return value();
    }
    bool close() {
        --m_depth;
        return true;
    }
    int m_depth = 0;
    std::size_t m_values = 0;
};

}  // namespace

std::expected<nlohmann::json, std::string> parseBoundedJson(std::string_view body) {
    CapScan scan;
    if (!nlohmann::json::sax_parse(body, &scan)) {
        if (scan.problem.empty()) scan.problem = "the request body is not JSON";
        return std::unexpected(scan.problem);
    }
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) return std::unexpected(std::string("the request body is not JSON"));
    return j;
}

std::optional<std::size_t> contentLength(const httplib::Request& req) {
    if (!req.has_header("Content-Length")) return std::nullopt;
    const std::string v = req.get_header_value("Content-Length");
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0') return std::nullopt;
    return std::size_t(n);
}

bool refuseBody(const httplib::Request& req, httplib::Response& res, std::size_t limit) {
    auto say = [&](int status, const std::string& message) {
        res.status = status;
        res.set_header("Connection", "close");
        res.set_content(nlohmann::json{{"error", message}}.dump(), "application/json");
        return true;
    };
    const auto length = contentLength(req);
    if (!length && req.has_header("Transfer-Encoding"))
        return say(411, fmt::format("send the body of {} {} with a Content-Length (at most {} bytes)", req.method,
                                    req.path, limit));
    if (length && *length > limit)
        return say(413, fmt::format("the body of {} {} may be at most {} bytes; this one is {}", req.method, req.path,
                                    limit, *length));
    return false;
}

void keepLargeBuffersOutOfTheHeap() {
    // Setting either fixes both: no dynamic raising of the thresholds.
    mallopt(M_MMAP_THRESHOLD, int(1 * kMiB));
    mallopt(M_TRIM_THRESHOLD, int(4 * kMiB));
}

void giveMemoryBackAfter(std::size_t bodyBytes) {
    if (bodyBytes >= 4 * kMiB) malloc_trim(0);
}

}  // namespace kiosk::hub
