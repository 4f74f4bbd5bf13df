// The fake scanner: a queue of events handed out by poll().
#include "scanner.h"

namespace platform {

void FakeScanner::push(ScanEvent e) {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(e));
}

std::vector<ScanEvent> FakeScanner::poll(std::int64_t) {
    std::lock_guard lock(m_mutex);
    std::vector<ScanEvent> out(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.end()));
    m_queue.clear();
    return out;
}

std::optional<std::int64_t> FakeScanner::nextDeadlineMs() const {
    // Something injected is due at once; the caller's loop may be asleep.
    std::lock_guard lock(m_mutex);
    if (m_queue.empty()) return std::nullopt;
    return std::int64_t{0};
}

}  // namespace platform
