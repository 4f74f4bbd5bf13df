// The technician's screens: the PIN pad, the maintenance pages (device and
// site, network, sync, printer, scanner test, touch test, logs) with their
// actions, and the setup screen of an unprovisioned kiosk. They draw from
// MaintenanceState only; every fact on them was gathered by the app loop.
#include "screens.h"

#include "base/time_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace kiosk::ui {
namespace {

using state::MaintCommand;
using state::MaintPage;

constexpr MaintPage kPages[] = {MaintPage::Device,  MaintPage::Network, MaintPage::Sync, MaintPage::Printer,
                                MaintPage::Scanner, MaintPage::Touch,   MaintPage::Logs};

const char* pageKey(MaintPage p) {
    switch (p) {
        case MaintPage::Device: return i18n::Key{"maint.page_device"}.id;
        case MaintPage::Network: return i18n::Key{"maint.page_network"}.id;
        case MaintPage::Sync: return i18n::Key{"maint.page_sync"}.id;
        case MaintPage::Printer: return i18n::Key{"maint.page_printer"}.id;
        case MaintPage::Scanner: return i18n::Key{"maint.page_scanner"}.id;
        case MaintPage::Touch: return i18n::Key{"maint.page_touch"}.id;
        case MaintPage::Logs: return i18n::Key{"maint.page_logs"}.id;
        case MaintPage::Count: break;
    }
    return i18n::Key{"maint.page_device"}.id;
}

const char* pageId(MaintPage p) {
    static constexpr const char* kIds[] = {"maint.nav.device",  "maint.nav.network", "maint.nav.sync",
                                           "maint.nav.printer", "maint.nav.scanner", "maint.nav.touch",
                                           "maint.nav.logs"};
    return kIds[static_cast<int>(p)];
}

std::string bytesText(const Ctx& c, std::int64_t bytes) {
    if (bytes < 0) return c.tr("maint.unknown");
    const double gb = double(bytes) / (1024.0 * 1024.0 * 1024.0);
    if (gb >= 1.0) return fmt::format("{:.1f} GB", gb);
    return fmt::format("{:.0f} MB", double(bytes) / (1024.0 * 1024.0));
}

std::string durationText(const Ctx& c, std::int64_t seconds) {
    if (seconds < 0) return c.tr("maint.unknown");
    const std::int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;
    if (d > 0) return fmt::format(fmt::runtime(c.tr("maint.days_hours")), d, h);
    if (h > 0) return fmt::format(fmt::runtime(c.tr("maint.hours_minutes")), h, m);
    return fmt::format(fmt::runtime(c.tr("maint.minutes")), m);
}

// One "label   value" line; the value wraps in the space left of the label.
void row(const Ctx& c, std::string_view label, std::string_view value, float width, ImU32 valueColor = 0) {
    const float labelW = std::min(width * 0.38f, 300.0f * c.metrics.scale * (c.metrics.elder ? 1.3f : 1.0f));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float inset = std::round(c.px(FontRole::Body) * (c.metrics.elder ? 0.25f : 0.2f));  // as paragraph()
    textAt(c, FontRole::Body, ImVec2(at.x, at.y + inset), c.palette.textMuted, label);
    ImGui::SetCursorScreenPos(ImVec2(at.x + labelW, at.y));
    paragraph(c, FontRole::Body, value, valueColor ? valueColor : c.palette.text, width - labelW);
    ImGui::SetCursorScreenPos(ImVec2(at.x, ImGui::GetCursorScreenPos().y + c.metrics.gap * 0.15f));
}

float actionWidth(const Ctx& c, std::string_view label) {
    return std::max(measureText(c, FontRole::Body, label).x + c.metrics.gap * 2.0f, c.metrics.target * 2.5f);
}

// Buttons in a row that wraps when the panel is narrow.
class ButtonRow {
public:
    ButtonRow(const Ctx& c, float width) : m_c(c), m_width(width), m_x0(ImGui::GetCursorScreenPos().x) {}
    bool add(const char* id, std::string_view label, ButtonStyle style) {
        const float w = actionWidth(m_c, label);
        if (m_used > 0 && m_used + m_c.metrics.gap + w <= m_width) {
            ImGui::SameLine(0, m_c.metrics.gap);
            m_used += m_c.metrics.gap + w;
        } else {
            if (m_used > 0) ImGui::Dummy(ImVec2(0, m_c.metrics.gap * 0.4f));
            ImGui::SetCursorScreenPos(ImVec2(m_x0, ImGui::GetCursorScreenPos().y));
            m_used = w;
        }
        return button(m_c, id, label, ImVec2(w, 0), style);
    }

private:
    const Ctx& m_c;
    float m_width, m_x0, m_used = 0;
};

std::string printerText(const Ctx& c, const state::MaintInfo& i) {
    std::string text;
    if (i.printerCode == "ready") text = c.tr("maint.printer_ready");
    else if (i.printerCode == "paper_low") text = c.tr("maint.printer_paper_low");
    else if (i.printerCode == "paper_out") text = c.tr("maint.printer_paper_out");
    else if (i.printerCode == "cover_open") text = c.tr("maint.printer_cover_open");
    else if (i.printerCode == "offline") text = c.tr("maint.printer_offline");
    else if (i.printerCode == "error") text = c.tr("maint.printer_error");
    else text = c.tr("maint.printer_unknown");
    if (!i.printerDetail.empty()) text += fmt::format(" — {}", i.printerDetail);
    return text;
}

ImU32 printerColor(const Ctx& c, const state::MaintInfo& i) {
    return i.printerCode == "ready" ? c.palette.success : i.printerCode == "paper_low" ? c.palette.text : c.palette.danger;
}

void outcome(const Ctx& c, const state::MaintenanceState& m, float width) {
    if (m.messageKey.empty()) return;
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    std::string text = c.tr(m.messageKey);
    if (!m.messageDetail.empty()) text += fmt::format(" ({})", m.messageDetail);
    paragraph(c, FontRole::Body, text, c.palette.primary, width);
}

void rotationChips(const Ctx& c, int current, state::Actions& out) {
    static constexpr int kDegrees[] = {0, 90, 180, 270};
    for (int i = 0; i < 4; ++i) {
        if (i) ImGui::SameLine(0, c.metrics.gap * 0.5f);
        const std::string id = fmt::format("maint.rotate.{}", kDegrees[i]);
        if (chip(c, id.c_str(), fmt::format("{}°", kDegrees[i]), current == kDegrees[i], c.metrics.target * 1.6f))
            out.emplace_back(state::Maint{state::maint::Do{MaintCommand::Rotate, kDegrees[i]}});
    }
}

// --- pages ------------------------------------------------------------------
void devicePage(const Ctx& c, const state::MaintenanceState& m, float w, state::Actions& out) {
    const auto& i = m.info;
    sectionHeader(c, c.tr("maint.page_device"), w);
    row(c, c.tr("maint.device_id"), i.deviceId.empty() ? c.tr("maint.unknown") : i.deviceId, w);
    row(c, c.tr("maint.site"), i.provisioned ? fmt::format("{} · {}", i.site, i.siteName) : c.tr("maint.not_provisioned"),
        w, i.provisioned ? 0 : c.palette.danger);
    row(c, c.tr("maint.app_version"), i.appVersion, w);
    row(c, c.tr("maint.content_version"),
        i.contentVersion.empty() ? c.tr("maint.no_content") : i.contentVersion, w, i.contentVersion.empty() ? c.palette.danger : 0);
    row(c, c.tr("maint.uptime"), durationText(c, i.uptimeS), w);
    row(c, c.tr("maint.disk"),
        fmt::format(fmt::runtime(c.tr("maint.disk_value")), bytesText(c, i.diskFreeBytes), bytesText(c, i.diskTotalBytes)),
        w);
    row(c, c.tr("maint.screen"), fmt::format("{} × {} · {}°", i.width, i.height, i.rotation), w);
    row(c, c.tr("maint.watchdog"),
        i.watchdogState == 1   ? fmt::format(fmt::runtime(c.tr("maint.wd_active")), i.watchdogIntervalS)
        : i.watchdogState == 2 ? fmt::format(fmt::runtime(c.tr("maint.wd_withheld")), i.watchdogWithheld)
                               : std::string(c.tr("maint.wd_off")),
        w, i.watchdogState == 2 ? c.palette.danger : 0);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    paragraph(c, FontRole::Body, c.tr("maint.rotate"), c.palette.textMuted, w);
    rotationChips(c, i.rotation, out);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    ButtonRow buttons(c, w);
    if (buttons.add("maint.restart", c.tr(m.confirmRestart ? "maint.restart_confirm" : "maint.restart"),
                    m.confirmRestart ? ButtonStyle::Danger : ButtonStyle::Secondary))
        out.emplace_back(state::Maint{state::maint::Do{MaintCommand::Restart}});
    outcome(c, m, w);
}

void networkPage(const Ctx& c, const state::MaintenanceState& m, float w, state::Actions& out) {
    const auto& i = m.info;
    sectionHeader(c, c.tr("maint.page_network"), w);
    row(c, c.tr("maint.route"), c.tr(i.defaultRoute ? "maint.yes" : "maint.no"), w, i.defaultRoute ? 0 : c.palette.danger);
    if (i.addresses.empty()) row(c, c.tr("maint.addresses"), c.tr("maint.none"), w, c.palette.danger);
    for (std::size_t k = 0; k < i.addresses.size(); ++k)
        row(c, k == 0 ? c.tr("maint.addresses") : "", i.addresses[k], w);
    row(c, c.tr("maint.hub"), i.hubUrl.empty() ? c.tr("maint.not_provisioned") : i.hubUrl, w);
    std::string probe = i.hubReachable < 0 ? c.tr("maint.not_probed")
                        : i.hubReachable  ? fmt::format(fmt::runtime(c.tr("maint.reachable")), i.hubProbe)
                                          : fmt::format(fmt::runtime(c.tr("maint.unreachable")), i.hubProbe);
    row(c, c.tr("maint.hub_reach"), probe, w, i.hubReachable == 0 ? c.palette.danger : 0);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    ButtonRow buttons(c, w);
    if (buttons.add("maint.probe", c.tr("maint.probe"), ButtonStyle::Primary))
        out.emplace_back(state::Maint{state::maint::Do{MaintCommand::ProbeNetwork}});
    outcome(c, m, w);
}

void syncPage(const Ctx& c, const state::MaintenanceState& m, float w, state::Actions& out) {
    const auto& i = m.info;
    sectionHeader(c, c.tr("maint.page_sync"), w);
    row(c, c.tr("maint.outbox"),
        fmt::format(fmt::runtime(c.tr("maint.outbox_value")), i.pending, i.sending, i.acked, i.rejected), w);
    row(c, c.tr("maint.oldest"), i.pending + i.sending > 0 ? durationText(c, i.oldestPendingS) : c.tr("maint.none"), w);
    row(c, c.tr("maint.last_sync"), i.lastSync.empty() ? c.tr("maint.never") : i.lastSync, w);
    row(c, c.tr("maint.content_version"),
        i.contentVersion.empty() ? c.tr("maint.no_content") : i.contentVersion, w);
    row(c, c.tr("maint.cert"),
        i.certDaysLeft < 0 ? c.tr("maint.no_cert") : fmt::format(fmt::runtime(c.tr("maint.cert_days")), i.certDaysLeft), w,
        i.certDaysLeft >= 0 && i.certDaysLeft < 30 ? c.palette.danger : 0);
    if (!i.syncError.empty()) row(c, c.tr("maint.sync_error"), i.syncError, w, c.palette.danger);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    ButtonRow buttons(c, w);
    if (buttons.add("maint.sync_now", c.tr("maint.sync_now"), ButtonStyle::Primary))
        out.emplace_back(state::Maint{state::maint::Do{MaintCommand::SyncNow}});
    if (buttons.add("maint.redownload", c.tr("maint.redownload"), ButtonStyle::Secondary))
        out.emplace_back(state::Maint{state::maint::Do{MaintCommand::Redownload}});
    outcome(c, m, w);
}

void printerPage(const Ctx& c, const state::MaintenanceState& m, float w, state::Actions& out) {
    const auto& i = m.info;
    sectionHeader(c, c.tr("maint.page_printer"), w);
    row(c, c.tr("maint.printer"), i.printerName, w);
    row(c, c.tr("maint.printer_state"), printerText(c, i), w, printerColor(c, i));
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    ButtonRow buttons(c, w);
    if (buttons.add("maint.print_test", c.tr("maint.print_test"), ButtonStyle::Primary))
        out.emplace_back(state::Maint{state::maint::Do{MaintCommand::PrintTest}});
    outcome(c, m, w);
}

void scannerPage(const Ctx& c, const state::MaintenanceState& m, float w) {
    sectionHeader(c, c.tr("maint.page_scanner"), w);
    row(c, c.tr("maint.scanner"), m.info.scannerName.empty() ? c.tr("maint.scanner_none") : m.info.scannerName, w,
        m.info.scannerName.empty() ? c.palette.danger : 0);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    paragraph(c, FontRole::Body, c.tr("maint.scan_prompt"), c.palette.textMuted, w);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    if (m.scans.empty()) paragraph(c, FontRole::Body, c.tr("maint.scan_none_yet"), c.palette.textMuted, w);
    for (auto it = m.scans.rbegin(); it != m.scans.rend(); ++it) row(c, c.tr(it->kindKey), it->shown, w);
}

void touchPage(const Ctx& c, const state::MaintenanceState& m, float w, float h, state::Actions& out) {
    sectionHeader(c, c.tr("maint.page_touch"), w);
    paragraph(c, FontRole::Body, c.tr("maint.touch_prompt"), c.palette.textMuted, w);
    std::string last = c.tr("maint.touch_none");
    if (!m.touches.empty()) {
        const auto& t = m.touches.back();
        last = fmt::format(fmt::runtime(c.tr("maint.touch_last")), int(t.x), int(t.y), int(t.physX), int(t.physY),
                           m.info.rotation);
    }
    paragraph(c, FontRole::Body, last, c.palette.text, w);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    // The canvas: four corner targets turn green once touched; every touch
    // leaves a dot where the app placed it.
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 size(w, std::max(h - (p0.y - ImGui::GetWindowPos().y) - c.metrics.pad, c.metrics.target * 3));
    ImGui::InvisibleButton("maint.touch.canvas", size);
    registryRecord("maint.touch.canvas", p0, ImVec2(p0.x + size.x, p0.y + size.y));
    if (ImGui::IsItemActivated()) {
        const ImVec2 mp = ImGui::GetIO().MousePos;
        out.emplace_back(state::Maint{state::maint::Touch{{mp.x, mp.y, 0, 0}}});
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), c.palette.surface, c.metrics.radius);
    dl->AddRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), c.palette.border, c.metrics.radius, 0, 2.0f);
    const float r = c.metrics.target * 0.5f;
    const ImVec2 corners[] = {{p0.x + r * 1.5f, p0.y + r * 1.5f},
                              {p0.x + size.x - r * 1.5f, p0.y + r * 1.5f},
                              {p0.x + r * 1.5f, p0.y + size.y - r * 1.5f},
                              {p0.x + size.x - r * 1.5f, p0.y + size.y - r * 1.5f}};
    for (const ImVec2& k : corners) {
        bool hit = false;
        for (const auto& t : m.touches) hit = hit || (std::abs(t.x - k.x) <= r && std::abs(t.y - k.y) <= r);
        const ImU32 col = hit ? c.palette.success : c.palette.danger;
        dl->AddCircle(k, r, col, 0, 3.0f);
        dl->AddLine(ImVec2(k.x - r, k.y), ImVec2(k.x + r, k.y), col, 2.0f);
        dl->AddLine(ImVec2(k.x, k.y - r), ImVec2(k.x, k.y + r), col, 2.0f);
    }
    for (const auto& t : m.touches) dl->AddCircleFilled(ImVec2(t.x, t.y), 8.0f * c.metrics.scale, c.palette.primary);
}

