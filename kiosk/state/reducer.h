// reduce(): the only code that changes AppState. It is pure apart from the
// state it is given: no clock, no I/O. What must happen outside (fonts,
// lookups, wiping toolkit state) is returned as Effects for the app loop.
//
// Idle life cycle of a visitor session:
//
//   [pristine] --UserActivity--> [active] --Tick past timeout--> [warning]
//       ^                          ^  |                              |  |
//       |                          |  +--UserActivity (restart timer) |  |
//       |                          +----------UserActivity------------+  |
//       +-------------- Tick past wipeAtMs: wipeSession() ---------------+
//
// A pristine session never warns: there is nothing to wipe.
#pragma once

#include "actions.h"

#include <cstdint>
#include <limits>

namespace kiosk::state {

[[nodiscard]] Effects reduce(AppState& state, const Action& action);

// Maintenance mode and setup (maintenance_reducer.cpp). wipeSession() is
// shared: entering maintenance wipes the visitor's session.
[[nodiscard]] Effects reduceMaintenance(AppState& state, const MaintEvent& event);
// Leaves maintenance mode when it has been untouched too long (on Tick).
[[nodiscard]] Effects maintenanceTick(AppState& state);
[[nodiscard]] Effects wipeSession(AppState& state);

// What a scan holds. A 检查码 (the code on an enterprise-inspection notice)
// is "JCM:" followed by the code, or "JC" and 14–30 digits; a case number is
// what 办件查询 accepts; provisioning data is the JSON `kiosk-hub
// provision-file` writes.
enum class ScanKind : std::uint8_t { Uscc, Inspection, CaseNo, Provisioning, Other };
struct ScanClass {
    ScanKind kind = ScanKind::Other;
    std::string value;  // the code itself (prefix removed)
};
ScanClass classifyScan(std::string_view text);
// The scan for the technician's scanner test: kind and a masked form.
ScanLine describeScan(std::string_view text);

// The action's type name, for trace logs (never its contents).
const char* actionName(const Action& action);

// The earliest time at which a Tick changes the state (idle warning, countdown
// second, toast expiry), or kNever. The app loop sleeps until then.
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
std::int64_t nextDeadlineMs(const AppState& state);

// Validation of the case-lookup inputs; returns the i18n key of the problem
// or an empty string.
std::string checkCaseNumber(const std::string& caseNo);
std::string checkMobileLast4(const std::string& digits);

// Checks every field of the case form and records the problems in
// form.errors; true when there are none.
bool validateCaseForm(CaseForm& form);
// The same for the rating form (level; a bad rating's reasons and call-back).
bool validateRatingForm(RatingForm& form);

// The service instance a rating of `target` belongs to (see RatingTarget).
std::string ratingInstance(const AppState& state, const RatingTarget& target);

}  // namespace kiosk::state
