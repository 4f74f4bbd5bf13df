// `kioskctl check uscc|mobile` (check_cmd.h): kiosk/validate's checks, the
// same ones the forms run, with their English message on failure.
#include "check_cmd.h"

#include "validate/mobile.h"
#include "validate/uscc.h"

#include <fmt/format.h>

#include <memory>
#include <string>

namespace kiosk::ctl {
namespace {

struct Options {
    CLI::App* uscc = nullptr;
    CLI::App* mobile = nullptr;
    std::string value;
};

}  // namespace

std::function<int()> addCheckCommands(CLI::App& app) {
    auto o = std::make_shared<Options>();
    auto* checkCmd = app.add_subcommand("check", "Check a unified social credit code or a mobile number");
    checkCmd->require_subcommand(1);
    o->uscc = checkCmd->add_subcommand("uscc", "Exit 0 and print 'valid' for a valid 统一社会信用代码 (GB 32100-2015)");
    o->uscc->add_option("CODE", o->value, "18 characters, letters in upper case")->required();
    o->mobile = checkCmd->add_subcommand("mobile", "Exit 0 and print 'valid' for a mainland mobile number");
    o->mobile->add_option("NUMBER", o->value, "11 digits, optionally with +86 or 0086")->required();

    return [o]() -> int {
        if (o->uscc->parsed()) {
            const auto r = validate::checkUscc(o->value);
            if (r.valid) fmt::print("valid\n");
            else fmt::print(stderr, "{}\n", r.messageEn);
            return r.valid ? 0 : 1;
        }
        if (o->mobile->parsed()) {
            const auto r = validate::checkMobile(o->value);
            if (r.valid) fmt::print("valid\n");
            else fmt::print(stderr, "{}\n", r.messageEn);
            return r.valid ? 0 : 1;
        }
        return -1;
    };
}

}  // namespace kiosk::ctl
