// Parser for headless test scripts (format in script.h).
#include "script.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace kiosk::app {
namespace {

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

bool number(std::string_view s, float& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool integer(std::string_view s, int& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= 0;
}

}  // namespace

Result<std::vector<Step>> parseScript(std::string_view text, std::string_view origin) {
    std::vector<Step> steps;
    std::vector<std::size_t> open;  // indices of the repeats not closed yet
    int lineNo = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto w = words(line);
        if (w.empty() || w[0].starts_with('#')) continue;
        Step s;
        s.line = lineNo;
        const std::string_view cmd = w[0];
        auto bad = [&](std::string_view usage) {
            return fail(ErrorCode::Parse, fmt::format("{}:{}: expected '{}'", origin, lineNo, usage));
        };
        if (cmd == "tap") {
            s.kind = Step::Kind::Tap;
            if (w.size() != 3 || !number(w[1], s.x) || !number(w[2], s.y)) return bad("tap X Y");
        } else if (cmd == "tap-id") {
            s.kind = Step::Kind::TapId;
            if (w.size() != 2) return bad("tap-id WIDGET_ID");
            s.text = std::string(w[1]);
        } else if (cmd == "drag") {
            s.kind = Step::Kind::Drag;
            s.ms = 300;
            if ((w.size() != 5 && w.size() != 6) || !number(w[1], s.x) || !number(w[2], s.y) || !number(w[3], s.x2) ||
                !number(w[4], s.y2) || (w.size() == 6 && !integer(w[5], s.ms)))
                return bad("drag X1 Y1 X2 Y2 [MS]");
        } else if (cmd == "drag-id") {
            s.kind = Step::Kind::DragId;
            s.ms = 300;
            if ((w.size() != 4 && w.size() != 5) || !number(w[2], s.x2) || !number(w[3], s.y2) ||
                (w.size() == 5 && !integer(w[4], s.ms)))
                return bad("drag-id WIDGET_ID DX DY [MS]");
            s.text = std::string(w[1]);
        } else if (cmd == "hold") {
            s.kind = Step::Kind::Hold;
            if (w.size() != 4 || !number(w[1], s.x) || !number(w[2], s.y) || !integer(w[3], s.ms))
                return bad("hold X Y MS");
        } else if (cmd == "scan") {
            s.kind = Step::Kind::Scan;
            const auto at = line.find("scan") + 4;
            s.text = std::string(line.substr(std::min(line.size(), at + 1)));
            if (s.text.empty()) return bad("scan TEXT");
        } else if (cmd == "type") {
            s.kind = Step::Kind::Type;
            const auto at = line.find("type") + 4;
            s.text = std::string(line.substr(std::min(line.size(), at + 1)));
            if (s.text.empty()) return bad("type TEXT");
        } else if (cmd == "key") {
            s.kind = Step::Kind::Key;
            if (w.size() != 2) return bad("key NAME");
            s.text = std::string(w[1]);
            static constexpr std::string_view kKeys[] = {"Backspace", "Delete", "Enter", "Tab", "Escape",
                                                         "Left",      "Right",  "Home",  "End"};
            if (std::find(std::begin(kKeys), std::end(kKeys), s.text) == std::end(kKeys))
                return fail(ErrorCode::Parse,
                            fmt::format("{}:{}: unknown key '{}'; known: Backspace Delete Enter Tab Escape Left Right "
                                        "Home End",
                                        origin, lineNo, s.text));
        } else if (cmd == "wait" || cmd == "idle") {
            s.kind = cmd == "wait" ? Step::Kind::Wait : Step::Kind::Idle;
            if (w.size() != 2 || !integer(w[1], s.ms)) return bad(fmt::format("{} MS", cmd));
        } else if (cmd == "screenshot") {
            s.kind = Step::Kind::Screenshot;
            if (w.size() != 2) return bad("screenshot PATH");
            s.text = std::string(w[1]);
        } else if (cmd == "repeat") {
            s.kind = Step::Kind::Repeat;
            if (w.size() != 2 || !integer(w[1], s.ms)) return bad("repeat N");
            open.push_back(steps.size());
        } else if (cmd == "end") {
            s.kind = Step::Kind::End;
            if (w.size() != 1) return bad("end");
            if (open.empty())
                return fail(ErrorCode::Parse, fmt::format("{}:{}: 'end' without a 'repeat' before it", origin, lineNo));
            s.jump = open.back();
            steps[open.back()].jump = steps.size();
            open.pop_back();
        } else {
            return fail(ErrorCode::Parse,
                        fmt::format("{}:{}: unknown step '{}'; steps are tap, tap-id, hold, drag, drag-id, type, key, scan, "
                                    "wait, idle, screenshot, repeat, end",
                                    origin, lineNo, cmd));
        }
        steps.push_back(std::move(s));
    }
    if (!open.empty())
        return fail(ErrorCode::Parse, fmt::format("{}:{}: 'repeat' has no 'end'", origin, steps[open.back()].line));
    return steps;
}

Result<std::vector<Step>> loadScript(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read script {}", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return parseScript(ss.str(), path);
}

}  // namespace kiosk::app
