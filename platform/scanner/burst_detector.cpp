// The burst detector: scans versus typing, by the gaps between keys.
#include "burst_detector.h"

namespace platform {

void BurstDetector::append(std::vector<ScanEvent>& out, ScanEvent::Kind kind, std::string text) {
    // Typed text that follows typed text is one event: fewer, larger events
    // for the consumer, same characters in the same order.
    if (kind == ScanEvent::Kind::Typed && !out.empty() && out.back().kind == ScanEvent::Kind::Typed)
        out.back().text += text;
    else
        out.push_back(ScanEvent{kind, std::move(text)});
}

void BurstDetector::flush(std::vector<ScanEvent>& out, bool withEnter) {
    if (m_run.size() >= m_options.minLength) {
        append(out, ScanEvent::Kind::Scan, std::move(m_run));
    } else {
        if (withEnter) m_run.push_back(kEnter);
        if (!m_run.empty()) append(out, ScanEvent::Kind::Typed, std::move(m_run));
    }
    m_run.clear();
}

void BurstDetector::key(std::int64_t ms, char ch, std::vector<ScanEvent>& out) {
    if (!m_run.empty() && ms - m_lastMs > m_options.gapMs) flush(out, false);
    if (ch == kEnter) {
        if (m_run.empty())
            append(out, ScanEvent::Kind::Typed, std::string(1, kEnter));
        else
            flush(out, true);
        return;
    }
    m_run.push_back(ch);
    m_lastMs = ms;
    if (m_run.size() >= kMaxScan) flush(out, false);
}

void BurstDetector::poll(std::int64_t nowMs, std::vector<ScanEvent>& out) {
    if (!m_run.empty() && nowMs - m_lastMs > m_options.gapMs) flush(out, false);
}

std::optional<std::int64_t> BurstDetector::deadlineMs() const {
    if (m_run.empty()) return std::nullopt;
    return m_lastMs + m_options.gapMs + 1;
}

}  // namespace platform
