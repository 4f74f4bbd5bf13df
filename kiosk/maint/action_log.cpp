// The maintenance action log (action_log.h): an append-only JSON-lines file,
// rewritten atomically only to mark entries reported or to drop old ones.
// Every operation holds an exclusive flock on DATA/maintenance-log.lock, so
// the UI thread, the sync worker and kioskctl never interleave a rewrite with
// an append.
#include "action_log.h"

#include "base/atomic_file.h"
#include "base/log.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

namespace kiosk::maint {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLogName = "maintenance-log.jsonl";
constexpr std::string_view kLockName = "maintenance-log.lock";
constexpr std::size_t kDetailMax = 200;

auto logger() { return log::channel("maint"); }

// An exclusive advisory lock for the length of one operation.
class FileLock {
public:
    explicit FileLock(const fs::path& dataDir) {
        m_fd = ::open((dataDir / kLockName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m_fd >= 0 && ::flock(m_fd, LOCK_EX) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~FileLock() {
        if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    bool held() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

struct Entry {
    MaintenanceAction a;
    bool reported = false;
};

nlohmann::json toJson(const Entry& e) {
    nlohmann::json j = {{"id", e.a.id}, {"at", e.a.at}, {"action", e.a.action}, {"detail", e.a.detail}};
    if (e.reported) j["reported"] = true;
    return j;
}

// Every well-formed line, in file order; a torn or foreign line is skipped.
Result<std::vector<Entry>> readEntries(const fs::path& file) {
    std::vector<Entry> out;
    std::error_code ec;
    if (!fs::exists(file, ec)) return out;
    auto text = fileio::readAll(file);
    if (!text) return std::unexpected(text.error());
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;
        const auto id = j.find("id"), at = j.find("at"), act = j.find("action"), det = j.find("detail");
        if (id == j.end() || !id->is_number_integer() || at == j.end() || !at->is_number_integer() ||
            act == j.end() || !act->is_string() || det == j.end() || !det->is_string())
            continue;
        Entry e;
        e.a = {id->get<std::int64_t>(), at->get<std::int64_t>(), act->get<std::string>(), det->get<std::string>()};
        e.reported = j.value("reported", false);
        out.push_back(std::move(e));
    }
    return out;
}

Result<void> writeEntries(const fs::path& file, const std::vector<Entry>& entries) {
    std::string text;
    for (const auto& e : entries) text += toJson(e).dump() + "\n";
    return fileio::writeAtomic(file, text, 0600);
}

// Keeps every unreported entry (at most kUnreportedKept, the newest) and the
// newest kReportedKept reported ones, in id order. True when it dropped any.
bool compact(std::vector<Entry>& entries) {
    std::size_t reported = 0, unreported = 0;
    for (const auto& e : entries) (e.reported ? reported : unreported)++;
    if (reported <= kReportedKept && unreported <= kUnreportedKept) return false;
    std::size_t dropReported = reported > kReportedKept ? reported - kReportedKept : 0;
    std::size_t dropUnreported = unreported > kUnreportedKept ? unreported - kUnreportedKept : 0;
    if (dropUnreported > 0)
        logger()->warn("maintenance log: {} actions never reached the hub and are dropped (oldest first)", dropUnreported);
    std::vector<Entry> kept;
    kept.reserve(entries.size());
    for (auto& e : entries) {
        std::size_t& drop = e.reported ? dropReported : dropUnreported;
        if (drop > 0) {
            --drop;
            continue;
        }
        kept.push_back(std::move(e));
    }
    entries = std::move(kept);
    return true;
}

bool validAction(std::string_view a) {
    return !a.empty() && a.size() <= 40 && std::all_of(a.begin(), a.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// Cuts to kDetailMax bytes on a UTF-8 boundary and replaces control characters.
std::string cleanDetail(std::string_view d) {
    std::string out;
    for (char c : d) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    if (out.size() > kDetailMax) {
        std::size_t cut = kDetailMax;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    return out;
}

Result<void> appendLine(const fs::path& file, const std::string& line) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(ErrorCode::Io, fmt::format("cannot append to {}: check the data folder", file.string()));
    std::string text;
    // A torn last line (power cut mid-append) must not swallow this one.
    const off_t size = ::lseek(fd, 0, SEEK_END);
    if (size > 0) {
        const int rfd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        char last = '\n';
        if (rfd >= 0) {
            if (::pread(rfd, &last, 1, size - 1) != 1) last = '\n';
            ::close(rfd);
        }
        if (last != '\n') text += '\n';
    }
    text += line;
    text += '\n';
    std::size_t off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n <= 0) {
            ::close(fd);
            return fail(ErrorCode::Io, fmt::format("write failed on {} (disk full?)", file.string()));
        }
        off += std::size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) return fail(ErrorCode::Io, fmt::format("cannot flush {} to disk", file.string()));
    return {};
}

std::unexpected<Error> lockFailed(const fs::path& dataDir) {
    return fail(ErrorCode::Io, fmt::format("cannot lock {}: check the data folder is writable", (dataDir / kLockName).string()));
}

}  // namespace

Result<void> recordAction(const fs::path& dataDir, std::string_view action, std::string_view detail,
                          std::int64_t epochMs) {
    if (!validAction(action))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("maintenance action '{}' is not a short lower-case word (a-z and _)", action));
    std::error_code ec;
    fs::create_directories(dataDir, ec);
    FileLock lock(dataDir);
    if (!lock.held()) return lockFailed(dataDir);
    const fs::path file = dataDir / kLogName;
    auto entries = readEntries(file);
    if (!entries) return std::unexpected(entries.error());
    std::int64_t lastId = 0;
    for (const auto& e : *entries) lastId = std::max(lastId, e.a.id);
    Entry e;
    e.a = {lastId + 1, epochMs, std::string(action), cleanDetail(detail)};
    logger()->info("{}{}{}", e.a.action, e.a.detail.empty() ? "" : ": ", e.a.detail);
    entries->push_back(e);
    if (compact(*entries)) return writeEntries(file, *entries);
    return appendLine(file, toJson(e).dump());
}

Result<std::vector<MaintenanceAction>> unreportedActions(const fs::path& dataDir) {
    if (std::error_code ec; !fs::exists(dataDir / kLogName, ec)) return std::vector<MaintenanceAction>{};
    FileLock lock(dataDir);
    if (!lock.held()) return lockFailed(dataDir);
    auto entries = readEntries(dataDir / kLogName);
    if (!entries) return std::unexpected(entries.error());
    std::vector<MaintenanceAction> out;
    for (auto& e : *entries)
        if (!e.reported) out.push_back(std::move(e.a));
    return out;
}

Result<void> markReported(const fs::path& dataDir, std::int64_t upToId) {
    if (std::error_code ec; !fs::exists(dataDir / kLogName, ec)) return {};
    FileLock lock(dataDir);
    if (!lock.held()) return lockFailed(dataDir);
    const fs::path file = dataDir / kLogName;
    auto entries = readEntries(file);
    if (!entries) return std::unexpected(entries.error());
    bool changed = false;
    for (auto& e : *entries) {
        if (!e.reported && e.a.id <= upToId) {
            e.reported = true;
            changed = true;
        }
    }
    changed = compact(*entries) || changed;
    if (!changed) return {};
    return writeEntries(file, *entries);
}

Result<std::vector<MaintenanceAction>> recentActions(const fs::path& dataDir, std::size_t count) {
    if (std::error_code ec; !fs::exists(dataDir / kLogName, ec)) return std::vector<MaintenanceAction>{};
    FileLock lock(dataDir);
    if (!lock.held()) return lockFailed(dataDir);
    auto entries = readEntries(dataDir / kLogName);
    if (!entries) return std::unexpected(entries.error());
    const std::size_t from = entries->size() > count ? entries->size() - count : 0;
    std::vector<MaintenanceAction> out;
    for (std::size_t i = from; i < entries->size(); ++i) out.push_back(std::move((*entries)[i].a));
    return out;
}

}  // namespace kiosk::maint
