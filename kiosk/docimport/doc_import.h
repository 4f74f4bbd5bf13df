// Turns a policy document published as plain text (行动方案, 工作要点,
// 实施方案, 通知 wrapping a plan …) into its metadata and the tree of its
// numbered measures, the way a reader of the document would split it.
//
// Pure text processing: no database, no UI. `kioskctl content import-doc`
// feeds the result to the content store. Never throws; malformed input gets
// warnings (with line numbers) or an Error saying what is wrong.
#pragma once

#include "base/error.h"

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::docimport {

struct Measure {
    std::string number;              // as numbered, normalised: "一、" "（一）" "1." "（1）"
    int level = 0;                   // depth in this document's tree, 0 = top
    std::string heading;             // the item's short title when it has one ("高效办成一件事"), else ""
    std::string text;                // the item's own text: paragraphs joined, without its number
                                     // and without the responsible-unit note
    std::vector<std::string> units;  // 责任单位/责任部门/牵头单位 … in order: {"区政务办", "各相关部门"}
    int line = 0;                    // 1-based source line where the item starts
    std::vector<Measure> children;
};

struct Document {
    std::string title;                        // "青浦区2025年优化营商环境工作要点"
    std::vector<std::string> issuers;         // 发文机构, in order
    std::string docNumber;                    // 文号 normalised with 〔〕: "青委办〔2025〕5号"; "" if none
    std::string written;                      // ISO dates "2025-02-14" where detected, else ""
    std::string published;
    std::string effective;
    std::string expiry;
    bool traditional = false;                 // the source is in Traditional Chinese
    std::string preamble;                     // text between the title and the first measure
    std::vector<Measure> measures;            // top-level measures
    std::vector<std::string> warnings;        // "line 40: …" things an editor should check
    std::vector<std::string> normalisations;  // what was changed, e.g. "3 full-width digits → ASCII"
};

// `origin` names the source (a file name) in warnings and errors.
[[nodiscard]] Result<Document> importText(std::string_view utf8, std::string_view origin);

// Number of measures in the whole tree (every numbered item at every level).
int countMeasures(const Document& doc);
// Number of measures that carry at least one responsible unit.
int countMeasuresWithUnits(const Document& doc);

}  // namespace kiosk::docimport
