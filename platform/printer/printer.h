// The receipt printer, behind one interface. A job is plain lines of UTF-8
// text plus an optional QR payload; how they reach paper is the printer's
// business. Two printers exist: the file printer, which writes each job to a
// spool folder (desktop runs and tests use it), and the ESC/POS printer
// (escpos_printer.cpp), which drives a thermal receipt printer over a device
// file (USB /dev/usb/lp0, serial) or TCP. docs/PRINTER.md is the manual.
//
// A printer never logs the text of a job: receipts carry case numbers and
// whatever a visitor's checklist says.
#pragma once

#include "base/error.h"

#include <memory>
#include <string>
#include <vector>

namespace platform {

struct PrintJob {
    std::string title;               // first line, printed large
    std::vector<std::string> lines;  // body, one entry per line ("" = blank line); long lines wrap
    std::string qr;                  // "" = no QR code; else encoded, centred, printed with this text under it
};

// What a printer says about itself.
struct PrinterStatus {
    enum class Code {
        Ready,      // online, paper loaded
        PaperLow,   // the near-end sensor sees the roll running out; still prints
        PaperOut,   // no paper (roll end sensor, or printing stopped at paper end)
        CoverOpen,  // the paper cover is open
        Offline,    // the printer says it is offline for another reason (feed button held, …)
        Error,      // cutter jam, head overheating, or the printer cannot be reached at all
        Unknown,    // it did not answer the status queries (or answered nonsense)
    };
    Code code = Code::Unknown;
    std::string detail;  // one sentence for a technician: what is wrong and what to do; "" when Ready
};

// "ready", "paper_low", "paper_out", "cover_open", "offline", "error", "unknown" (for JSON).
const char* statusName(PrinterStatus::Code code);
// The heartbeat's words: "ok", "paper low", "paper out", "cover open",
// "offline", "error: <detail>", "no status reply".
std::string stateText(const PrinterStatus& status);

class Printer {
public:
    virtual ~Printer() = default;
    [[nodiscard]] virtual kiosk::Result<std::string> print(const PrintJob& job) = 0;  // returns where it went
    virtual std::string name() const = 0;
    // Asks the printer now (the ESC/POS printer waits at most a few hundred
    // ms per question). Safe to call from another thread.
    virtual PrinterStatus status() const = 0;
    // "ok", or what is wrong (stateText of status(); the file printer says
    // "spool folder not writable: …"): reported in the kiosk's heartbeat.
    // Safe to call from another thread.
    virtual std::string state() const = 0;
};

// Writes job N as DIR/job-NNNNNN.txt (created with the folder if needed).
std::unique_ptr<Printer> makeFilePrinter(std::string directory);

// Everything makePrinter needs; the app fills it from the config's
// [printer] and [fonts] sections.
struct PrinterOptions {
    std::string kind = "file";            // printer.kind: "file" | "escpos"
    std::string output;                   // printer.output: spool folder of the file printer
    std::string device = "/dev/usb/lp0";  // printer.device: a device file, or "tcp:HOST:PORT"
    std::string textMode = "gb18030";     // printer.text_mode: "gb18030" (printer's Chinese font) | "raster"
    int widthDots = 576;                  // printer.width_dots: printable width, dots (384 = 58 mm, 576 = 80 mm)
    std::string fontPath;                 // fonts.regular: .ttc/.otf drawn in raster mode
    int fontFace = 2;                     // fonts.face: face index in the collection
    int replyTimeoutMs = 300;             // how long to wait for each status reply, ms
    int connectTimeoutMs = 3000;          // TCP connect timeout, ms
    int writeTimeoutMs = 10000;           // give up when the printer takes no data for this long, ms
};

// The file printer for kind "file", the ESC/POS printer for "escpos". Never
// fails: a printer that cannot be reached says so in status() and print().
std::unique_ptr<Printer> makePrinter(const PrinterOptions& options);

// The technician's test page: device id, site, time, a paragraph of Chinese
// and one of English (long enough to wrap, which shows whether the paper
// width is right), and a QR code that scans as "KIOSK-PRINTER-TEST <id>".
PrintJob testPageJob(const std::string& deviceId, const std::string& site, const std::string& printedAt);

}  // namespace platform
