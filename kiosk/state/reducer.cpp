// The reducer: one function per action, all mutating AppState in place.
#include "reducer.h"

#include "base/utf8.h"
#include "records/records.h"
#include "validate/mobile.h"
#include "validate/uscc.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace kiosk::state {

AppState makeInitialState(const Settings& settings, std::int64_t nowMs) {
    AppState s;
    s.settings = settings;
    s.nowMs = nowMs;
    s.session = freshSession(settings);
    s.idle.lastActivityMs = nowMs;
    return s;
}

VisitorSession freshSession(const Settings& settings) {
    VisitorSession v;
    v.lang = settings.defaultLang;
    v.elderMode = settings.defaultElderMode;
    return v;
}

bool hasVisitorInput(const VisitorSession& session) {
    const auto& f = session.caseForm;
    const auto& r = session.rating;
    return !session.lookup.caseNo.empty() || !session.lookup.mobileLast4.empty() || !f.description.empty() ||
           !f.enterprise.empty() || !f.uscc.empty() || !f.contact.empty() || !f.mobile.empty() || r.level >= 0 ||
           !r.contact.empty() || !r.mobile.empty();
}

namespace {

// Characters a name or description may not hold: controls (a newline is
// allowed in the description), emoji and pictographs, the replacement char,
// invisible format characters (ZWJ among them).
bool badChar(char32_t cp, bool allowNewline) {
    if (cp == '\n') return !allowNewline;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return true;
    if (cp == 0xFFFD || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0xFFFF) return true;  // emoji live above the BMP
    if ((cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0xFE00 && cp <= 0xFE0F) || isInvisibleFormat(cp)) return true;
    return false;
}

// Number of characters, or npos if `s` holds a character it must not.
std::size_t countChars(const std::string& s, bool allowNewline) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n)
        if (badChar(decodeUtf8(s, i), allowNewline)) return std::string::npos;  // malformed decodes as U+FFFD
    return n;
}

}  // namespace

namespace {

// The message of `key` in both languages, for a field.
FieldError inBothLanguages(const char* key) { return {i18n::tr(i18n::Lang::Zh, key), i18n::tr(i18n::Lang::En, key)}; }

// Records at `field` what is wrong with a text the visitor typed, if anything.
void checkText(std::map<std::string, FieldError>& errors, const char* field, const std::string& value,
               std::size_t max, bool required, bool newline, const char* requiredKey) {
    const std::size_t n = countChars(value, newline);
    if (n == std::string::npos) {
        errors[field] = inBothLanguages(i18n::Key{"case.err_chars"}.id);
    } else if (n > max) {
        const char* key = i18n::Key{"case.err_too_long"}.id;
        errors[field] = {fmt::format(fmt::runtime(i18n::tr(i18n::Lang::Zh, key)), max),
                         fmt::format(fmt::runtime(i18n::tr(i18n::Lang::En, key)), max)};
    } else if (required && value.find_first_not_of(" \n") == std::string::npos) {
        errors[field] = inBothLanguages(requiredKey);
    }
}

void checkMobileField(std::map<std::string, FieldError>& errors, const std::string& mobile) {
    if (mobile.empty()) errors["mobile"] = inBothLanguages(i18n::Key{"case.err_mobile"}.id);
    else if (const auto r = validate::checkMobile(mobile); !r.valid) errors["mobile"] = {r.messageZh, r.messageEn};
}

}  // namespace

bool validateCaseForm(CaseForm& f) {
    f.errors.clear();
    if (f.kind < 0) f.errors["kind"] = inBothLanguages(i18n::Key{"case.err_kind"}.id);
    checkText(f.errors, "description", f.description, records::kDescriptionMax, true, true,
              i18n::Key{"case.err_description"}.id);
    checkText(f.errors, "enterprise", f.enterprise, records::kEnterpriseMax, false, false, "");
    checkText(f.errors, "contact", f.contact, records::kContactMax, true, false, i18n::Key{"case.err_contact"}.id);
    if (!f.uscc.empty()) {
        const auto r = validate::checkUscc(f.uscc);
        if (!r.valid) f.errors["uscc"] = {r.messageZh, r.messageEn};
    }
    checkMobileField(f.errors, f.mobile);
    if (!f.accepted) f.errors["accept"] = inBothLanguages(i18n::Key{"case.err_accept"}.id);
    return f.errors.empty();
}

