// The file printer.
#include "printer.h"

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
    std::string state() const override {
        // The spool folder must exist (or be creatable) and take a file.
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::create_directories(m_dir, ec);
        const std::string probe = m_dir + "/.state-probe";
        std::ofstream out(probe, std::ios::binary);
        if (!out || !(out << "ok").flush()) return "spool folder not writable: " + m_dir;
        out.close();
        fs::remove(probe, ec);
        return "ok";
    }

private:
    std::string m_dir;
    int m_next = 0;
};

}  // namespace

std::unique_ptr<Printer> makeFilePrinter(std::string directory) {
    return std::make_unique<FilePrinter>(std::move(directory));
}

}  // namespace platform
