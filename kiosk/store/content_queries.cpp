// ContentStore's browsing queries: one function per screen's data.
#include "content_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace kiosk::store {
namespace {

using nlohmann::json;

content::TimeUnit unitOf(const std::string& s) {
    return s == "hours" ? content::TimeUnit::Hours
           : s == "natural_days" ? content::TimeUnit::NaturalDays
                                 : content::TimeUnit::WorkingDays;
}

std::vector<std::string> stringList(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& e : j)
            if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}

template <class T>
T value(const json& j, const char* key, T def) {
    auto it = j.find(key);
    if (it == j.end()) return def;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        return def;
    }
}

bool expiredDoc(const std::string& validity, const std::string& expiry, std::string_view today) {
    return validity != "有效" || (!expiry.empty() && !today.empty() && expiry < today);
}

constexpr const char* kSummaryColumns =
    "id, name, name_en, theme, department, status, promised_value, promised_unit, visits, detail";

ServiceSummary summaryFrom(Statement& st) {
    ServiceSummary s;
    s.id = st.text(0);
    s.name = st.text(1);
    s.nameEn = st.text(2);
    s.theme = st.text(3);
    s.department = st.text(4);
    s.status = st.text(5);
    s.promised = {int(st.integer(6)), unitOf(st.text(7))};
    s.visits = int(st.integer(8));
    const json d = json::parse(st.text(9), nullptr, false);
    if (d.is_object()) s.tags = value(d, "tags", std::vector<std::string>{});
    return s;
}

template <class Fn>
Result<void> rows(Database& db, std::string_view sql, const std::vector<std::string>& args, Fn&& fn) {
    auto st = db.prepare(sql);
    if (!st) return std::unexpected(st.error());
    for (std::size_t i = 0; i < args.size(); ++i) st->bind(int(i) + 1, args[i]);
    for (;;) {
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return {};
        fn(*st);
    }
}

}  // namespace

Result<std::vector<ThemeCount>> ContentStore::themes() {
    std::map<std::string, int> counts;
    auto r = rows(m_db, "SELECT theme, count(*) FROM service WHERE status != 'withdrawn' GROUP BY theme", {},
                  [&](Statement& st) { counts[st.text(0)] = int(st.integer(1)); });
    if (!r) return std::unexpected(r.error());
    std::vector<ThemeCount> out;
    for (const auto& t : content::themes()) out.push_back({t, counts[t]});
    return out;
}

