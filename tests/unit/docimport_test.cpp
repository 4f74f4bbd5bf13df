// Policy-document importer: the three corpus documents import into the
// measure trees a careful reader counts by hand, and the quirks of other
// documents of the kind (Traditional script, numbering variants, web noise,
// broken lines, appendices) are handled or reported, never thrown.
#include "docimport/doc_import.h"

#include <gtest/gtest.h>
#include <opencc/opencc.h>

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace kiosk::docimport;

namespace {

std::string readCorpus(const std::string& name) {
    std::ifstream in(std::string(KIOSK_SOURCE_DIR "/assets/content/documents/") + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Document importOk(std::string_view text, std::string_view origin = "test.txt") {
    auto r = importText(text, origin);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : Document{};
}

Document importCorpus(const std::string& name) {
    const std::string text = readCorpus(name);
    EXPECT_GT(text.size(), 1000u) << name << " not found next to the source tree";
    return importOk(text, name);
}

// The measure reached by following numbers from the top: {"二、", "（一）", "1.", "（1）"}.
const Measure* find(const std::vector<Measure>& ms, std::initializer_list<std::string_view> path) {
    const std::vector<Measure>* level = &ms;
    const Measure* found = nullptr;
    for (const auto number : path) {
        found = nullptr;
        for (const auto& m : *level)
            if (m.number == number) {
                found = &m;
                break;
            }
        if (found == nullptr) return nullptr;
        level = &found->children;
    }
    return found;
}

const Measure& at(const Document& doc, std::initializer_list<std::string_view> path) {
    static const Measure missing{"<missing>", -1, "", "", {}, 0, {}};
    const Measure* m = find(doc.measures, path);
    EXPECT_NE(m, nullptr) << "no measure at the given path";
    return m != nullptr ? *m : missing;
}

void countLevels(const std::vector<Measure>& ms, std::map<int, int>& out) {
    for (const auto& m : ms) {
        ++out[m.level];
        countLevels(m.children, out);
    }
}

std::map<int, int> levels(const Document& doc) {
    std::map<int, int> out;
    countLevels(doc.measures, out);
    return out;
}

bool anyContains(const std::vector<std::string>& list, std::string_view what) {
    for (const auto& s : list)
        if (s.find(what) != std::string::npos) return true;
    return false;
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& s : list) out += s + "\n";
    return out;
}

// Simplified → Traditional with OpenCC, to make Traditional test documents
// from the Simplified corpus.
std::string toTraditional(const std::string& text) {
    opencc_t cc = opencc_open("s2t.json");
    if (cc == reinterpret_cast<opencc_t>(static_cast<std::intptr_t>(-1))) return {};
    char* out = opencc_convert_utf8(cc, text.data(), text.size());
    std::string result = out != nullptr ? std::string(out) : std::string();
    if (out != nullptr) opencc_convert_utf8_free(out);
    opencc_close(cc);
    return result;
}

}  // namespace

// ---------------------------------------------------------------- the corpus

// Qingpu, counted by reading the file:
//   top level 一、主要目标 二、重点任务 三、保障措施 = 3;
//   二、 has (一)(二), 三、 has (一)…(四) = 6 at level 1;
//   二(一) has 1.…5. (the five 环境), 二(二) has the second list of nine numbered
//   攻坚行动 1.…9. = 14 at level 2;
//   (1)…(50) run on through 二(一)1.…5. (13 + 17 + 12 + 5 + 3) = 50 at level 3.
//   Total 3 + 6 + 14 + 50 = 73. Every (n) and each of the nine actions ends with
//   a (责任单位:…) note: 50 + 9 = 59 measures with units.
TEST(DocImportCorpus, QingpuTreeAndMetadata) {
    const Document doc = importCorpus("qingpu-2025-work-points.txt");
    EXPECT_EQ(doc.title, "青浦区2025年优化营商环境工作要点");
    EXPECT_EQ(doc.docNumber, "青委办〔2025〕5号");
    EXPECT_EQ(doc.issuers, (std::vector<std::string>{"中共青浦区委办公室", "青浦区人民政府办公室"}));
    EXPECT_EQ(doc.published, "2025-02-14");  // header line "2025.02.14"
    EXPECT_EQ(doc.written, "2025-02-14");    // signature line "2025年2月14日"
    EXPECT_EQ(doc.effective, "");
    EXPECT_EQ(doc.expiry, "");
    EXPECT_FALSE(doc.traditional);
    EXPECT_TRUE(doc.preamble.starts_with("2025年,青浦区坚持")) << doc.preamble;

    EXPECT_EQ(countMeasures(doc), 73);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 3}, {1, 6}, {2, 14}, {3, 50}}));
    EXPECT_EQ(countMeasuresWithUnits(doc), 59);
    EXPECT_TRUE(doc.warnings.empty()) << joined(doc.warnings);

    const Measure& first = at(doc, {"二、", "（一）", "1.", "（1）"});
    EXPECT_EQ(first.units, (std::vector<std::string>{"区政务办", "各相关部门"}));
    EXPECT_EQ(first.heading, "高效办成一件事");
    EXPECT_TRUE(first.text.starts_with("落实好国家、市“高效办成一件事”")) << first.text;
    EXPECT_EQ(first.text.find("责任单位"), std::string::npos) << "the note must be cut from the text";
    EXPECT_EQ(first.line, 21);
    EXPECT_EQ(first.level, 3);

    EXPECT_EQ(at(doc, {"二、", "（一）", "1.", "（2）"}).units,
              (std::vector<std::string>{"区政务办", "发展改革委", "司法局", "各行政审批事项实施部门"}));
    // (14) continues the numbering under 2. — not a gap
    const Measure& law = at(doc, {"二、", "（一）", "2.", "（14）"});
    EXPECT_EQ(law.heading, "推行跨部门综合监管");
    EXPECT_EQ(at(doc, {"二、", "（一）", "2.", "（23）"}).units, (std::vector<std::string>{"区法院"}));
    EXPECT_EQ(at(doc, {"二、", "（一）", "5.", "（50）"}).units,
              (std::vector<std::string>{"区委宣传部", "区发展改革委", "融媒体中心", "各街镇"}));
    EXPECT_EQ(at(doc, {"二、", "（一）", "5."}).heading, "持续优化提升人文环境");
    EXPECT_EQ(at(doc, {"二、", "（一）"}).children.size(), 5u);

    // the nine 攻坚行动: title on its own line, text and units on the next
    const Measure& action3 = at(doc, {"二、", "（二）", "3."});
    EXPECT_EQ(action3.heading, "政务服务“一网通办”质效提升攻坚行动");
    EXPECT_EQ(action3.units, (std::vector<std::string>{"区政务办", "市场监管局", "建管委", "卫健委", "各相关部门"}));
    EXPECT_TRUE(action3.text.ends_with("提供一站式企业服务。")) << action3.text;  // no "。。" after the cut note
    EXPECT_EQ(at(doc, {"二、", "（二）", "8."}).heading, "“亲清直通”暖企攻坚行动");  // "8. “亲清…" has a space
    EXPECT_EQ(at(doc, {"二、", "（二）"}).children.size(), 9u);
    EXPECT_EQ(at(doc, {"三、", "（一）"}).heading, "压紧压实责任");
    EXPECT_TRUE(at(doc, {"三、", "（四）"}).units.empty());
}

