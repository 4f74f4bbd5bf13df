// What a request body may cost the hub, checked before it costs it (issue 18,
// finding 3): per-endpoint body sizes, refused from the Content-Length before
// the body is read (413, or 411 for a body sent without one), and JSON
// nesting and element caps checked by a streaming pre-scan before any tree is
// built — a 16 MiB "[[[[…" must never become a billion-node tree. Memory a
// large body used is handed back to the system afterwards. Shared by the
// device listener (server.cpp) and the staff console (staff_server.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace kiosk::hub {

inline constexpr std::size_t kKiB = 1024, kMiB = 1024 * 1024;

// JSON bodies: at most this deep (objects and arrays inside each other) and
// this many values in all (every scalar, key, object and array counts one).
// The protocol's deepest body is a few levels; an upload of 500 records is
// some tens of thousands of values.
inline constexpr int kMaxJsonDepth = 32;
inline constexpr std::size_t kMaxJsonValues = 200'000;

// The JSON value of `body`, or why not, in words for the client ("the
// request body is nested deeper than 32 levels"). No tree is built for a body
// over the caps.
[[nodiscard]] std::expected<nlohmann::json, std::string> parseBoundedJson(std::string_view body);

// The Content-Length of `req`, or nullopt when it has none.
std::optional<std::size_t> contentLength(const httplib::Request& req);

// True, with 413 (or 411) and a message naming the limit written to `res`,
// when the request's body may not be read: longer than `limit` bytes, or
// sent chunked (no Content-Length) to an endpoint that takes a body.
bool refuseBody(const httplib::Request& req, httplib::Response& res, std::size_t limit);

// Once, before serving: buffers of 1 MiB or more (request bodies, their
// copies) are mapped from the system and unmapped when freed. By default
// glibc raises that threshold to the largest buffer freed so far (up to
// 32 MiB), after which one large body's memory stays in a thread's heap.
void keepLargeBuffersOutOfTheHeap();

// After a request whose body was larger than a few MiB: gives the freed heap
// back to the system (glibc malloc_trim), so one large body does not leave
// the hub's resident size raised for good.
void giveMemoryBackAfter(std::size_t bodyBytes);

}  // namespace kiosk::hub
