// GB 32100-2015 check-character validation.
#include "uscc.h"

#include "base/utf8.h"

#include <fmt/format.h>

namespace kiosk::validate {
namespace {
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
}  // namespace

UsccResult checkUscc(std::string_view code) {
    UsccResult r;
    std::string up;
    std::size_t chars = 0;
    int lower = 0;  // first lower-case position
    for (std::size_t i = 0; i < code.size(); ++chars) {
        const std::size_t start = i;
        const char32_t cp = decodeUtf8(code, i);  // a full-width digit or CJK character is one position
        if (cp >= 0x80) {
            if (r.position == 0 && chars < 18) r.position = int(chars) + 1;
            up += std::string(code.substr(start, i - start));
        } else {
            if (cp >= 'a' && cp <= 'z' && lower == 0) lower = int(chars) + 1;
            up += char(cp >= 'a' && cp <= 'z' ? cp - 32 : cp);
        }
    }
    if (chars != 18) {
        r.position = 0;
        r.messageZh = fmt::format("统一社会信用代码应为 18 位，当前为 {} 位", chars);
        r.messageEn = fmt::format("A unified social credit code has 18 characters; this one has {}", chars);
        return r;
    }
    if (r.position) {
        r.messageZh = fmt::format("第 {} 位不是半角字母或数字（请使用半角字符）", r.position);
        r.messageEn = fmt::format("Character {} is not a half-width letter or digit", r.position);
        return r;
    }
    if (lower) {
        const char typed = char(up[std::size_t(lower - 1)] + 32), wanted = up[std::size_t(lower - 1)];
        r.position = lower;
        r.messageZh = fmt::format("第 {} 位“{}”是小写字母，请改为大写“{}”", lower, typed, wanted);
        r.messageEn = fmt::format("Character {} ('{}') is lower case; use '{}'", lower, typed, wanted);
        return r;
    }
    int sum = 0;
    for (int i = 0; i < 18; ++i) {
        const auto v = kAlphabet.find(up[std::size_t(i)]);
        if (v == std::string_view::npos) {
            r.position = i + 1;
            r.messageZh = fmt::format("第 {} 位“{}”不是代码允许的字符（不使用 I、O、S、V、Z）", i + 1, up[std::size_t(i)]);
            r.messageEn = fmt::format("Character {} ('{}') is not allowed (codes never use I, O, S, V, Z)", i + 1,
                                      up[std::size_t(i)]);
            return r;
        }
        if (i < 17) sum += int(v) * kWeights[i];
    }
    int check = 31 - sum % 31;
    if (check == 31) check = 0;
    if (up[17] != kAlphabet[std::size_t(check)]) {
        r.position = 18;
        r.messageZh = "第 18 位校验码不正确，请核对代码";
        r.messageEn = "The check character (position 18) does not match: please check the code";
        return r;
    }
    r.valid = true;
    r.normalised = up;
    return r;
}

}  // namespace kiosk::validate