void logsPage(const Ctx& c, const state::MaintenanceState& m, float w, state::Actions& out) {
    sectionHeader(c, c.tr("maint.page_logs"), w);
    ButtonRow buttons(c, w);
    if (buttons.add("maint.refresh", c.tr("maint.refresh"), ButtonStyle::Secondary))
        out.emplace_back(state::Maint{state::maint::Do{MaintCommand::Refresh}});
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    if (m.info.logs.empty()) paragraph(c, FontRole::Small, c.tr("maint.logs_empty"), c.palette.textMuted, w);
    for (auto it = m.info.logs.rbegin(); it != m.info.logs.rend(); ++it)  // newest first
        paragraph(c, FontRole::Small, *it, c.palette.text, w);
}

// --- PIN pad ----------------------------------------------------------------
// Dots for the digits typed, a message, and a 3×4 keypad. Shared by the
// maintenance PIN check and the setup screen's "choose a PIN" step.
void pinPad(const Ctx& c, const state::MaintenanceState& m, float width, bool withCancel, state::Actions& out) {
    const int shown = std::max<int>(6, int(m.pin.size()));
    const float dot = c.px(FontRole::Title) * 0.32f;
    const float dotsW = float(shown) * dot * 3.0f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    for (int k = 0; k < shown; ++k) {
        const ImVec2 ctr(at.x + (width - dotsW) * 0.5f + dot * 1.5f + float(k) * dot * 3.0f, at.y + dot * 1.5f);
        if (k < int(m.pin.size())) dl->AddCircleFilled(ctr, dot, c.palette.text);
        else dl->AddCircle(ctr, dot, c.palette.textMuted, 0, 2.0f);
    }
    ImGui::Dummy(ImVec2(width, dot * 3.0f));
    std::string message;
    if (!m.pinMessageKey.empty()) {
        if (m.pinMessageKey == "maint.pin_locked")
            message = fmt::format(fmt::runtime(c.tr(m.pinMessageKey)), localClock(m.lockedUntilEpochMs / 1000));
        else if (m.pinMessageKey == "maint.pin_wrong")
            message = fmt::format(fmt::runtime(c.tr(m.pinMessageKey)), m.attemptsLeft);
        else
            message = c.tr(m.pinMessageKey);
    }
    const bool calm = m.pinMessageKey == "setup.pin_repeat" || m.pinMessageKey == "setup.pin_saved";
    const float msgH = measureParagraph(c, FontRole::Body, "国", width);
    if (message.empty()) ImGui::Dummy(ImVec2(width, msgH));
    else {
        const float tw = std::min(measureText(c, FontRole::Body, message).x, width);
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (width - tw) * 0.5f);
        paragraph(c, FontRole::Body, message, calm ? c.palette.primary : c.palette.danger, tw + 1.0f);
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    static constexpr char kKeys[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9', 'B', '0', 'E'};
    const float kw = std::min((width - 2 * c.metrics.gap) / 3.0f, c.metrics.target * 2.6f);
    const float kh = c.metrics.target * 1.1f;
    const float x0 = ImGui::GetCursorScreenPos().x + (width - (3 * kw + 2 * c.metrics.gap)) * 0.5f;
    for (int k = 0; k < 12; ++k) {
        if (k % 3 == 0) {
            if (k) ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
            ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
        } else {
            ImGui::SameLine(0, c.metrics.gap);
        }
        const char key = kKeys[k];
        const std::string id = key == 'B' ? "pin.back" : key == 'E' ? "pin.enter" : fmt::format("pin.{}", key);
        const std::string label = key == 'B' ? c.tr("maint.pin_back") : key == 'E' ? c.tr("maint.pin_enter") : std::string(1, key);
        if (button(c, id.c_str(), label, ImVec2(kw, kh), key == 'E' ? ButtonStyle::Primary : ButtonStyle::Secondary))
            out.emplace_back(state::Maint{state::maint::PinKey{key}});
    }
    if (withCancel) {
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
        ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
        if (button(c, "pin.cancel", c.tr("maint.pin_cancel"), ImVec2(3 * kw + 2 * c.metrics.gap, 0), ButtonStyle::Secondary))
            out.emplace_back(state::Maint{state::maint::PinKey{'C'}});
    }
}

// The band at the top of every technician screen.
void header(const Ctx& c, std::string_view title, std::string_view sub, const char* buttonId, std::string_view buttonLabel,
            state::Actions& out, state::MaintEvent onButton) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(c.screen.x, c.metrics.topBar), c.palette.primary);
    const float ty = (c.metrics.topBar - c.px(FontRole::Title)) * 0.5f;
    textAt(c, FontRole::Title, ImVec2(c.metrics.pad, ty), c.palette.primaryText, title);
    const float tw = measureText(c, FontRole::Title, title).x;
    if (!sub.empty())
        textAt(c, FontRole::Body, ImVec2(c.metrics.pad + tw + c.metrics.gap, (c.metrics.topBar - c.px(FontRole::Body)) * 0.5f),
               c.palette.primaryText, sub);
    if (buttonId) {
        const float bw = actionWidth(c, buttonLabel);
        ImGui::SetCursorScreenPos(ImVec2(c.screen.x - c.metrics.pad - bw, (c.metrics.topBar - c.metrics.target) * 0.5f));
        if (button(c, buttonId, buttonLabel, ImVec2(bw, c.metrics.target), ButtonStyle::OnPrimary))
            out.emplace_back(state::Maint{std::move(onButton)});
    }
}

}  // namespace