// Jinshan, counted by reading the file: a 通知 (addressee, one paragraph,
// 附件 line, issuer, date) wrapping the plan after "附件".
//   一、…五、 = 5 at level 0;
//   二、三、四、五、 have three (一)(二)(三) each = 12 at level 1 (一、 has none);
//   二: 3+3+3, 三: 3+6+3, 四: 4+4+4 numbered 1. items = 33 at level 2
//   (五、's (一)…(三) are paragraphs without sub-items).
//   Total 50; no responsible units anywhere.
TEST(DocImportCorpus, JinshanTreeAndMetadata) {
    const Document doc = importCorpus("jinshan-2023-action-plan.txt");
    EXPECT_EQ(doc.title, "金山区加强集成创新持续优化营商环境行动方案");
    EXPECT_EQ(doc.docNumber, "");
    EXPECT_EQ(doc.issuers, (std::vector<std::string>{"上海市金山区发展和改革委员会"}));
    EXPECT_EQ(doc.written, "2023-02-15");
    EXPECT_EQ(doc.published, "");
    EXPECT_TRUE(doc.preamble.starts_with("为深入贯彻落实党中央")) << doc.preamble;

    EXPECT_EQ(countMeasures(doc), 50);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 5}, {1, 12}, {2, 33}}));
    EXPECT_EQ(countMeasuresWithUnits(doc), 0);
    EXPECT_TRUE(doc.warnings.empty()) << joined(doc.warnings);

    EXPECT_EQ(at(doc, {"一、"}).heading, "总体要求");
    EXPECT_TRUE(at(doc, {"一、"}).text.starts_with("以习近平新时代")) << at(doc, {"一、"}).text;
    EXPECT_EQ(at(doc, {"三、", "（二）"}).children.size(), 6u);
    const Measure& tax = at(doc, {"三、", "（二）", "5."});
    EXPECT_EQ(tax.heading, "优化纳税服务");
    EXPECT_TRUE(tax.text.starts_with("严格落实各项减税降费政策")) << tax.text;
    EXPECT_EQ(tax.line, 34);
    EXPECT_EQ(at(doc, {"五、", "（三）"}).heading, "加强宣传推介");
    EXPECT_TRUE(at(doc, {"五、", "（三）"}).children.empty());
    // the ASCII brackets of "(一)" were rewritten and counted
    EXPECT_TRUE(anyContains(doc.normalisations, "12 number markers")) << joined(doc.normalisations);
}

