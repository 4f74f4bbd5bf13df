// Reads what an ESC/POS printer says about itself. The printer answers each
// real-time query DLE EOT n (0x10 0x04 n) with one byte:
//
//   n  asks about            bits used (0 = no, 1 = yes)
//   1  printer               2 drawer pin high, 3 offline, 5 waiting for recovery, 6 feed button pressed
//   2  why it is offline     2 cover open, 3 paper fed by the button, 5 stopped at paper end, 6 error
//   3  which error           2 mechanical, 3 auto-cutter, 5 unrecoverable, 6 auto-recoverable (head hot)
//   4  paper roll sensors    2,3 roll near its end, 5,6 paper end
//
// In every reply bits 1 and 4 are 1 and bits 0 and 7 are 0; a byte without
// that pattern is not a status reply (a printer in another mode, a device
// that is no printer), and the status is Unknown. The sensor pairs of n = 4
// are meant to move together; either bit of a pair counts, so a printer that
// sets only one still warns.
//
// Pure functions of the bytes: the transport (escpos_transport.h) asks.
#pragma once

#include "printer.h"

#include <cstdint>
#include <optional>
#include <string>

namespace platform::escpos {

enum class StatusQuery : std::uint8_t { Printer = 1, Offline = 2, Error = 3, Paper = 4 };

// DLE EOT n.
std::string statusQueryBytes(StatusQuery query);

// True when `reply` has the fixed bits of a DLE EOT reply.
bool isStatusReply(std::uint8_t reply);

// The answers to the four queries; nullopt = no answer in time.
struct StatusReplies {
    std::optional<std::uint8_t> printer;  // DLE EOT 1
    std::optional<std::uint8_t> offline;  // DLE EOT 2
    std::optional<std::uint8_t> error;    // DLE EOT 3
    std::optional<std::uint8_t> paper;    // DLE EOT 4
};

// One status from all the answers. Without an answer to DLE EOT 1 it is
// Unknown; any answer that is not a status reply makes it Unknown. Otherwise
// the most urgent condition wins: cover open, paper out, error, offline,
// paper low, ready. A missing answer to 2, 3 or 4 only hides its details.
PrinterStatus interpretStatus(const StatusReplies& replies);

}  // namespace platform::escpos