bool validateRatingForm(RatingForm& f) {
    f.errors.clear();
    if (f.level < 0 || f.level >= records::kRatingLevels) {
        f.errors["level"] = inBothLanguages(i18n::Key{"rating.err_level"}.id);
        return false;
    }
    if (!records::isBadLevel(f.level)) return true;
    if (f.reasons.empty()) f.errors["reasons"] = inBothLanguages(i18n::Key{"rating.err_reasons"}.id);
    if (f.callback) {
        checkText(f.errors, "contact", f.contact, records::kContactMax, true, false, i18n::Key{"case.err_contact"}.id);
        checkMobileField(f.errors, f.mobile);
    }
    return f.errors.empty();
}

std::string ratingInstance(const AppState& s, const RatingTarget& t) {
    if (!t.caseNo.empty()) return "case:" + t.caseNo;
    return fmt::format("visit:{}-{}:{}:{}", s.settings.runId, s.wipes, t.kind, t.id);
}

int idleSecondsLeft(const AppState& s) {
    if (!s.idle.warning) return 0;
    const std::int64_t left = std::max<std::int64_t>(0, s.idle.wipeAtMs - s.nowMs);
    return static_cast<int>((left + 999) / 1000);
}

std::string checkCaseNumber(const std::string& caseNo) {
    if (caseNo.size() < 6 || caseNo.size() > 32) return i18n::Key{"lookup.err_case_no"}.id;
    for (unsigned char c : caseNo)
        if (!std::isalnum(c)) return i18n::Key{"lookup.err_case_no"}.id;
    return {};
}

std::string checkMobileLast4(const std::string& digits) {
    if (digits.size() != 4) return i18n::Key{"lookup.err_mobile4"}.id;
    for (unsigned char c : digits)
        if (!std::isdigit(c)) return i18n::Key{"lookup.err_mobile4"}.id;
    return {};
}

Effects wipeSession(AppState& s) {
    const bool elderBefore = s.session.elderMode;
    s.session = freshSession(s.settings);
    s.idle = IdleState{s.nowMs, false, 0};
    ++s.wipes;
    Effects fx{ResetUiState{}};
    if (elderBefore != s.session.elderMode) fx.emplace_back(RebuildFonts{});
    return fx;  // home needs no data: nothing to load
}

namespace {

void showToast(AppState& s, std::string key) {
    s.session.toasts.push_back(Toast{std::move(key), s.nowMs + s.settings.toastMs});
}


bool needsData(ScreenId id) {
    switch (id) {
        case ScreenId::ServiceGuide:
        case ScreenId::ServiceList:
        case ScreenId::ServiceDetail:
        case ScreenId::BundleDetail:
        case ScreenId::Policies:
        case ScreenId::PolicyDocument:
        case ScreenId::MeasureDetail:
        case ScreenId::PolicyCheck:
        case ScreenId::Rating:
        case ScreenId::RatingForm: return true;
        default: return false;
    }
}

// The top of the stack changed: drop the old page's data and ask for the new.
Effects showTop(AppState& s) {
    auto& v = s.session;
    v.page = std::monostate{};
    v.pageErrorKey.clear();
    const NavEntry& top = v.nav.back();
    if (top.screen != ScreenId::RatingThanks) v.thanksUntilMs = 0;
    if (v.pickFor != PickFor::None && v.nav.size() <= v.pickDepth) v.pickFor = PickFor::None;  // left the picker
    v.pageLoading = needsData(top.screen);
    Effects fx{ResetUiState{}};
    if (v.pageLoading) fx.emplace_back(LoadPage{top.screen, top.param, v.policies.filter});
    return fx;
}

struct Reducer {
    AppState& s;

    Effects startRating(const RatingTarget& target) {
        auto& r = s.session.rating;
        r = RatingForm{};
        r.target = target;
        r.instance = ratingInstance(s, target);
        s.session.nav.push_back(NavEntry{ScreenId::RatingForm, target.kind + ":" + target.id, {}, {}});
        Effects fx = showTop(s);
        fx.emplace_back(CheckRatings{r.instance});
        return fx;
    }