// Changning, counted by reading the file: no title line, no 文号.
//   一、总体要求 二、主要任务 = 2 at level 0; 二、 has (一)…(六) = 6 at level 1;
//   1、…36、 numbered on through (一)…(六) (1 + 10 + 5 + 9 + 5 + 6) = 36 at level 2.
//   Total 44; each of 1、…36、 ends with (责任单位:…) = 36 with units.
//   附件1 retells measures as eight 创新举措 一、…八、: not measures again.
TEST(DocImportCorpus, ChangningTreeAndAppendix) {
    const Document doc = importCorpus("changning-2020-action-plan.txt");
    // the title is not in the text; the attachment list names the plan's 分工表
    EXPECT_EQ(doc.title, "长宁区深化改革创新优化营商环境2020年行动计划");
    EXPECT_TRUE(anyContains(doc.warnings, "line 48: the text has no title line")) << joined(doc.warnings);
    EXPECT_EQ(doc.docNumber, "");
    EXPECT_TRUE(doc.issuers.empty());
    EXPECT_TRUE(doc.preamble.starts_with("为深入贯彻党中央、国务院")) << doc.preamble;

    EXPECT_EQ(countMeasures(doc), 44);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 2}, {1, 6}, {2, 36}}));
    EXPECT_EQ(countMeasuresWithUnits(doc), 36);
    EXPECT_EQ(doc.measures.size(), 2u) << "the appendix's 一、…八、 must not become measures";

    EXPECT_TRUE(anyContains(doc.warnings, "line 50: 附件1 restates")) << joined(doc.warnings);
    EXPECT_TRUE(anyContains(doc.warnings, "8 numbered items")) << joined(doc.warnings);
    EXPECT_TRUE(anyContains(doc.warnings, "line 48: attachment 2")) << joined(doc.warnings);
    EXPECT_TRUE(anyContains(doc.warnings, "line 49: attachment 3")) << joined(doc.warnings);

    EXPECT_EQ(at(doc, {"二、", "（一）", "1、"}).units,
              (std::vector<std::string>{"区发改委", "市场监管局", "建管委", "规划资源局", "司法局", "税务局", "商务委",
                                        "法院", "金融办", "区府办", "人社局", "财政局", "科委"}));
    // "…市场监管局等)": the trailing 等 is not part of the name
    EXPECT_EQ(at(doc, {"二、", "（二）", "7、"}).units,
              (std::vector<std::string>{"区府办", "科委", "公安分局", "市场监管局"}));
    EXPECT_EQ(at(doc, {"二、", "（六）", "36、"}).units, (std::vector<std::string>{"区检察院", "公安分局", "法院"}));
    EXPECT_EQ(at(doc, {"二、", "（三）"}).heading, "着力提升贸易便利化和特色产业能级");
    EXPECT_EQ(at(doc, {"二、", "（二）"}).children.size(), 10u);
    EXPECT_EQ(at(doc, {"二、", "（一）", "1、"}).heading, "") << "a long first sentence is not a title";
}

// ------------------------------------------------------- Traditional Chinese

