// The file printer, the choice between printers, the status words and the
// technician's test page (printer.h). The ESC/POS printer lives in
// escpos_printer.cpp.
#include "printer.h"

#include "escpos_printer.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace platform {
namespace {

class FilePrinter final : public Printer {
public:
    explicit FilePrinter(std::string dir) : m_dir(std::move(dir)) {}

    kiosk::Result<std::string> print(const PrintJob& job) override {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::create_directories(m_dir, ec);
        // Next free number, so restarts never overwrite an earlier job.
        std::string path;
        do {
            path = fmt::format("{}/job-{:06}.txt", m_dir, ++m_next);
        } while (fs::exists(path, ec));
        const std::string tmp = path + ".part";
        {
            std::ofstream out(tmp, std::ios::binary);
            if (!out)
                return kiosk::fail(kiosk::ErrorCode::Io,
                                   fmt::format("printer folder {} is not writable (printer.output)", m_dir));
            out << job.title << "\n\n";
            for (const auto& l : job.lines) out << l << "\n";
            if (!job.qr.empty()) out << "\n[QR] " << job.qr << "\n";
            if (!out.flush())
                return kiosk::fail(kiosk::ErrorCode::Io, fmt::format("could not write to {}", tmp));
        }
        fs::rename(tmp, path, ec);
        if (ec) return kiosk::fail(kiosk::ErrorCode::Io, fmt::format("could not finish {}: {}", path, ec.message()));
        return path;
    }
    std::string name() const override { return "file:" + m_dir; }
    PrinterStatus status() const override {
        // The spool folder must exist (or be creatable) and take a file.
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::create_directories(m_dir, ec);
        const std::string probe = m_dir + "/.state-probe";
        std::ofstream out(probe, std::ios::binary);
        if (!out || !(out << "ok").flush())
            return PrinterStatus{PrinterStatus::Code::Offline, "spool folder not writable: " + m_dir};
        out.close();
        fs::remove(probe, ec);
        return PrinterStatus{PrinterStatus::Code::Ready, ""};
    }
    std::string state() const override {
        const PrinterStatus s = status();
        return s.code == PrinterStatus::Code::Ready ? "ok" : s.detail;
    }

private:
    std::string m_dir;
    int m_next = 0;
};

// Stands in for a printer.kind this build does not know (the config schema
// refuses such values; this keeps a hand-made PrinterOptions from crashing).
class MisconfiguredPrinter final : public Printer {
public:
    explicit MisconfiguredPrinter(std::string kind)
        : m_message(fmt::format("printer.kind \"{}\" is not \"file\" or \"escpos\"", kind)) {}
    kiosk::Result<std::string> print(const PrintJob&) override {
        return kiosk::fail(kiosk::ErrorCode::Config, m_message);
    }
    std::string name() const override { return "misconfigured"; }
    PrinterStatus status() const override { return PrinterStatus{PrinterStatus::Code::Error, m_message}; }
    std::string state() const override { return stateText(status()); }

private:
    std::string m_message;
};

}  // namespace

const char* statusName(PrinterStatus::Code code) {
    switch (code) {
        case PrinterStatus::Code::Ready: return "ready";
        case PrinterStatus::Code::PaperLow: return "paper_low";
        case PrinterStatus::Code::PaperOut: return "paper_out";
        case PrinterStatus::Code::CoverOpen: return "cover_open";
        case PrinterStatus::Code::Offline: return "offline";
        case PrinterStatus::Code::Error: return "error";
        case PrinterStatus::Code::Unknown: return "unknown";
    }
    return "unknown";
}

std::string stateText(const PrinterStatus& s) {
    switch (s.code) {
        case PrinterStatus::Code::Ready: return "ok";
        case PrinterStatus::Code::PaperLow: return "paper low";
        case PrinterStatus::Code::PaperOut: return "paper out";
        case PrinterStatus::Code::CoverOpen: return "cover open";
        case PrinterStatus::Code::Offline: return "offline";
        case PrinterStatus::Code::Error: return "error: " + s.detail;
        case PrinterStatus::Code::Unknown: return "no status reply";
    }
    return "no status reply";
}

std::unique_ptr<Printer> makeFilePrinter(std::string directory) {
    return std::make_unique<FilePrinter>(std::move(directory));
}

std::unique_ptr<Printer> makePrinter(const PrinterOptions& options) {
    if (options.kind == "file") return makeFilePrinter(options.output);
    if (options.kind == "escpos") return makeEscposPrinter(options);
    return std::make_unique<MisconfiguredPrinter>(options.kind);
}

PrintJob testPageJob(const std::string& deviceId, const std::string& site, const std::string& printedAt) {
    PrintJob job;
    job.title = "打印测试 Printer test";
    job.lines = {
        "设备 Device: " + deviceId,
        "地点 Site: " + site,
        "时间 Time: " + printedAt,
        "",
        "中文：政务服务自助终端打印测试。如果这段汉字清楚、完整，中文打印正常。",
        "English: self-service kiosk printer test. If this text is sharp and complete, Latin text prints correctly.",
        "",
        "扫描下方二维码应得到 Scanning the code below should give:",
    };
    job.qr = "KIOSK-PRINTER-TEST " + deviceId;
    return job;
}

}  // namespace platform
