// kioskctl outbox import (outbox_import.h).
#include "outbox_import.h"

#include "base/utf8.h"
#include "content/content.h"
#include "outbox/outbox.h"
#include "validate/mobile.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>

namespace kiosk::ctl {
namespace {

using nlohmann::json;

constexpr const char* kCaseKinds[] = {"咨询", "求助", "投诉", "举报", "建议", "办不成事"};

std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) (void)decodeUtf8(s, i);
    return n;
}

// What is wrong with one line, or "" when it is a valid submission.
std::string check(const json& j, outbox::Submission& out) {
    if (!j.is_object()) return "is not a JSON object";
    for (const auto& [k, v] : j.items())
        if (k != "kind" && k != "public" && k != "personal") return fmt::format("unknown key '{}' (kind, public, personal)", k);
    if (!j.contains("kind") || !j["kind"].is_string()) return "'kind' is missing (case or rating)";
    out.kind = j["kind"].get<std::string>();
    out.publicData = j.value("public", json::object());
    out.personalData = j.value("personal", json::object());
    if (!out.publicData.is_object()) return "'public' must be an object";
    if (!out.personalData.is_object()) return "'personal' must be an object";
    if (out.kind == "case") {
        const std::string kind = out.publicData.value("case_kind", "");
        if (std::find(std::begin(kCaseKinds), std::end(kCaseKinds), kind) == std::end(kCaseKinds))
            return "public.case_kind must be one of 咨询 求助 投诉 举报 建议 办不成事";
        const std::string desc = out.personalData.value("description", "");
        if (desc.empty()) return "personal.description is required";
        if (chars(desc) > 1000) return fmt::format("personal.description has {} characters; at most 1000", chars(desc));
        if (out.personalData.value("contact_name", "").empty()) return "personal.contact_name is required";
        const auto m = validate::checkMobile(out.personalData.value("mobile", ""));
        if (!m.valid) return "personal.mobile: " + m.messageEn;
        out.personalData["mobile"] = m.normalised;
        out.mobileLast4 = m.normalised.substr(m.normalised.size() - 4);
        return "";
    }
    if (out.kind == "rating") {
        const std::string level = out.publicData.value("level", "");
        const auto* it = std::find(std::begin(content::kRatingLevelCodes), std::end(content::kRatingLevelCodes), level);
        if (it == std::end(content::kRatingLevelCodes))
            return "public.level must be one of very_satisfied satisfied basic dissatisfied very_dissatisfied";
        const int idx = int(it - std::begin(content::kRatingLevelCodes));
        out.publicData["level_label"] = content::kRatingLevelLabels[idx];
        const auto reasons = out.publicData.value("reasons", json::array());
        if (!reasons.is_array()) return "public.reasons must be a list of reason codes";
        if (content::isBadRating(idx) && reasons.empty()) return "a bad rating needs at least one reason in public.reasons";
        if (out.publicData.value("target_kind", "").empty() || out.publicData.value("target_id", "").empty())
            return "public.target_kind and public.target_id are required";
        if (!out.personalData.empty()) {
            const auto m = validate::checkMobile(out.personalData.value("mobile", ""));
            if (!m.valid) return "personal.mobile: " + m.messageEn;
            out.personalData["mobile"] = m.normalised;
        }
        out.publicData["anonymous"] = out.personalData.empty();
        out.publicData["callback"] = !out.personalData.empty();
        out.publicData["channel"] = "self-service terminal";
        if (!out.publicData.contains("instance"))
            out.publicData["instance"] = "import:" + out.publicData["target_kind"].get<std::string>() + ":" +
                                         out.publicData["target_id"].get<std::string>();
        return "";
    }
    return fmt::format("kind '{}' is not case or rating", out.kind);
}

}  // namespace

std::string importExample() {
    const json c = {{"kind", "case"},
                    {"public", {{"case_kind", "投诉"}, {"service_id", "svc.company-registration"}, {"reply", "phone"},
                                {"language", "zh-CN"}}},
                    {"personal", {{"description", "窗口要求补交材料三次仍未受理。"}, {"enterprise", "青浦某某餐饮管理有限公司"},
                                  {"credit_code", "914403001922038216"}, {"contact_name", "王小明"},
                                  {"mobile", "13812345678"}}}};
    const json r = {{"kind", "rating"},
                    {"public", {{"target_kind", "service"}, {"target_id", "svc.company-registration"},
                                {"target_name", "有限责任公司设立登记"}, {"level", "dissatisfied"}, {"reasons", {"R401"}},
                                {"reasons_version", "2026.1"}, {"language", "zh-CN"}}},
                    {"personal", {{"contact_name", "李建华"}, {"mobile", "13912345678"}}}};
    return c.dump() + "\n" + r.dump() + "\n";
}

Result<ImportResult> importSubmissions(const std::string& dataDir, const std::string& terminalCode, const std::string& file) {
    std::ifstream in(file);
    if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read {}", file));
    std::vector<outbox::Submission> subs;
    std::string problems;
    int lineNo = 0, bad = 0;
    for (std::string line; std::getline(in, line);) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        outbox::Submission s;
        const auto j = json::parse(line, nullptr, false);
        const std::string why = j.is_discarded() ? "is not valid JSON" : check(j, s);
        if (!why.empty()) {
            if (++bad <= 20) problems += fmt::format("{}:{}: {}\n", file, lineNo, why);
            continue;
        }
        subs.push_back(std::move(s));
    }
    if (bad > 0)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{}{} of {} lines are wrong; nothing was queued. Fix them and import again.",
                                problems, bad, lineNo));
    auto box = outbox::Outbox::open(dataDir, terminalCode);
    if (!box) return std::unexpected(box.error());
    ImportResult r;
    const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    const std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    for (const auto& s : subs) {
        auto e = box->enqueue(s, nowMs, local);
        if (!e) return fail(e.error().code, fmt::format("{} records queued, then: {}", r.queued, e.error().message));
        if (r.queued == 0) r.firstNumber = e->caseNo;
        r.lastNumber = e->caseNo;
        ++r.queued;
    }
    return r;
}

}  // namespace kiosk::ctl