Result<std::vector<DepartmentCount>> ContentStore::departments() {
    std::vector<DepartmentCount> out;
    auto r = rows(m_db,
                  "SELECT d.id, d.name, d.name_en, count(s.id) FROM department d LEFT JOIN service s "
                  "ON s.department = d.id AND s.status != 'withdrawn' GROUP BY d.id ORDER BY count(s.id) DESC, d.name",
                  {}, [&](Statement& st) {
                      out.push_back({st.text(0), st.text(1), st.text(2), int(st.integer(3))});
                  });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<ServiceList> ContentStore::servicesByTheme(const std::string& theme) {
    ServiceList list{theme, theme, {}};
    auto r = rows(m_db,
                  fmt::format("SELECT {} FROM service WHERE theme = ?1 AND status != 'withdrawn' ORDER BY ord",
                              kSummaryColumns),
                  {theme}, [&](Statement& st) { list.services.push_back(summaryFrom(st)); });
    if (!r) return std::unexpected(r.error());
    return list;
}

Result<ServiceList> ContentStore::servicesByDepartment(const std::string& departmentId) {
    ServiceList list;
    auto r = rows(m_db, "SELECT name, name_en FROM department WHERE id = ?1", {departmentId}, [&](Statement& st) {
        list.titleZh = st.text(0);
        list.titleEn = st.text(1);
    });
    if (!r) return std::unexpected(r.error());
    if (list.titleZh.empty()) return fail(ErrorCode::NotFound, fmt::format("no department {}", departmentId));
    r = rows(m_db,
             fmt::format("SELECT {} FROM service WHERE department = ?1 AND status != 'withdrawn' ORDER BY ord",
                         kSummaryColumns),
             {departmentId}, [&](Statement& st) { list.services.push_back(summaryFrom(st)); });
    if (!r) return std::unexpected(r.error());
    return list;
}

Result<ServiceView> ContentStore::service(const std::string& id) {
    ServiceView v;
    bool found = false;
    auto r = rows(m_db,
                  "SELECT id, basic_code, impl_code, version, status, name, name_en, summary, summary_en, type, "
                  "department, theme, case_kind, statutory_value, statutory_unit, promised_value, promised_unit, "
                  "visits, scope, fees_charged, fees_basis, phone_consult, phone_complaint, online_url, result_name, "
                  "detail FROM service WHERE id = ?1",
                  {id}, [&](Statement& st) {
                      found = true;
                      auto& s = v.service;
                      int c = 0;
                      s.id = st.text(c++);
                      s.basicCode = st.text(c++);
                      s.implCode = st.text(c++);
                      s.version = st.text(c++);
                      s.status = st.text(c++);
                      s.name = st.text(c++);
                      s.nameEn = st.text(c++);
                      s.summary = st.text(c++);
                      s.summaryEn = st.text(c++);
                      s.type = st.text(c++);
                      s.department = st.text(c++);
                      s.theme = st.text(c++);
                      s.caseKind = st.text(c++);
                      s.statutory.value = int(st.integer(c++));
                      s.statutory.unit = unitOf(st.text(c++));
                      s.promised.value = int(st.integer(c++));
                      s.promised.unit = unitOf(st.text(c++));
                      s.visits = int(st.integer(c++));
                      s.scope = st.text(c++);
                      s.feesCharged = st.integer(c++) != 0;
                      s.feesBasis = st.text(c++);
                      s.phoneConsult = st.text(c++);
                      s.phoneComplaint = st.text(c++);
                      s.channels.onlineUrl = st.text(c++);
                      s.resultName = st.text(c++);
                      const json d = json::parse(st.text(c++), nullptr, false);
                      if (!d.is_object()) return;
                      s.coDepartments = value(d, "co_departments", std::vector<std::string>{});
                      s.applicants = value(d, "applicants", std::vector<std::string>{});
                      s.conditions = value(d, "conditions", std::vector<std::string>{});
                      s.legalBasis = value(d, "legal_basis", std::vector<std::string>{});
                      s.tags = value(d, "tags", std::vector<std::string>{});
                      s.resultDelivery = value(d, "result_delivery", std::vector<std::string>{});
                      for (const auto& x : d.value("steps", json::array()))
                          s.steps.push_back({value(x, "name", std::string()), value(x, "text", std::string())});
                      for (const auto& x : d.value("faq", json::array()))
                          s.faq.push_back({value(x, "q", std::string()), value(x, "a", std::string())});
                      for (const auto& x : d.value("materials", json::array())) {
                          content::Material m;
                          m.name = value(x, "name", std::string());
                          m.form = value(x, "form", std::string("paper"));
                          m.originals = value(x, "originals", 0);
                          m.copies = value(x, "copies", 0);
                          m.required = value(x, "required", true);
                          m.toleratedMissing = value(x, "tolerated_missing", false);
                          m.blankForm = value(x, "blank_form", false);
                          m.sample = value(x, "sample", false);
                          m.notes = value(x, "notes", std::string());
                          s.materials.push_back(std::move(m));
                      }
                      for (const auto& x : d.value("locations", json::array()))
                          s.locations.push_back({value(x, "hall", std::string()),
                                                 value(x, "windows", std::vector<std::string>{})});
                      const json ch = d.value("channels", json::object());
                      s.channels.window = value(ch, "window", true);
                      s.channels.mobile = value(ch, "mobile", false);
                      s.channels.post = value(ch, "post", false);
                      s.channels.selfServiceTerminal = value(ch, "self_service_terminal", false);
                      s.channels.appointment = value(ch, "appointment", false);
                  });
    if (!r) return std::unexpected(r.error());
    if (!found) return fail(ErrorCode::NotFound, fmt::format("no service {}", id));
    auto deptName = [&](const std::string& d, std::string* en) {
        std::string name;
        (void)rows(m_db, "SELECT name, name_en FROM department WHERE id = ?1", {d}, [&](Statement& st) {
            name = st.text(0);
            if (en) *en = st.text(1);
        });
        return name.empty() ? d : name;
    };
    v.departmentName = deptName(v.service.department, &v.departmentNameEn);
    for (const auto& d : v.service.coDepartments) {
        std::string en;
        v.coDepartmentNames.push_back(deptName(d, &en));
        v.coDepartmentNamesEn.push_back(std::move(en));
    }
    for (const auto& loc : v.service.locations) {
        PlaceView p;
        (void)rows(m_db, "SELECT name, name_en, address, hours FROM hall WHERE id = ?1", {loc.hall}, [&](Statement& st) {
            p.hall = st.text(0);
            p.hallEn = st.text(1);
            p.address = st.text(2);
            p.hours = st.text(3);
        });
        for (const auto& w : loc.windows)
            (void)rows(m_db, "SELECT no, name FROM hall_window WHERE hall = ?1 AND no = ?2", {loc.hall, w},
                       [&](Statement& st) { p.windows.push_back(st.text(0) + " " + st.text(1)); });
        v.places.push_back(std::move(p));
    }
    (void)rows(m_db, "SELECT id, name, name_en, services FROM bundle ORDER BY ord", {}, [&](Statement& st) {
        const auto members = stringList(st.text(3));
        if (std::find(members.begin(), members.end(), id) != members.end())
            v.bundles.push_back({st.text(0), st.text(1), st.text(2)});
    });
    return v;
}

Result<std::vector<BundleRef>> ContentStore::bundles() {
    std::vector<BundleRef> out;
    auto r = rows(m_db, "SELECT id, name, name_en FROM bundle ORDER BY ord", {},
                  [&](Statement& st) { out.push_back({st.text(0), st.text(1), st.text(2)}); });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::vector<WindowRef>> ContentStore::windows() {
    std::vector<WindowRef> out;
    auto r = rows(m_db,
                  "SELECT h.id, h.name, h.name_en, w.no, w.name, w.name_en, w.department FROM hall_window w "
                  "JOIN hall h ON h.id = w.hall ORDER BY h.rowid, w.no",
                  {}, [&](Statement& st) {
                      out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)});
                  });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<BundleView> ContentStore::bundle(const std::string& id) {
    BundleView v;
    std::vector<std::string> members;
    auto r = rows(m_db, "SELECT id, name, name_en, summary, promised_value, promised_unit, services FROM bundle WHERE id = ?1",
                  {id}, [&](Statement& st) {
                      v.bundle.id = st.text(0);
                      v.bundle.name = st.text(1);
                      v.bundle.nameEn = st.text(2);
                      v.bundle.summary = st.text(3);
                      v.bundle.promised = {int(st.integer(4)), unitOf(st.text(5))};
                      members = stringList(st.text(6));
                  });
    if (!r) return std::unexpected(r.error());
    if (v.bundle.id.empty()) return fail(ErrorCode::NotFound, fmt::format("no bundle {}", id));
    v.bundle.services = members;
    std::set<std::string> seenDepartments;
    for (const auto& sid : members) {
        auto s = service(sid);
        if (!s) continue;
        v.members.push_back({s->service.id, s->service.name, s->service.nameEn, s->service.theme, s->service.department,
                             s->service.status, s->service.promised, s->service.visits, s->service.tags});
        // service() has already named the departments; dedupe by id.
        auto addDepartment = [&](const std::string& deptId, const std::string& zh, const std::string& en) {
            if (!seenDepartments.insert(deptId).second) return;
            v.departments.push_back(zh);
            v.departmentsEn.push_back(en);
        };
        addDepartment(s->service.department, s->departmentName, s->departmentNameEn);
        for (std::size_t k = 0; k < s->service.coDepartments.size(); ++k)
            addDepartment(s->service.coDepartments[k], s->coDepartmentNames[k], s->coDepartmentNamesEn[k]);
        // Merge rule (docs/CONTENT-FORMAT.md): the same name once, at its first
        // position; max originals/copies; required if any requires it; 容缺 only
        // if every requiring member tolerates it; form "both" when members differ.
        for (const auto& m : s->service.materials) {
            auto it = std::find_if(v.materials.begin(), v.materials.end(),
                                   [&](const content::Material& x) { return x.name == m.name; });
            if (it == v.materials.end()) {
                v.materials.push_back(m);
                continue;
            }
            it->originals = std::max(it->originals, m.originals);
            it->copies = std::max(it->copies, m.copies);
            if (m.required) it->toleratedMissing = (it->required ? it->toleratedMissing : true) && m.toleratedMissing;
            it->required = it->required || m.required;
            if (it->form != m.form) it->form = "both";
            if (!m.notes.empty() && it->notes.find(m.notes) == std::string::npos)
                it->notes = it->notes.empty() ? m.notes : it->notes + "；" + m.notes;
        }
    }
    return v;
}

