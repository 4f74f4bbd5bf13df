// Names for error codes, used in logs and CLI output.
#include "error.h"

namespace kiosk {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidArgument: return "invalid-argument";
        case ErrorCode::NotFound: return "not-found";
        case ErrorCode::Io: return "io";
        case ErrorCode::Parse: return "parse";
        case ErrorCode::Config: return "config";
        case ErrorCode::Unsupported: return "unsupported";
        case ErrorCode::Internal: return "internal";
    }
    return "unknown";
}

}  // namespace kiosk
