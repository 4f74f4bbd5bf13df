// Implementation of the channel registry over spdlog with two shared sinks.
#include "log.h"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

namespace kiosk::log {
namespace {

constexpr std::size_t kRingLines = 512;

struct Registry {
    std::mutex mutex;
    std::shared_ptr<spdlog::sinks::stderr_sink_mt> stderrSink;
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring;
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
                                                   spdlog::sinks_init_list{r.stderrSink, r.ring});
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

}  // namespace kiosk::log