Result<PolicyFacets> ContentStore::policyFacets() {
    PolicyFacets f;
    auto collect = [&](const char* col, std::vector<std::string>& out) {
        return rows(m_db, fmt::format("SELECT DISTINCT {0} FROM policy_document WHERE {0} != '' ORDER BY {0}", col), {},
                    [&](Statement& st) { out.push_back(st.text(0)); });
    };
    if (auto r = collect("district", f.districts); !r) return std::unexpected(r.error());
    if (auto r = collect("level", f.levels); !r) return std::unexpected(r.error());
    if (auto r = collect("topic", f.topics); !r) return std::unexpected(r.error());
    auto r = rows(m_db, "SELECT DISTINCT year FROM policy_document WHERE year > 0 ORDER BY year DESC", {},
                  [&](Statement& st) { f.years.push_back(int(st.integer(0))); });
    if (!r) return std::unexpected(r.error());
    return f;
}

Result<std::vector<DocumentSummary>> ContentStore::documents(const PolicyFilter& filter, std::string_view today) {
    std::vector<DocumentSummary> out;
    auto r = rows(m_db,
                  "SELECT id, title, doc_number, published, level, district, topic, validity, expiry, year, measures "
                  "FROM policy_document WHERE (?1 = '' OR district = ?1) AND (?2 = '' OR level = ?2) "
                  "AND (?3 = '' OR topic = ?3) AND (?4 = '0' OR year = CAST(?4 AS INTEGER)) "
                  "ORDER BY published DESC, title",
                  {filter.district, filter.level, filter.topic, std::to_string(filter.year)}, [&](Statement& st) {
                      DocumentSummary d{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5),
                                        st.text(6), st.text(7), st.text(8), int(st.integer(9)), int(st.integer(10)),
                                        false};
                      d.expired = expiredDoc(d.validity, d.expiry, today);
                      if (!(filter.inForceOnly && d.expired)) out.push_back(std::move(d));
                  });
    if (!r) return std::unexpected(r.error());
    std::stable_partition(out.begin(), out.end(), [](const DocumentSummary& d) { return !d.expired; });
    return out;
}