TEST(DocImportTraditional, HandWrittenDocumentKeepsItsScript) {
    const std::string text =
        "關於印發《臺北市優化營商環境實施方案》的通知\n"
        "北市府經字[2024]12號\n"
        "臺北市政府\n"
        "2024年3月1日\n"
        "臺北市優化營商環境實施方案\n"
        "為持續優化營商環境，特制定本方案。\n"
        "一、總體要求\n"
        "堅持問題導向，提升企業感受度。\n"
        "二、重點任務\n"
        "（一）提升政務服務效能\n"
        "1.推行網上辦理。全面推行線上申辦，減少企業跑動次數。（責任單位：區政務辦、發展改革委）\n"
        "2.優化審批流程。壓縮審批時限。（牽頭單位：市場監管局；配合單位：財政局、稅務局）\n"
        "三、附則\n"
        "本方案自2024年4月1日起施行，有效期至2026年3月31日。\n";
    const Document doc = importOk(text);
    EXPECT_TRUE(doc.traditional);
    EXPECT_EQ(doc.title, "臺北市優化營商環境實施方案");
    EXPECT_EQ(doc.docNumber, "北市府經字〔2024〕12號");
    EXPECT_EQ(doc.issuers, (std::vector<std::string>{"臺北市政府"}));
    EXPECT_EQ(doc.effective, "2024-04-01");
    EXPECT_EQ(doc.expiry, "2026-03-31");
    EXPECT_EQ(countMeasures(doc), 6);
    EXPECT_EQ(countMeasuresWithUnits(doc), 2);
    const Measure& online = at(doc, {"二、", "（一）", "1."});
    EXPECT_EQ(online.heading, "推行網上辦理");
    EXPECT_EQ(online.text, "全面推行線上申辦，減少企業跑動次數。");
    EXPECT_EQ(online.units, (std::vector<std::string>{"區政務辦", "發展改革委"}));
    // 牽頭單位 and 配合單位 in one note, in order
    EXPECT_EQ(at(doc, {"二、", "（一）", "2."}).units, (std::vector<std::string>{"市場監管局", "財政局", "稅務局"}));
    // "本方案自…" under 三、附則 is that item's text, not cut off as a closing clause
    EXPECT_TRUE(at(doc, {"三、"}).text.starts_with("本方案自2024年4月1日起施行")) << at(doc, {"三、"}).text;
}

TEST(DocImportTraditional, QingpuConvertedWithOpenCcImportsTheSame) {
    const std::string trad = toTraditional(readCorpus("qingpu-2025-work-points.txt"));
    ASSERT_FALSE(trad.empty()) << "OpenCC s2t.json is missing";
    ASSERT_NE(trad.find("責任單位"), std::string::npos);
    const Document doc = importOk(trad);
    EXPECT_TRUE(doc.traditional);
    EXPECT_EQ(doc.title, "青浦區2025年優化營商環境工作要點");
    EXPECT_EQ(countMeasures(doc), 73);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 3}, {1, 6}, {2, 14}, {3, 50}}));
    EXPECT_EQ(countMeasuresWithUnits(doc), 59);
    const Measure& first = at(doc, {"二、", "（一）", "1.", "（1）"});
    EXPECT_EQ(first.units, (std::vector<std::string>{"區政務辦", "各相關部門"}));
    EXPECT_EQ(first.heading, "高效辦成一件事");
}

TEST(DocImportTraditional, SimplifiedCorpusIsNotTraditional) {
    // t2s changes a character or two in Simplified text (覆 → 复): not enough
    EXPECT_FALSE(importOk(readCorpus("changning-2020-action-plan.txt")).traditional);
    EXPECT_FALSE(importOk(readCorpus("jinshan-2023-action-plan.txt")).traditional);
}

// ---------------------------------------------------------- numbering forms

TEST(DocImportNumbering, BracketDigitAndSpaceVariantsNormalise) {
    const std::string text =
        "某区实施方案\n"
        "一 、主要任务\n"
        "(一）提升服务\n"
        "１．推行网办。\n"
        "2 .优化流程。\n"
        "（ 1 ）细化指引。\n"
        "（2)明确时限。\n"
        "（二)加强保障\n"
        "1、完善机制。\n"
        "①建立台账。\n"
        "②定期通报。\n";
    const Document doc = importOk(text);
    EXPECT_EQ(countMeasures(doc), 10);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 1}, {1, 2}, {2, 3}, {3, 4}}));
    const Measure& top = at(doc, {"一、"});
    EXPECT_EQ(top.heading, "主要任务");
    ASSERT_EQ(top.children.size(), 2u);
    EXPECT_EQ(top.children[0].number, "（一）");
    EXPECT_EQ(top.children[1].number, "（二）");
    const Measure& service = top.children[0];
    ASSERT_EQ(service.children.size(), 2u);
    EXPECT_EQ(service.children[0].number, "1.");
    EXPECT_EQ(service.children[1].number, "2.");
    EXPECT_EQ(service.children[1].text, "优化流程。");
    ASSERT_EQ(service.children[1].children.size(), 2u);
    EXPECT_EQ(service.children[1].children[0].number, "（1）");
    EXPECT_EQ(service.children[1].children[1].number, "（2）");
    const Measure& ledger = at(doc, {"一、", "（二）", "1、", "①"});
    EXPECT_EQ(ledger.text, "建立台账。");
    EXPECT_EQ(ledger.level, 3);
    EXPECT_TRUE(anyContains(doc.normalisations, "1 full-width digits")) << joined(doc.normalisations);
    EXPECT_TRUE(doc.warnings.empty()) << joined(doc.warnings);
}

