// The hidden gesture that opens maintenance mode: hold the top-left corner
// for a second, then within three seconds hold the bottom-right corner for a
// second. A visitor will not do this by accident, and it needs no keyboard.
// A press that completes a corner hold is swallowed (the app hides it from
// ImGui), so the back button under the top-left corner does not fire.
// Pure: the app feeds the touch state and the monotonic time every frame.
#pragma once

#include <algorithm>
#include <cstdint>

namespace kiosk::app {

class CornerGesture {
public:
    static constexpr std::int64_t kHoldMs = 1000;
    static constexpr std::int64_t kWithinMs = 3000;

    enum class Result { None, Swallow, Complete };

    // `down`: a finger is on the glass at (x, y) of a w×h screen.
    Result update(bool down, float x, float y, std::int64_t nowMs, float w, float h) {
        if (!down) {
            m_pressCorner = -1;
            m_swallowing = false;
            return Result::None;
        }
        if (m_swallowing) return Result::Swallow;
        const int corner = cornerOf(x, y, w, h);
        if (m_pressCorner == -2) return Result::None;  // this press started or strayed outside a corner
        if (m_pressCorner == -1) {                      // a new press
            m_pressCorner = corner < 0 ? -2 : corner;
            m_downAtMs = nowMs;
            return Result::None;
        }
        if (corner != m_pressCorner) {  // slid away: not a hold
            m_pressCorner = -2;
            return Result::None;
        }
        if (nowMs - m_downAtMs < kHoldMs) return Result::None;
        m_swallowing = true;
        if (corner == 0) {
            m_firstDoneMs = nowMs;
            return Result::Swallow;
        }
        // Bottom-right: completes the gesture if the top-left hold was recent.
        const bool complete = m_firstDoneMs >= 0 && nowMs - m_firstDoneMs <= kWithinMs + kHoldMs;
        m_firstDoneMs = -1;
        return complete ? Result::Complete : Result::Swallow;
    }

    // When the held press next needs a look (a hold completing), or -1.
    std::int64_t deadlineMs() const {
        return m_pressCorner >= 0 && !m_swallowing ? m_downAtMs + kHoldMs : -1;
    }

private:
    static int cornerOf(float x, float y, float w, float h) {
        const float size = std::max(80.0f, std::min(w, h) * 0.08f);
        if (x < size && y < size) return 0;
        if (x > w - size && y > h - size) return 1;
        return -1;
    }

    int m_pressCorner = -1;  // -1 no press, -2 a press not in a corner, 0 top-left, 1 bottom-right
    std::int64_t m_downAtMs = 0;
    std::int64_t m_firstDoneMs = -1;
    bool m_swallowing = false;
};

}  // namespace kiosk::app
