// The receipt printer, behind one interface. A job is plain lines of UTF-8
// text plus an optional QR payload; how they reach paper is the printer's
// business. For now there is the file printer, which writes each job to a
// spool folder (the desktop run and tests use it); the platform issue adds
// ESC/POS over USB or TCP.
#pragma once

#include "base/error.h"

#include <memory>
#include <string>
#include <vector>

namespace platform {

struct PrintJob {
    std::string title;               // first line, printed large
    std::vector<std::string> lines;  // body, one entry per line
    std::string qr;                  // "" = no QR code
};

class Printer {
public:
    virtual ~Printer() = default;
    [[nodiscard]] virtual kiosk::Result<std::string> print(const PrintJob& job) = 0;  // returns where it went
    virtual std::string name() const = 0;
    // "ok", or what is wrong ("no paper", "offline", "spool folder not
    // writable: …"): reported in the kiosk's heartbeat. Safe to call from
    // another thread.
    virtual std::string state() const = 0;
};

// Writes job N as DIR/job-NNNNNN.txt (created with the folder if needed).
std::unique_ptr<Printer> makeFilePrinter(std::string directory);

}  // namespace platform