TEST(DocImportNumbering, ArticlesWithCircledItems) {
    const std::string text =
        "某区促进企业发展若干措施\n"
        "第一条 为优化营商环境，制定本措施。\n"
        "第二条 具体措施如下：\n"
        "①企业开办一日办结。\n"
        "②社保登记同步办理。\n"
        "第 三 条 本措施自2025年5月1日起施行。\n";
    const Document doc = importOk(text);
    EXPECT_EQ(doc.title, "某区促进企业发展若干措施");
    EXPECT_EQ(countMeasures(doc), 5);
    ASSERT_EQ(doc.measures.size(), 3u);
    EXPECT_EQ(doc.measures[2].number, "第三条");
    EXPECT_EQ(doc.measures[0].text, "为优化营商环境，制定本措施。");
    EXPECT_EQ(at(doc, {"第二条", "②"}).text, "社保登记同步办理。");
    EXPECT_EQ(doc.effective, "2025-05-01");
}

TEST(DocImportNumbering, DocumentMayStartAtArabicNumbers) {
    const std::string text =
        "某区工作措施\n"
        "1、优化开办服务。\n"
        "（1）压缩时限。\n"
        "（2）减少材料。\n"
        "2、加强要素保障。\n"
        "1）保障用地。\n";
    const Document doc = importOk(text);
    EXPECT_EQ(countMeasures(doc), 5);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 2}, {1, 3}}));
    EXPECT_EQ(at(doc, {"1、", "（2）"}).level, 1);
    EXPECT_EQ(at(doc, {"2、", "1）"}).text, "保障用地。");
}

TEST(DocImportNumbering, CapitalNumeralsInTraditionalText) {
    const std::string text =
        "某縣推動產業發展實施辦法\n"
        "壹、總則\n"
        "本辦法適用於本縣轄區內之企業。\n"
        "貳、獎勵措施\n"
        "一、設立產業發展專項資金。（責任單位：縣財政局）\n"
        "二、簡化企業申請流程。\n"
        "參、附則\n";
    const Document doc = importOk(text);
    EXPECT_TRUE(doc.traditional);
    EXPECT_EQ(levels(doc), (std::map<int, int>{{0, 3}, {1, 2}}));
    EXPECT_EQ(doc.measures[2].number, "參、");
    EXPECT_EQ(at(doc, {"貳、", "一、"}).units, (std::vector<std::string>{"縣財政局"}));
    EXPECT_EQ(at(doc, {"壹、"}).text, "本辦法適用於本縣轄區內之企業。");
    EXPECT_TRUE(doc.warnings.empty()) << joined(doc.warnings);
}

TEST(DocImportNumbering, GapsSkippedLevelsAndMixedPunctuationAreReported) {
    const std::string text =
        "某区实施方案\n"
        "一、任务\n"
        "（一）甲\n"
        "1.子项一。\n"
        "3.子项三。\n"
        "二、保障\n"
        "1.子项四。\n"
        "2、子项五。\n";
    const Document doc = importOk(text, "gaps.txt");
    EXPECT_TRUE(anyContains(doc.warnings, "gaps.txt line 5: numbering gap: 3. follows 1.")) << joined(doc.warnings);
    EXPECT_TRUE(anyContains(doc.warnings, "line 7: 1. comes directly under 二、, skipping the （一） level"))
        << joined(doc.warnings);
    EXPECT_TRUE(anyContains(doc.warnings, "line 8: 2、 continues 1.")) << joined(doc.warnings);
    // "2、" is read as 1.'s sibling, not as its child
    EXPECT_EQ(at(doc, {"二、"}).children.size(), 2u);
    EXPECT_EQ(countMeasures(doc), 7);
}

// ------------------------------------------------------------------ noise

TEST(DocImportNoise, WebConversionArtefactsAreRepairedAndCounted) {
    const std::string text =
        "某区2025年工作要点\r\n"
        "某府办【2025】7号\r\n"
        "2025-03-05\r\n"
        "一、\xe2\x80\x8b主要任务\r\n"
        "\xe3\x80\x80\xe3\x80\x80（一）提升服务\r\n"
        "1.推行“一网通办”，营 商环境持续\xc2\xa0改善，实现１０个工作日办结。\r\n"
        "2.确保1分钟响应，实现1分\xef\xbf\xbd响应率达到95%。\r\n"
        "3.推进营商\xef\xbf\xbd的整改。\r\n";
    const Document doc = importOk(text, "noisy.txt");
    EXPECT_EQ(doc.title, "某区2025年工作要点");
    EXPECT_EQ(doc.docNumber, "某府办〔2025〕7号");
    EXPECT_EQ(doc.published, "2025-03-05");
    EXPECT_EQ(countMeasures(doc), 5);
    EXPECT_EQ(at(doc, {"一、"}).heading, "主要任务");
    EXPECT_EQ(at(doc, {"一、", "（一）", "1."}).text, "推行“一网通办”，营商环境持续改善，实现10个工作日办结。");
    // the lost character is found in another occurrence of the same words
    EXPECT_EQ(at(doc, {"一、", "（一）", "2."}).text, "确保1分钟响应，实现1分钟响应率达到95%。");
    // nothing to repair "营商�的" from: left for the editor, with its line
    EXPECT_EQ(at(doc, {"一、", "（一）", "3."}).text, "推进营商\xef\xbf\xbd的整改。");
    EXPECT_TRUE(anyContains(doc.warnings, "noisy.txt line 8: unreadable character (U+FFFD)")) << joined(doc.warnings);
    for (const char* expected : {"8 CRLF line endings", "1 zero-width", "1 no-break", "2 full-width spaces",
                                 "2 full-width digits", "2 stray spaces between Chinese", "1 U+FFFD replacement",
                                 "1 文号 brackets"})
        EXPECT_TRUE(anyContains(doc.normalisations, expected)) << expected << "\n" << joined(doc.normalisations);
}

