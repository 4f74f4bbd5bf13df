// The ESC/POS printer: encodes a job (escpos_encoder.h), opens the wire
// (escpos_transport.h), asks the printer how it is, sends the job and asks
// again. One job or status check at a time: the heartbeat thread's state()
// waits for a print in progress rather than talking across it.
//
//   print(job)
//     encode ──fail──► error (font, QR too long)
//     open   ──fail──► error (not plugged in, refused, no permission)
//     status ──paper out / cover open / offline / error──► error, nothing sent
//       │ ready, paper low, or no reply (a printer that never talks back)
//     write  ──fail──► error (stalled, unplugged)
//     status again (only if it answered before): paper out / cover open ──► error
//     ok: "escpos:DEVICE"
//
// It logs sizes and outcomes only, never the text of a job.
#include "escpos_printer.h"

#include "base/log.h"
#include "escpos_encoder.h"
#include "escpos_transport.h"

#include <fmt/format.h>

#include <mutex>

namespace platform {
namespace {

auto logger() { return kiosk::log::channel("printer"); }

// After a job the printer may still be swallowing it before it answers.
constexpr int kAfterJobReplyTimeoutMs = 3000;

class EscposPrinter final : public Printer {
public:
    explicit EscposPrinter(PrinterOptions o) : m_options(std::move(o)) {}

    kiosk::Result<std::string> print(const PrintJob& job) override {
        escpos::EncodeOptions enc;
        enc.textMode = m_options.textMode == "raster" ? escpos::TextMode::Raster : escpos::TextMode::Gb18030;
        enc.widthDots = m_options.widthDots;
        enc.fontPath = m_options.fontPath;
        enc.fontFace = m_options.fontFace;
        auto bytes = escpos::encodeJob(job, enc);
        if (!bytes) return std::unexpected(bytes.error());

        std::lock_guard lock(m_mutex);
        auto wire = escpos::openTransport(m_options.device, m_options.connectTimeoutMs);
        if (!wire) return std::unexpected(wire.error());
        const PrinterStatus before = escpos::queryStatus(**wire, m_options.replyTimeoutMs);
        using Code = PrinterStatus::Code;
        if (before.code != Code::Ready && before.code != Code::PaperLow && before.code != Code::Unknown)
            return kiosk::fail(kiosk::ErrorCode::Io,
                               fmt::format("printer {} cannot print: {}", m_options.device, stateTextWithDetail(before)));
        if (auto w = (*wire)->writeAll(*bytes, m_options.writeTimeoutMs); !w) return std::unexpected(w.error());
        logger()->debug("sent {} bytes to {} (status before: {})", bytes->size(), m_options.device,
                        statusName(before.code));
        if (before.code != Code::Unknown) {
            const PrinterStatus after = escpos::queryStatus(**wire, m_options.replyTimeoutMs, kAfterJobReplyTimeoutMs);
            if (after.code == Code::PaperOut || after.code == Code::CoverOpen)
                return kiosk::fail(kiosk::ErrorCode::Io,
                                   fmt::format("printer {} stopped while printing: {}; print again after fixing it",
                                               m_options.device, stateTextWithDetail(after)));
        }
        return name();
    }

    std::string name() const override { return "escpos:" + m_options.device; }

    PrinterStatus status() const override {
        std::lock_guard lock(m_mutex);
        auto wire = escpos::openTransport(m_options.device, m_options.connectTimeoutMs);
        if (!wire) return PrinterStatus{PrinterStatus::Code::Error, wire.error().message};
        return escpos::queryStatus(**wire, m_options.replyTimeoutMs);
    }

    std::string state() const override { return stateText(status()); }

private:
    static std::string stateTextWithDetail(const PrinterStatus& s) {
        if (s.code == PrinterStatus::Code::Error || s.detail.empty()) return stateText(s);
        return stateText(s) + " (" + s.detail + ")";
    }

    PrinterOptions m_options;
    mutable std::mutex m_mutex;  // one conversation with the printer at a time
};

}  // namespace

std::unique_ptr<Printer> makeEscposPrinter(const PrinterOptions& options) {
    return std::make_unique<EscposPrinter>(options);
}

}  // namespace platform
