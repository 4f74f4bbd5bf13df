// The wire to an ESC/POS printer: a device file (USB printer class
// /dev/usb/lp0, a serial port, a pseudo-terminal in tests) or a TCP socket
// ("tcp:HOST:PORT", raw port 9100 on most network printers). Bytes go out
// whole or not at all within a timeout; replies to status queries are read
// one byte at a time with a timeout, and silence is an answer (nullopt),
// not an error: many printers never talk back.
//
// A transport is opened for one job or one status check and closed after,
// so a printer that was unplugged and plugged in again just works.
// Error messages name the setting to fix (printer.device).
#pragma once

#include "base/error.h"
#include "printer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace platform::escpos {

class Transport {
public:
    virtual ~Transport() = default;
    // Writes every byte; fails if the printer takes nothing for `stallTimeoutMs`.
    [[nodiscard]] virtual kiosk::Result<void> writeAll(std::string_view bytes, int stallTimeoutMs) = 0;
    // The next byte from the printer, or nullopt if none came within `timeoutMs`.
    [[nodiscard]] virtual kiosk::Result<std::optional<std::uint8_t>> readByte(int timeoutMs) = 0;
    // Throws away whatever the printer sent that nobody asked for.
    virtual void discardInput() = 0;
};

// Opens `device`: "tcp:HOST:PORT" (HOST may be a name, an IPv4 address or
// [IPv6]) connects within `connectTimeoutMs`; anything else is a device file
// opened read-write and non-blocking (a terminal is switched to raw mode, its
// speed left as it is).
[[nodiscard]] kiosk::Result<std::unique_ptr<Transport>> openTransport(const std::string& device, int connectTimeoutMs);

// Asks DLE EOT 1–4 in turn, `replyTimeoutMs` for each answer (the first may
// get `firstReplyTimeoutMs`, e.g. after a job the printer is still taking
// in). Without an answer to DLE EOT 1 it stops there: Unknown.
PrinterStatus queryStatus(Transport& transport, int replyTimeoutMs, int firstReplyTimeoutMs = -1);

}  // namespace platform::escpos