TEST(DocImportNoise, LostCharacterOfAUnitWordAfterANumber) {
    // "1分�" with no other "1分钟" in the document: 分 after a number is 分钟
    const Document doc = importOk("某区方案\n一、提升线上帮办服务，实现1分\xef\xbf\xbd响应。\n");
    EXPECT_EQ(at(doc, {"一、"}).text, "提升线上帮办服务，实现1分钟响应。");
    EXPECT_TRUE(doc.warnings.empty()) << joined(doc.warnings);
}

TEST(DocImportNoise, WrongEncodingIsOneWarningNotAHundred) {
    std::string garbled;
    for (int i = 0; i < 150; ++i) garbled += "\xef\xbf\xbd";
    const Document doc = importOk("某区方案\n一、提升服务。\n二、" + garbled + "。\n", "garbled.txt");
    ASSERT_EQ(doc.warnings.size(), 1u) << joined(doc.warnings);
    EXPECT_TRUE(doc.warnings[0].starts_with("garbled.txt line 3: 150 unreadable characters")) << doc.warnings[0];
    EXPECT_EQ(countMeasures(doc), 2);
}

// ------------------------------------------------------------ broken lines

TEST(DocImportLines, ParagraphsBrokenByAWebPageAreJoined) {
    // wrapped at 30 characters, the way a scraped page breaks lines
    const std::string text =
        "某区优化营商环境行动方案\n"
        "一、重点任务\n"
        "1.持续深化“一网通办”改革，全面推行企业开办全程网办，压缩\n"
        "企业开办时间至1个工作日以内，推动电子营业执照在各领域广泛应\n"
        "用，提升企业办事体验。（责任单位：区市场监管局、区政务办）\n"
        "2.优化营商环境。加强政策宣传解读，建立健全政策发布、解读、\n"
        "宣传三同步机制，持续提升惠企政策知晓度和覆盖面，推动政策直达\n"
        "快享。（责任单位：区发展改革委）\n"
        "3.强化要素保障，统筹用地、用能、资金等要素资源，保障重大项\n"
        "目落地建设，对重点产业项目实行专人服务和全程帮办。（责任单位\n"
        "：区规划资源局、区经委）\n";
    const Document doc = importOk(text);
    EXPECT_EQ(countMeasures(doc), 4);
    const Measure& m1 = at(doc, {"一、", "1."});
    EXPECT_EQ(m1.heading, "");
    EXPECT_EQ(m1.text,
              "持续深化“一网通办”改革，全面推行企业开办全程网办，压缩企业开办时间至1个工作日以内，推动电子营业执照在各领域"
              "广泛应用，提升企业办事体验。");
    EXPECT_EQ(m1.units, (std::vector<std::string>{"区市场监管局", "区政务办"}));
    const Measure& m2 = at(doc, {"一、", "2."});
    EXPECT_EQ(m2.heading, "优化营商环境");
    EXPECT_TRUE(m2.text.ends_with("推动政策直达快享。")) << m2.text;
    // the note itself was broken between 责任单位 and its colon
    EXPECT_EQ(at(doc, {"一、", "3."}).units, (std::vector<std::string>{"区规划资源局", "区经委"}));
    EXPECT_EQ(at(doc, {"一、", "3."}).heading, "");
}