Result<DocumentView> ContentStore::document(const std::string& id, std::string_view today) {
    DocumentView v;
    std::string issuers;
    auto r = rows(m_db,
                  "SELECT id, title, doc_number, published, level, district, topic, validity, expiry, year, measures, "
                  "issuers FROM policy_document WHERE id = ?1",
                  {id}, [&](Statement& st) {
                      v.summary = {st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6),
                                   st.text(7), st.text(8), int(st.integer(9)), int(st.integer(10)), false};
                      issuers = st.text(11);
                  });
    if (!r) return std::unexpected(r.error());
    if (v.summary.id.empty()) return fail(ErrorCode::NotFound, fmt::format("no policy document {}", id));
    v.summary.expired = expiredDoc(v.summary.validity, v.summary.expiry, today);
    v.issuers = stringList(issuers);
    // Depth-first: order by path of ords. Measures were inserted depth-first,
    // so their ids are already in reading order.
    r = rows(m_db,
             "SELECT m.id, m.depth, m.number, m.path, m.heading, m.text, m.units, "
             "EXISTS(SELECT 1 FROM guide g WHERE g.measure = m.id) FROM measure m WHERE m.document = ?1 ORDER BY m.id",
             {id}, [&](Statement& st) {
                 v.measures.push_back({st.integer(0), int(st.integer(1)), st.text(2), st.text(3), st.text(4), st.text(5),
                                       stringList(st.text(6)), st.integer(7) != 0});
             });
    if (!r) return std::unexpected(r.error());
    return v;
}