void drawMaintenance(const Ctx& c, state::MaintenanceState& m, state::ScrollState& scroll, state::Actions& out) {
    if (m.mode == state::MaintMode::Pin) {
        header(c, c.tr("maint.title"), "", nullptr, "", out, {});
        const float w = std::min(c.screen.x - 2 * c.metrics.pad, 760.0f * c.metrics.scale);
        ImGui::SetCursorScreenPos(ImVec2((c.screen.x - w) * 0.5f, c.metrics.topBar + c.metrics.pad));
        ImGui::BeginGroup();
        const std::string prompt = c.tr(m.pinSet ? "maint.pin_prompt" : "maint.pin_not_set");
        const float pw = std::min(measureText(c, FontRole::Title, prompt).x, w);
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (w - pw) * 0.5f);
        paragraph(c, FontRole::Title, prompt, c.palette.text, pw + 1.0f);
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        if (m.pinSet) {
            pinPad(c, m, w, true, out);
        } else {  // nothing to type against: only the way out
            const float bw = std::min(w, c.metrics.target * 6.0f);
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (w - bw) * 0.5f);
            if (button(c, "pin.cancel", c.tr("maint.pin_cancel"), ImVec2(bw, 0), ButtonStyle::Secondary))
                out.emplace_back(state::Maint{state::maint::PinKey{'C'}});
        }
        ImGui::EndGroup();
        return;
    }
    header(c, c.tr("maint.title"), m.info.deviceId, "maint.leave", c.tr("maint.leave"), out,
           state::maint::Do{MaintCommand::Leave});
    // Pages: a column of buttons on the left, the page beside it.
    const float navW = std::round((c.metrics.portrait ? 250.0f : 320.0f) * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f));
    const float top = c.metrics.topBar + c.metrics.pad;
    ImGui::SetCursorScreenPos(ImVec2(c.metrics.pad, top));
    ImGui::BeginGroup();
    for (MaintPage p : kPages) {
        if (chip(c, pageId(p), c.tr(pageKey(p)), m.page == p, navW))
            out.emplace_back(state::Maint{state::maint::ShowPage{p}});
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.15f));
    }
    ImGui::EndGroup();
    const float x = c.metrics.pad + navW + c.metrics.gap * 1.5f;
    const float w = c.screen.x - x - c.metrics.pad;
    const float h = c.screen.y - top;
    ImGui::SetCursorScreenPos(ImVec2(x, top));
    // The touch canvas must not scroll under the finger; every other page does.
    const bool scrolls = m.page != MaintPage::Touch;
    if (scrolls) beginScroll(c, "maint.scroll", scroll, ImVec2(w, h - c.bottomInset));
    else
        ImGui::BeginChild("##maint.page", ImVec2(w, h - c.bottomInset), false,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
    switch (m.page) {
        case MaintPage::Device: devicePage(c, m, w, out); break;
        case MaintPage::Network: networkPage(c, m, w, out); break;
        case MaintPage::Sync: syncPage(c, m, w, out); break;
        case MaintPage::Printer: printerPage(c, m, w, out); break;
        case MaintPage::Scanner: scannerPage(c, m, w); break;
        case MaintPage::Touch: touchPage(c, m, w, h, out); break;
        case MaintPage::Logs: logsPage(c, m, w, out); break;
        case MaintPage::Count: break;
    }
    if (scrolls) {
        ImGui::Dummy(ImVec2(0, c.metrics.pad));
        endScroll(c, scroll);
    } else {
        ImGui::EndChild();
    }
}

