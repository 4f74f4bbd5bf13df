// writeAtomic / readAll (atomic_file.h) over POSIX open/fsync/rename.
#include "atomic_file.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace kiosk::fileio {

Result<void> writeAtomic(const std::filesystem::path& path, std::string_view text, unsigned mode) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    const std::string tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return fail(ErrorCode::Io, fmt::format("cannot write {}: check that the folder exists and is writable", tmp));
    ::fchmod(fd, mode);  // the umask must not widen or narrow it
    std::size_t off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n <= 0) {
            ::close(fd);
            ::unlink(tmp.c_str());
            return fail(ErrorCode::Io, fmt::format("write failed on {} (disk full?)", tmp));
        }
        off += std::size_t(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return fail(ErrorCode::Io, fmt::format("cannot flush {} to disk", tmp));
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return fail(ErrorCode::Io, fmt::format("cannot replace {}", path.string()));
    }
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

Result<std::string> readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read {}", path.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace kiosk::fileio