TEST(DocImportLines, ShortBrokenLineIsNotTakenForATitle) {
    const std::string text =
        "某区行动方案\n"
        "一、重点任务\n"
        "1.优化营商环境，确保1分钟响应率达到\n"
        "95%以上，推动企业办事更便捷。\n"
        "（责任单位：区政务办、发展改\n"
        "革委）\n"
        "2.深化改革。\n"
        "第一段到此为止。\n"
        "这是同一措施的第二段。\n";
    const Document doc = importOk(text);
    const Measure& m1 = at(doc, {"一、", "1."});
    EXPECT_EQ(m1.heading, "");
    EXPECT_EQ(m1.text, "优化营商环境，确保1分钟响应率达到95%以上，推动企业办事更便捷。");
    EXPECT_EQ(m1.units, (std::vector<std::string>{"区政务办", "发展改革委"}));
    // new paragraphs after a finished sentence belong to the same measure
    const Measure& m2 = at(doc, {"一、", "2."});
    EXPECT_EQ(m2.heading, "深化改革");
    EXPECT_EQ(m2.text, "第一段到此为止。\n这是同一措施的第二段。");
    EXPECT_EQ(countMeasures(doc), 3);
}

// ------------------------------------------------------- units and metadata

TEST(DocImportUnits, NoteKeywordsBracketsAndSeparators) {
    const std::string text =
        "某区实施方案\n"
        "一、甲项工作。(责任部门:区政务办,区司法局)\n"
        "二、乙项工作。【牵头单位：区发改委；配合单位：区财政局、区税务局】\n"
        "三、丙项工作。\n"
        "责任单位：区经委、各街镇\n"
        "四、丁项工作（2025年底前完成）。\n";
    const Document doc = importOk(text);
    EXPECT_EQ(at(doc, {"一、"}).units, (std::vector<std::string>{"区政务办", "区司法局"}));
    EXPECT_EQ(at(doc, {"一、"}).text, "甲项工作。");
    EXPECT_EQ(at(doc, {"二、"}).units, (std::vector<std::string>{"区发改委", "区财政局", "区税务局"}));
    EXPECT_EQ(at(doc, {"三、"}).units, (std::vector<std::string>{"区经委", "各街镇"}));
    EXPECT_EQ(at(doc, {"三、"}).text, "丙项工作。");
    // an ordinary bracket is text, not a note
    EXPECT_TRUE(at(doc, {"四、"}).units.empty());
    EXPECT_EQ(at(doc, {"四、"}).text, "丁项工作（2025年底前完成）。");
    EXPECT_EQ(countMeasuresWithUnits(doc), 3);
}

TEST(DocImportMetadata, WrappedPlanDocNumberBracketsAndDates) {
    const std::string text =
        "关于印发《某区2025年优化营商环境行动方案》的通知\n"
        "某府发﹝2025﹞12号\n"
        "各街道、镇，区政府各委、办、局：\n"
        "现将《某区2025年优化营商环境行动方案》印发给你们，请认真贯彻执行。\n"
        "某区人民政府\n"
        "二〇二五年三月十日\n"
        "某区2025年优化营商环境行动方案\n"
        "为持续优化营商环境，制定本方案。\n"
        "一、重点任务\n"
        "（一）提升政务服务。\n"
        "二、附则\n"
        "本方案自印发之日起施行，有效期3年。\n";
    const Document doc = importOk(text);
    EXPECT_EQ(doc.title, "某区2025年优化营商环境行动方案");
    EXPECT_EQ(doc.docNumber, "某府发〔2025〕12号");
    EXPECT_EQ(doc.issuers, (std::vector<std::string>{"某区人民政府"}));
    EXPECT_EQ(doc.written, "2025-03-10");
    EXPECT_EQ(doc.effective, "2025-03-10");
    EXPECT_EQ(doc.expiry, "2028-03-09");
    EXPECT_EQ(doc.preamble, "为持续优化营商环境，制定本方案。");
    EXPECT_EQ(countMeasures(doc), 3);
}

TEST(DocImportMetadata, NoticeWithItsOwnMeasuresAndJointSignature) {
    const std::string text =
        "关于做好2025年涉企服务工作的通知\n"
        "沪某办发[2025]9号\n"
        "各区人民政府，市政府各委、办、局：\n"
        "为进一步优化营商环境，现就有关事项通知如下：\n"
        "一、加强组织领导\n"
        "各区要建立工作机制。\n"
        "二、强化服务保障\n"
        "（一）落实首问负责制。\n"
        "（二）完善考核评价。\n"
        "本通知自2025年3月1日起施行，有效期至2027年2月28日。\n"
        "特此通知。\n"
        "上海市某区人民政府办公室 上海市某区发展和改革委员会\n"
        "2025.02.14\n";
    const Document doc = importOk(text);
    EXPECT_EQ(doc.title, "关于做好2025年涉企服务工作的通知");
    EXPECT_EQ(doc.docNumber, "沪某办发〔2025〕9号");
    EXPECT_EQ(doc.issuers, (std::vector<std::string>{"上海市某区人民政府办公室", "上海市某区发展和改革委员会"}));
    EXPECT_EQ(doc.written, "2025-02-14");
    EXPECT_EQ(doc.effective, "2025-03-01");
    EXPECT_EQ(doc.expiry, "2027-02-28");
    EXPECT_EQ(doc.preamble, "为进一步优化营商环境，现就有关事项通知如下：");
    EXPECT_EQ(countMeasures(doc), 4);
    // the closing clause and the signature are not part of the last measure
    EXPECT_EQ(at(doc, {"二、", "（二）"}).text, "完善考核评价。");
}