    Effects operator()(const Navigate& a) {
        NavEntry entry{a.to, a.param, a.title, {}};
        if (s.session.nav.back().same(entry)) return {};
        if (a.to == ScreenId::PolicyCheck) s.session.check = CheckState{};
        s.session.nav.push_back(std::move(entry));
        return showTop(s);
    }
    Effects operator()(const Back&) {
        if (s.session.nav.size() <= 1) return {};
        s.session.nav.pop_back();
        return showTop(s);
    }
    Effects operator()(const GoHome&) {
        if (hasVisitorInput(s.session)) {
            s.session.modal = Modal::ConfirmLeave;
            return {};
        }
        s.session.nav.assign(1, NavEntry{});
        return showTop(s);
    }
    Effects operator()(const ConfirmLeave& a) {
        s.session.modal = Modal::None;
        if (!a.leave) return {};
        s.session.lookup = CaseLookupForm{};
        s.session.rating = RatingForm{};
        s.session.nav.assign(1, NavEntry{});
        return showTop(s);
    }
    Effects operator()(const PageLoaded& a) {
        const NavEntry& top = s.session.nav.back();
        if (top.screen != a.screen || top.param != a.param) return {};  // the visitor moved on
        s.session.page = a.data;
        s.session.pageLoading = false;
        return {};
    }
    Effects operator()(const PageFailed& a) {
        const NavEntry& top = s.session.nav.back();
        if (top.screen != a.screen || top.param != a.param) return {};
        s.session.pageLoading = false;
        s.session.pageErrorKey = a.messageKey;
        return {};
    }
    Effects operator()(const SetGuideTab& a) {
        s.session.guide.tab = a.tab;
        return {};
    }
    Effects operator()(const SearchEdited&) {
        auto& g = s.session.guide;
        if (g.query == g.searchedQuery) return {};
        if (g.query.empty()) {
            g.results.clear();
            g.searchedQuery.clear();
            return {};
        }
        return {RunSearch{g.query}};
    }
    Effects operator()(const SearchAnswered& a) {
        auto& g = s.session.guide;
        if (a.query != g.query) return {};  // typed on since
        g.searchedQuery = a.query;
        g.results = a.hits;
        return {};
    }
    Effects operator()(const SetPolicyFilter& a) {
        s.session.policies.filter = a.filter;
        if (currentScreen(s) != ScreenId::Policies) return {};
        s.session.nav.back().scroll = {};
        return {LoadPage{ScreenId::Policies, s.session.nav.back().param, a.filter}};
    }
    Effects operator()(const CheckAnswered& a) {
        s.session.check.profile = a.profile;
        if (!a.advance) return {};
        s.session.check.step = std::min(s.session.check.step + 1, kCheckQuestions);
        s.session.nav.back().scroll = {};
        return {};
    }
    Effects operator()(const CheckStep& a) {
        s.session.check.step = std::clamp(a.step, 0, kCheckQuestions);
        if (a.step == 0) s.session.check.profile = {};
        s.session.nav.back().scroll = {};
        return {};
    }
    Effects operator()(const Print& a) {
        showToast(s, i18n::Key{"toast.printing"}.id);
        return {PrintChecklist{a.kind, a.id}};
    }
    Effects operator()(const CaseSetKind& a) {
        s.session.caseForm.kind = a.kind;
        s.session.caseForm.errors.erase("kind");
        return {};
    }
    Effects operator()(const CaseSetReply& a) {
        s.session.caseForm.reply = a.reply;
        return {};
    }
    Effects operator()(const CaseToggleAccept&) {
        s.session.caseForm.accepted = !s.session.caseForm.accepted;
        s.session.caseForm.errors.erase("accept");
        return {};
    }
    Effects operator()(const CaseReview&) {
        if (!validateCaseForm(s.session.caseForm)) {
            s.session.nav.back().scroll = {};  // back to the top, where the first message is
            return {};
        }
        s.session.nav.push_back(NavEntry{ScreenId::CaseReview, {}, {}, {}});
        return showTop(s);
    }
    Effects operator()(const CaseConfirm&) {
        if (!validateCaseForm(s.session.caseForm)) return {};
        return {SaveCase{s.session.caseForm, s.session.lang}};
    }
    Effects operator()(const CaseSaved& a) {
        // The outbox has it: nothing personal stays in the session.
        s.session.receipt = CaseReceiptData{a.caseNo, s.session.caseForm.service};
        s.session.caseForm = CaseForm{};
        s.session.nav.assign(1, NavEntry{});
        s.session.nav.push_back(NavEntry{ScreenId::CaseReceipt, {}, {}, {}});
        return showTop(s);
    }
    Effects operator()(const CaseSaveFailed&) {
        s.session.caseForm.saveFailed = true;
        return {};
    }
    Effects operator()(const CaseClearService&) {
        s.session.caseForm.service = {};
        return {};
    }
    Effects operator()(const PickService& a) {
        auto& v = s.session;
        v.pickFor = a.purpose;
        v.pickDepth = v.nav.size();
        v.nav.push_back(NavEntry{ScreenId::ServiceGuide, {}, {}, {}});
        return showTop(s);
    }
    Effects operator()(const ServicePicked& a) {
        auto& v = s.session;
        if (v.pickFor == PickFor::None || v.nav.size() <= v.pickDepth) return {};
        const PickFor purpose = v.pickFor;
        v.pickFor = PickFor::None;
        v.nav.resize(v.pickDepth);
        if (purpose == PickFor::Case) {
            v.caseForm.service = a.service;
            return showTop(s);
        }
        return startRating(RatingTarget{"service", a.service.id, a.service.name, a.service.nameEn, {}});
    }
    Effects operator()(const StartRating& a) { return startRating(a.target); }
    Effects operator()(const RatingChecked& a) {
        if (a.instance == s.session.rating.instance) s.session.rating.previous = a.previous;
        return {};
    }
    Effects operator()(const RatingSetLevel& a) {
        auto& r = s.session.rating;
        if (a.level < 0 || a.level >= records::kRatingLevels || a.level == r.level) return {};
        r.level = a.level;
        r.reasons.clear();  // each level has its own options
        if (!records::isBadLevel(a.level)) r.callback = false;
        r.errors.clear();
        return {};
    }
    Effects operator()(const RatingToggleReason& a) {
        auto& r = s.session.rating.reasons;
        if (auto it = std::find(r.begin(), r.end(), a.code); it != r.end()) r.erase(it);
        else r.push_back(a.code);
        s.session.rating.errors.erase("reasons");
        return {};
    }
    Effects operator()(const RatingToggleCallback&) {
        auto& r = s.session.rating;
        r.callback = !r.callback;
        r.errors.erase("contact");
        r.errors.erase("mobile");
        return {};
    }
    Effects operator()(const RatingSubmit&) {
        auto& r = s.session.rating;
        if (r.previous >= kRatingsPerInstance) return {};
        const auto* reasons = std::get_if<content::RatingReasonSet>(&s.session.page);
        if (!reasons || reasons->version.empty()) return {};  // the page says rating is unavailable
        if (!validateRatingForm(r)) return {};
        return {SaveRating{r, reasons->version, s.session.lang}};
    }
    Effects operator()(const RatingSaved&) {
        auto& v = s.session;
        v.thanksCallback = records::isBadLevel(v.rating.level) && v.rating.callback;
        v.rating = RatingForm{};
        v.nav.assign(1, NavEntry{});
        v.nav.push_back(NavEntry{ScreenId::RatingThanks, {}, {}, {}});
        Effects fx = showTop(s);
        v.thanksUntilMs = s.nowMs + kThanksMs;
        return fx;
    }
    Effects operator()(const RatingSaveFailed&) {
        s.session.rating.saveFailed = true;
        return {};
    }
    Effects operator()(const ToggleLanguage&) {
        s.session.lang = s.session.lang == i18n::Lang::Zh ? i18n::Lang::En : i18n::Lang::Zh;
        showToast(s, i18n::Key{"toast.language"}.id);
        return {};
    }
    Effects operator()(const ToggleElderMode&) {
        s.session.elderMode = !s.session.elderMode;
        showToast(s, s.session.elderMode ? i18n::Key{"toast.elder_on"}.id : i18n::Key{"toast.elder_off"}.id);
        return {RebuildFonts{}};
    }
    Effects operator()(const UserActivity&) {
        if (s.maint.mode != MaintMode::Off) {  // a technician's touch is no visitor's
            s.maint.lastActivityMs = s.nowMs;
            return {};
        }
        s.session.active = true;
        s.idle.lastActivityMs = s.nowMs;
        s.idle.warning = false;
        return {};
    }
    Effects operator()(const Tick& a) {
        s.nowMs = std::max(s.nowMs, a.nowMs);
        if (s.maint.mode != MaintMode::Off) return maintenanceTick(s);
        std::erase_if(s.session.toasts, [&](const Toast& t) { return t.expiresMs <= s.nowMs; });
        if (s.session.thanksUntilMs > 0 && s.nowMs >= s.session.thanksUntilMs) {
            s.session.thanksUntilMs = 0;
            s.session.nav.assign(1, NavEntry{});
            return showTop(s);
        }
        if (!s.session.active) return {};
        if (!s.idle.warning && s.nowMs >= s.idle.lastActivityMs + s.settings.idleTimeoutMs) {
            s.idle.warning = true;
            s.idle.wipeAtMs = s.idle.lastActivityMs + s.settings.idleTimeoutMs + s.settings.idleCountdownMs;
        }
        if (s.idle.warning && s.nowMs >= s.idle.wipeAtMs) return wipeSession(s);
        return {};
    }
    Effects operator()(const SubmitLookup&) {
        auto& f = s.session.lookup;
        std::transform(f.caseNo.begin(), f.caseNo.end(), f.caseNo.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        f.answered = false;
        f.errorField = CaseLookupForm::Field::None;
        f.errorKey.clear();
        if (auto e = checkCaseNumber(f.caseNo); !e.empty()) {
            f.errorField = CaseLookupForm::Field::CaseNo;
            f.errorKey = e;
            return {};
        }
        if (auto e = checkMobileLast4(f.mobileLast4); !e.empty()) {
            f.errorField = CaseLookupForm::Field::Mobile4;
            f.errorKey = e;
            return {};
        }
        return {LookupCase{f.caseNo, f.mobileLast4}};
    }
    Effects operator()(const ClearLookup&) {
        s.session.lookup = CaseLookupForm{};
        return {ResetUiState{}};
    }
    Effects operator()(const LookupAnswered& a) {
        auto& f = s.session.lookup;
        if (a.caseNo != f.caseNo) return {};  // the visitor changed the number meanwhile
        f.answered = true;
        f.found = a.found;
        f.answerCaseNo = a.caseNo;
        f.statusKey = a.statusKey;
        f.history = a.history;
        return {};
    }
    Effects operator()(const ApplySiteSettings& a) {
        if (!a.siteName.empty()) s.settings.siteName = a.siteName;
        if (!a.siteNameEn.empty()) s.settings.siteNameEn = a.siteNameEn;
        if (a.idleTimeoutMs > 0) s.settings.idleTimeoutMs = a.idleTimeoutMs;
        return {};
    }
    Effects operator()(const Maint& a) { return reduceMaintenance(s, a.event); }
    Effects operator()(const ScanArrived& a) {
        const ScanClass scan = classifyScan(a.text);
        auto& m = s.maint;
        if (m.mode == MaintMode::Open) return reduceMaintenance(s, maint::Scanned{describeScan(a.text)});
        if (m.mode == MaintMode::Setup) {
            if (scan.kind == ScanKind::Provisioning && m.setup.step == SetupStep::Connect)
                return reduceMaintenance(s, maint::Do{MaintCommand::SetupProvision, -1, a.text});
            return {};
        }
        if (m.mode != MaintMode::Off) return {};
        (void)(*this)(UserActivity{});  // a scan is the visitor at work
        switch (scan.kind) {
            case ScanKind::Uscc:
                if (currentScreen(s) == ScreenId::Feedback) {
                    s.session.caseForm.uscc = scan.value;
                    s.session.caseForm.errors.erase("uscc");
                    showToast(s, i18n::Key{"scan.uscc_filled"}.id);
                    return {ResetUiState{}};
                }
                showToast(s, i18n::Key{"scan.uscc_where"}.id);
                return {};
            case ScanKind::Inspection:
                return startRating(RatingTarget{"inspection", scan.value, "涉企检查 " + scan.value,
                                                "Inspection " + scan.value, {}});
            case ScanKind::CaseNo: {
                if (currentScreen(s) != ScreenId::CaseLookup) s.session.nav.push_back(NavEntry{ScreenId::CaseLookup, {}, {}, {}});
                s.session.lookup = CaseLookupForm{};
                s.session.lookup.caseNo = scan.value;
                Effects fx = showTop(s);
                return fx;
            }
            case ScanKind::Provisioning:
            case ScanKind::Other: showToast(s, i18n::Key{"scan.unknown"}.id); return {};
        }
        return {};
    }
    Effects operator()(const SetOnline& a) {
        s.online = a.online;
        if (!a.lastSync.empty()) s.lastSync = a.lastSync;
        return {};
    }
};

}  // namespace

Effects reduce(AppState& state, const Action& action) { return std::visit(Reducer{state}, action); }

const char* actionName(const Action& action) {
    static constexpr const char* kNames[] = {"Navigate",     "Back",           "GoHome",       "ConfirmLeave",
                                             "ToggleLanguage", "ToggleElderMode", "UserActivity", "Tick",
                                             "SubmitLookup", "ClearLookup",    "LookupAnswered", "SetOnline",
                                             "PageLoaded",   "PageFailed",     "SetGuideTab",  "SearchEdited",
                                             "SearchAnswered", "SetPolicyFilter", "CheckAnswered", "CheckStep",
                                             "Print",        "CaseSetKind",    "CaseSetReply", "CaseToggleAccept",
                                             "CaseReview",   "CaseConfirm",    "CaseSaved",    "CaseSaveFailed",
                                             "CaseClearService", "PickService", "ServicePicked", "StartRating",
                                             "RatingChecked", "RatingSetLevel", "RatingToggleReason",
                                             "RatingToggleCallback", "RatingSubmit", "RatingSaved",
                                             "RatingSaveFailed", "ApplySiteSettings", "Maint", "ScanArrived"};
    static_assert(std::size(kNames) == std::variant_size_v<Action>);
    return kNames[action.index()];
}

ScanClass classifyScan(std::string_view text) {
    auto alnum = [](std::string_view t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    };
    auto digits = [](std::string_view t) {
        return std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    };
    if (text.starts_with("{") && text.find("\"hub_url\"") != std::string_view::npos)
        return {ScanKind::Provisioning, std::string(text)};
    if (text.starts_with("JCM:") && text.size() > 4 && text.size() <= 44 && alnum(text.substr(4)))
        return {ScanKind::Inspection, std::string(text.substr(4))};
    if (text.starts_with("JC") && text.size() >= 16 && text.size() <= 32 && digits(text.substr(2)))
        return {ScanKind::Inspection, std::string(text)};
    if (text.size() == 18 && validate::checkUscc(text).valid) return {ScanKind::Uscc, std::string(text)};
    // Case numbers: terminal code, date, six digits, check character
    // (QP0120260115000001X), in either case.
    static const std::regex kCaseNo("[A-Za-z0-9]{2,6}20[0-9]{6}[0-9]{6}[0-9A-Za-z]");
    if (alnum(text) && std::regex_match(text.begin(), text.end(), kCaseNo)) {
        std::string upper(text);
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return {ScanKind::CaseNo, upper};
    }
    return {ScanKind::Other, std::string(text)};
}

ScanLine describeScan(std::string_view text) {
    const ScanClass c = classifyScan(text);
    ScanLine line;
    switch (c.kind) {
        case ScanKind::Uscc: line.kindKey = i18n::Key{"maint.scan_uscc"}.id; break;
        case ScanKind::Inspection: line.kindKey = i18n::Key{"maint.scan_inspection"}.id; break;
        case ScanKind::CaseNo: line.kindKey = i18n::Key{"maint.scan_case"}.id; break;
        case ScanKind::Provisioning: line.kindKey = i18n::Key{"maint.scan_provision"}.id; break;
        case ScanKind::Other: line.kindKey = i18n::Key{"maint.scan_other"}.id; break;
    }
    // First and last four characters (ASCII only shown; anything else is a
    // dot), the rest hidden: enough to match a label, not to read it off.
    std::string shown;
    auto safe = [](char ch) { return (ch >= 0x21 && ch <= 0x7e) ? ch : '.'; };
    if (text.size() <= 8) shown.assign(text.size(), '*');
    else {
        for (std::size_t i = 0; i < 4; ++i) shown += safe(text[i]);
        shown += "****";
        for (std::size_t i = text.size() - 4; i < text.size(); ++i) shown += safe(text[i]);
    }
    line.shown = fmt::format("{} ({})", shown, text.size());
    return line;
}

std::int64_t nextDeadlineMs(const AppState& s) {
    std::int64_t next = kNever;
    if (s.maint.mode == MaintMode::Pin || s.maint.mode == MaintMode::Open)
        return s.maint.lastActivityMs + s.settings.maintIdleExitMs;
    for (const auto& t : s.session.toasts) next = std::min(next, t.expiresMs);
    if (s.session.thanksUntilMs > 0) next = std::min(next, s.session.thanksUntilMs);
    if (s.session.active) {
        if (!s.idle.warning) {
            next = std::min(next, s.idle.lastActivityMs + s.settings.idleTimeoutMs);
        } else {
            // Redraw at each whole second of the countdown, and at zero.
            const std::int64_t left = s.idle.wipeAtMs - s.nowMs;
            const std::int64_t step = left % 1000 == 0 ? 1000 : left % 1000;
            next = std::min(next, std::min(s.idle.wipeAtMs, s.nowMs + step));
        }
    }
    return next;
}

}  // namespace kiosk::state
