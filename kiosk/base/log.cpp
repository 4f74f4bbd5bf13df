// Implementation of the channel registry over spdlog with three shared sinks:
// stderr, the ring buffer, and a distributor that holds the optional
// rotating file sink (added later without touching the loggers).
#include "log.h"

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

namespace kiosk::log {
namespace {

constexpr std::size_t kRingLines = 512;
constexpr const char* kFilePattern = "%Y-%m-%d %H:%M:%S.%e %l [%n] %v";

// spdlog's rotating file sink flushes only on request; this one flushes each
// line so `kioskctl logs` and a power cut lose nothing already logged.
class FlushedRotatingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    FlushedRotatingSink(const std::string& file, std::size_t maxBytes, std::size_t files)
        : m_inner(file, maxBytes, files > 1 ? files - 1 : 0) {
        m_inner.set_pattern(kFilePattern);
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        m_inner.log(msg);
        m_inner.flush();
    }
    void flush_() override { m_inner.flush(); }
    void set_pattern_(const std::string& pattern) override { m_inner.set_pattern(pattern); }
    void set_formatter_(std::unique_ptr<spdlog::formatter> f) override { m_inner.set_formatter(std::move(f)); }

private:
    spdlog::sinks::rotating_file_sink_st m_inner;
};

struct Registry {
    std::mutex mutex;
    std::shared_ptr<spdlog::sinks::stderr_sink_mt> stderrSink;
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring;
    std::shared_ptr<spdlog::sinks::dist_sink_mt> files;  // empty until addFileSink()
    std::set<std::string, std::less<>> traced;
    bool traceAll = false;
    std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
};

Registry& registry() {
    static Registry r;
    return r;
}

void initLocked(Registry& r) {
    if (r.stderrSink) return;
    r.stderrSink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    r.ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(kRingLines);
    r.files = std::make_shared<spdlog::sinks::dist_sink_mt>();
    const std::string pattern = "%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v";
    r.stderrSink->set_pattern(pattern);
    r.ring->set_pattern(pattern);
    if (const char* env = std::getenv("KIOSK_TRACE")) {
        std::string_view rest(env);
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            if (item == "all" || item == "*") r.traceAll = true;
            else if (!item.empty()) r.traced.emplace(item);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
}

}  // namespace

void init() {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    initLocked(r);
}

bool traced(std::string_view name) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    initLocked(r);
    return r.traceAll || r.traced.contains(name);
}

std::shared_ptr<spdlog::logger> channel(std::string_view name) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    initLocked(r);
    if (auto it = r.loggers.find(name); it != r.loggers.end()) return it->second;
    auto logger = std::make_shared<spdlog::logger>(std::string(name),
                                                   spdlog::sinks_init_list{r.stderrSink, r.ring, r.files});
    const bool detail = r.traceAll || r.traced.contains(name);
    logger->set_level(detail ? spdlog::level::debug : spdlog::level::info);
    logger->flush_on(spdlog::level::warn);
    r.loggers.emplace(std::string(name), logger);
    return logger;
}

std::vector<std::string> recent(std::size_t count) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    initLocked(r);
    return r.ring->last_formatted(count);
}

Result<void> addFileSink(const std::filesystem::path& file, std::size_t maxBytes, std::size_t files) {
    std::error_code ec;
    if (file.has_parent_path()) {
        std::filesystem::create_directories(file.parent_path(), ec);
        std::filesystem::permissions(file.parent_path(), std::filesystem::perms(0750), ec);
    }
    std::shared_ptr<FlushedRotatingSink> sink;
    try {
        sink = std::make_shared<FlushedRotatingSink>(file.string(), maxBytes, files);
    } catch (const spdlog::spdlog_ex& e) {
        return fail(ErrorCode::Io, fmt::format("cannot log to {}: {}", file.string(), e.what()));
    }
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    initLocked(r);
    r.files->set_sinks({sink});
    return {};
}

std::filesystem::path logFileIn(const std::filesystem::path& dataDir) { return dataDir / "logs" / "kiosk.log"; }

}  // namespace kiosk::log