TEST(DocImportAppendix, RestatedMeasuresAreNotCountedTwice) {
    const std::string text =
        "某区行动计划\n"
        "一、主要任务\n"
        "1、推进企业开办全程网办，压缩企业开办时间至1个工作日以内。（责任单位：区市场监管局）\n"
        "2、深化工程建设项目审批制度改革，推行告知承诺和容缺受理。（责任单位：区建管委）\n"
        "附件：1.重点改革举措\n"
        "附件1：\n"
        "重点改革举措\n"
        "一、推进企业开办全程网办，压缩企业开办时间至1个工作日以内，提升企业满意度。\n"
        "二、建立新的企业服务专员制度。\n";
    const Document doc = importOk(text, "plan.txt");
    EXPECT_EQ(countMeasures(doc), 3);
    EXPECT_EQ(doc.measures.size(), 1u);
    EXPECT_TRUE(anyContains(doc.warnings, "plan.txt line 6: 附件1 restates 1 of the measures in its 2 numbered items"))
        << joined(doc.warnings);
    EXPECT_TRUE(anyContains(doc.warnings, "1 of its items match no measure")) << joined(doc.warnings);
}

// ------------------------------------------------------------------ errors

TEST(DocImportErrors, InputThatIsNotAPolicyDocument) {
    const struct {
        std::string text;
        std::string_view expect;
    } cases[] = {
        {"", "empty"},
        {" \n\r\n\t\n", "empty"},
        {"\xd6\xd0\xce\xc4\n", "not valid UTF-8 at byte 0"},  // GBK "中文"
        {std::string("\xff\xfe\x31\x00", 4), "UTF-16"},
        {std::string("一、\0abc", 8), "NUL"},
        {"1. buy milk\n2. eggs\n", "no Chinese"},
        {"今天天气很好，我们去公园散步。\n明天继续。\n", "no numbered measure"},
    };
    for (const auto& c : cases) {
        const auto r = importText(c.text, "upload.txt");
        ASSERT_FALSE(r.has_value()) << c.expect;
        EXPECT_NE(r.error().message.find("upload.txt"), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
    }
}

TEST(DocImportErrors, TruncatedFilesNeverThrowOrInventMeasures) {
    // cut the corpus at arbitrary bytes, mid-character included: every prefix
    // is an error value or a smaller document, never an exception
    const std::string full = readCorpus("qingpu-2025-work-points.txt");
    ASSERT_GT(full.size(), 1000u);
    int errors = 0;
    int docs = 0;
    int previous = 0;
    for (size_t step = 0; step < full.size(); step += 997) {
        // as cut, possibly inside a character, and moved back to a boundary
        size_t boundary = step;
        while (boundary > 0 && (static_cast<unsigned char>(full[boundary]) & 0xC0) == 0x80) --boundary;
        for (const size_t cut : {step, boundary}) {
            const auto r = importText(std::string_view(full).substr(0, cut), "cut.txt");
            if (!r) {
                ++errors;
                continue;
            }
            ++docs;
            EXPECT_LE(countMeasures(*r), 73) << "cut at " << cut;
            if (cut == boundary) {
                EXPECT_GE(countMeasures(*r), previous) << "a longer prefix lost measures at " << cut;
                previous = countMeasures(*r);
            }
        }
    }
    EXPECT_GT(errors, 0);  // the empty prefix and prefixes cut inside a character
    EXPECT_GT(docs, 20);
}

// Found by fuzz_docimport (tests/fuzz/): a line starting with a long run of
// digits overflowed the marker reader (undefined behaviour UBSan reports).
// It is text, not a measure number, and the document around it imports.
TEST(DocImportHostile, ALongDigitRunAtALineStartIsTextNotAnOverflow) {
    const std::string text = "关于印发《示例办法》的通知\n\n各有关单位：\n一、总则\n" + std::string(40, '5') +
                             "一、总则\n（一）适用范围。本办法适用于本区企业。（责任单位：区发展改革委）\n";
    const Document doc = importOk(text);
    EXPECT_EQ(countMeasures(doc), 2);
    EXPECT_EQ(countMeasuresWithUnits(doc), 1);
}