void drawSetup(const Ctx& c, state::MaintenanceState& m, state::Actions& out) {
    using state::SetupStep;
    auto& s = m.setup;
    header(c, c.tr("setup.title"), m.info.appVersion, s.step == SetupStep::Connect ? "setup.skip" : nullptr,
           c.tr("setup.skip"), out, state::maint::Do{MaintCommand::SetupSkip});
    const float w = std::min(c.screen.x - 2 * c.metrics.pad, 1200.0f * c.metrics.scale);
    const float x = (c.screen.x - w) * 0.5f;
    ImGui::SetCursorScreenPos(ImVec2(x, c.metrics.topBar + c.metrics.pad));
    ImGui::BeginGroup();
    // Step chips: where the technician is; each can be opened directly.
    static constexpr std::pair<SetupStep, const char*> kSteps[] = {
        {SetupStep::Connect, "setup.step_connect"}, {SetupStep::Printer, "setup.step_printer"},
        {SetupStep::Rotation, "setup.step_rotation"}, {SetupStep::Pin, "setup.step_pin"},
        {SetupStep::Done, "setup.step_done"}};
    float used = 0;
    for (int k = 0; k < 5; ++k) {
        const std::string label = fmt::format("{} {}", k + 1, c.tr(kSteps[k].second));
        const float cw = measureText(c, FontRole::Body, label).x + c.metrics.gap * 1.5f;
        if (k && used + c.metrics.gap * 0.5f + cw <= w) {
            ImGui::SameLine(0, c.metrics.gap * 0.5f);
            used += c.metrics.gap * 0.5f + cw;
        } else {
            if (k) ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y + c.metrics.gap * 0.3f));
            used = cw;
        }
        const std::string id = fmt::format("setup.go.{}", k);
        if (chip(c, id.c_str(), label, s.step == kSteps[k].first, cw))
            out.emplace_back(state::Maint{state::maint::SetupGo{kSteps[k].first}});
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap));
    auto result = [&] {
        if (s.working) {
            paragraph(c, FontRole::Body, c.tr("setup.working"), c.palette.primary, w);
        } else if (!s.resultKey.empty()) {
            std::string text = c.tr(s.resultKey);
            if (!s.resultDetail.empty()) text += fmt::format(" ({})", s.resultDetail);
            const bool good = s.resultKey == "setup.connected" || s.resultKey == "maint.print_ok";
            paragraph(c, FontRole::Body, text, good ? c.palette.success : c.palette.danger, w);
        }
    };
    auto next = [&](SetupStep to) {
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        const std::string label = c.tr(to == SetupStep::Done && s.step == SetupStep::Done ? "setup.finish" : "setup.next");
        if (button(c, "setup.next", label, ImVec2(actionWidth(c, label), 0), ButtonStyle::Primary))
            out.emplace_back(state::Maint{state::maint::SetupGo{to}});
    };
    switch (s.step) {
        case SetupStep::Connect: {
            sectionHeader(c, c.tr("setup.step_connect"), w);
            paragraph(c, FontRole::Body, c.tr("setup.connect_intro"), c.palette.textMuted, w);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            if (s.files.empty()) paragraph(c, FontRole::Body, c.tr("setup.no_files"), c.palette.danger, w);
            for (std::size_t k = 0; k < s.files.size() && k < 4; ++k) {
                const std::string id = fmt::format("setup.file.{}", k);
                const std::string& label = k < s.fileLabels.size() ? s.fileLabels[k] : s.files[k];
                if (listRow(c, RowSpec{id.c_str(), label, c.tr("setup.use_file")}, w))
                    out.emplace_back(state::Maint{state::maint::Do{MaintCommand::SetupProvision, int(k)}});
            }
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            if (button(c, "setup.find", c.tr("setup.find"), ImVec2(actionWidth(c, c.tr("setup.find")), 0),
                       ButtonStyle::Secondary))
                out.emplace_back(state::Maint{state::maint::Do{MaintCommand::SetupFindFiles}});
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            result();
            if (s.connected) next(SetupStep::Printer);
            break;
        }
        case SetupStep::Printer:
            sectionHeader(c, c.tr("setup.step_printer"), w);
            row(c, c.tr("maint.printer"), m.info.printerName, w);
            row(c, c.tr("maint.printer_state"), printerText(c, m.info), w, printerColor(c, m.info));
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            if (button(c, "maint.print_test", c.tr("maint.print_test"), ImVec2(actionWidth(c, c.tr("maint.print_test")), 0),
                       ButtonStyle::Secondary))
                out.emplace_back(state::Maint{state::maint::Do{MaintCommand::PrintTest}});
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            result();
            next(SetupStep::Rotation);
            break;
        case SetupStep::Rotation:
            sectionHeader(c, c.tr("setup.step_rotation"), w);
            paragraph(c, FontRole::Body, c.tr("setup.rotation_intro"), c.palette.textMuted, w);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            rotationChips(c, m.info.rotation, out);
            next(SetupStep::Pin);
            break;
        case SetupStep::Pin: {
            sectionHeader(c, c.tr("setup.step_pin"), w);
            // A PIN set before (kioskctl provision) is not replaced from the
            // screen: whoever stands here has not proved they know it.
            paragraph(c, FontRole::Body, c.tr(m.pinSet ? "setup.pin_already" : "setup.pin_intro"),
                      m.pinSet && m.pinMessageKey != "setup.pin_saved" ? c.palette.text : c.palette.textMuted, w);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            if (!m.pinSet) {
                const float pw = std::min(w, 760.0f * c.metrics.scale);
                ImGui::SetCursorScreenPos(ImVec2(x + (w - pw) * 0.5f, ImGui::GetCursorScreenPos().y));
                ImGui::BeginGroup();
                pinPad(c, m, pw, false, out);
                ImGui::EndGroup();
            }
            if (m.pinSet) next(SetupStep::Done);
            break;
        }
        case SetupStep::Done:
            sectionHeader(c, c.tr("setup.step_done"), w);
            row(c, c.tr("maint.device_id"), m.info.provisioned ? m.info.deviceId : c.tr("maint.not_provisioned"), w,
                m.info.provisioned ? 0 : c.palette.danger);
            row(c, c.tr("maint.site"), m.info.provisioned ? m.info.site : c.tr("maint.not_provisioned"), w);
            row(c, c.tr("maint.printer_state"), printerText(c, m.info), w, printerColor(c, m.info));
            row(c, c.tr("maint.screen"), fmt::format("{}°", m.info.rotation), w);
            row(c, c.tr("setup.step_pin"), c.tr(m.pinSet ? "maint.yes" : "setup.pin_missing"), w, m.pinSet ? 0 : c.palette.danger);
            next(SetupStep::Done);
            break;
    }
    ImGui::EndGroup();
}

}  // namespace kiosk::ui