Result<std::vector<GuideView>> ContentStore::guides(std::string_view today) {
    std::vector<GuideView> out;
    auto r = rows(m_db,
                  "SELECT g.id, g.document, m.path, g.title, g.beneficiaries, g.conditions, g.amount, g.window, "
                  "g.payout, g.place, g.phone, g.mode, g.rule, d.title, d.validity, d.expiry "
                  "FROM guide g JOIN policy_document d ON d.id = g.document JOIN measure m ON m.id = g.measure "
                  "ORDER BY d.published DESC, g.id",
                  {}, [&](Statement& st) {
                      GuideView v;
                      int c = 0;
                      v.guide.id = st.text(c++);
                      v.guide.document = st.text(c++);
                      v.guide.measurePath = st.text(c++);
                      v.guide.title = st.text(c++);
                      v.guide.beneficiaries = st.text(c++);
                      v.guide.conditions = st.text(c++);
                      v.guide.amount = st.text(c++);
                      v.guide.window = st.text(c++);
                      v.guide.payout = st.text(c++);
                      v.guide.where = st.text(c++);
                      v.guide.phone = st.text(c++);
                      const std::string mode = st.text(c++);
                      v.guide.mode = mode == "免申即享" ? content::RedemptionMode::NoApplication
                                     : mode == "快申快享" ? content::RedemptionMode::Quick
                                                         : content::RedemptionMode::Normal;
                      const json rule = json::parse(st.text(c++), nullptr, false);
                      if (rule.is_array())
                          for (const auto& x : rule)
                              v.rule.push_back({value(x, "attr", std::string()), value(x, "op", std::string()),
                                                value(x, "values", std::vector<std::string>{}),
                                                value(x, "value", std::string())});
                      v.documentTitle = st.text(c++);
                      const std::string validity = st.text(c++);
                      v.expired = expiredDoc(validity, st.text(c++), today);
                      out.push_back(std::move(v));
                  });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<content::RatingReasonSet> ContentStore::ratingReasons() {
    content::RatingReasonSet set;
    auto r = rows(m_db, "SELECT value FROM meta WHERE key = 'rating_reasons_version'", {},
                  [&](Statement& st) { set.version = st.text(0); });
    if (!r) return std::unexpected(r.error());
    r = rows(m_db, "SELECT level, code, text, text_en FROM rating_reason ORDER BY level, ord", {}, [&](Statement& st) {
        const std::string level = st.text(0);
        for (int i = 0; i < records::kRatingLevels; ++i)
            if (level == records::kRatingLevelList[std::size_t(i)].code) set.levels[i].push_back({st.text(1), st.text(2), st.text(3)});
    });
    if (!r) return std::unexpected(r.error());
    return set;
}

}  // namespace kiosk::store
