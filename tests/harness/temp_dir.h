// The one temp-folder helper of the tests and benchmarks: a folder made
// fresh (whatever was there before is removed first), optionally removed
// again at the end. Everything that needs scratch space on disk — unit tests,
// end-to-end tests, benchmark work folders — makes it here, so that names are
// unique per process and nothing is left behind by accident. Header-only and
// free of GoogleTest (the benchmarks use it); test_dir.h adds the folder named
// after the running test. Never removes anything but the folder it made.
#pragma once

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace harness {

// Removes `dir` with everything in it (when it exists), makes it anew and
// empty (with its parents), and returns it.
inline std::filesystem::path freshDir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir);
    return dir;
}

// A fresh folder NAME-PID under the system's temp folder ($TMPDIR or /tmp):
// the pid keeps test programs that run at the same time apart.
inline std::filesystem::path freshTempDir(std::string_view name) {
    return freshDir(std::filesystem::temp_directory_path() / fmt::format("{}-{}", name, getpid()));
}

// A fresh folder that is removed with everything in it when this object goes
// out of scope (unless keep() was called): for a test or benchmark that must
// leave nothing behind, also when an assertion ends it early.
class TempDir {
public:
    // A fresh NAME-PID under the system's temp folder (freshTempDir).
    explicit TempDir(std::string_view name) : m_path(freshTempDir(name)) {}
    ~TempDir() {
        if (m_keep) return;
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::filesystem::path& p) const { return m_path / p; }
    // Leave the folder where it is at the end (e.g. a benchmark's --keep).
    void keep() { m_keep = true; }

private:
    std::filesystem::path m_path;
    bool m_keep = false;
};

}  // namespace harness
