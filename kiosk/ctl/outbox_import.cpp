// kioskctl outbox import (outbox_import.h).
#include "outbox_import.h"

#include "outbox/outbox.h"
#include "records/records.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <fstream>

namespace kiosk::ctl {
namespace {

using nlohmann::json;

// What is wrong with one line, or "" when it is a valid submission. The
// record is checked as the hub will check it (records.h); a rating's
// call-back follows from whether it carries a contact, and a missing
// instance becomes one per target.
std::string check(const json& j, outbox::Submission& out) {
    if (!j.is_object()) return "is not a JSON object";
    for (const auto& [k, v] : j.items())
        if (k != "kind" && k != "public" && k != "personal") return fmt::format("unknown key '{}' (kind, public, personal)", k);
    if (!j.contains("kind") || !j["kind"].is_string()) return "'kind' is missing (case or rating)";
    out.kind = j["kind"].get<std::string>();
    const json pub = j.value("public", json::object()), personal = j.value("personal", json::object());
    if (!pub.is_object()) return "'public' must be an object";
    if (!personal.is_object()) return "'personal' must be an object";
    if (out.kind == "case") {
        auto rec = records::parseCase(pub, personal);
        if (!rec) return rec.error().message;
        out.publicData = records::toJson(rec->pub);
        out.personalData = records::toJson(rec->personal);
        out.mobileLast4 = rec->personal.mobile.substr(rec->personal.mobile.size() - 4);
        return "";
    }
    if (out.kind == "rating") {
        json p = pub;
        p["callback"] = !personal.empty();
        if (!p.contains("instance") && p.value("target_kind", json()).is_string() && p.value("target_id", json()).is_string())
            p["instance"] = "import:" + p["target_kind"].get<std::string>() + ":" + p["target_id"].get<std::string>();
        auto rec = records::parseRating(p, personal);
        if (!rec) return rec.error().message;
        out.publicData = records::toJson(rec->pub);
        out.personalData = records::toJson(rec->personal);
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
