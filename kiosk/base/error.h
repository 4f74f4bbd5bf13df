// Error values shared by every kiosk library. Functions that can fail return
// Result<T> (std::expected) marked [[nodiscard]]; the message is written for
// the person who has to fix the cause (a technician or an editor), never
// contains personal data, and says what to change.
#pragma once

#include <expected>
#include <string>

namespace kiosk {

enum class ErrorCode {
    InvalidArgument,  // the caller passed something malformed
    NotFound,         // a file, key or record does not exist
    Io,               // the OS refused a read or write
    Parse,            // a file exists but its syntax is wrong
    Config,           // a configuration key or value is not allowed
    Unsupported,      // the machine lacks a capability (no GL, no font)
    Internal,         // a bug: an invariant did not hold
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // complete sentence(s) a person can act on
};

template <class T>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
    return std::unexpected<Error>(Error{code, std::move(message)});
}

const char* errorCodeName(ErrorCode code);

}  // namespace kiosk
