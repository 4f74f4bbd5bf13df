// `kioskctl printer test|status` as a technician runs them: the real binary,
// a real configuration file, and a fake network printer on 127.0.0.1.
#include "harness/temp_dir.h"
#include "fake_printer.h"

#include "../../cli/run_kioskctl.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace fs = std::filesystem;
using printer_test::FakePrinter;

namespace {

using kioskctl_test::Out;
using kioskctl_test::run;

fs::path configFor(const std::string& name, const std::string& device, const std::string& mode) {
    const fs::path dir = harness::freshDir(fs::path(PRINTER_TEST_OUT) / name);
    std::ofstream(dir / "kiosk.toml") << "[site]\nterminal_code = \"KS07\"\n"
                                      << "[data]\ndir = \"" << (dir / "data").string() << "\"\n"
                                      << "[printer]\nkind = \"escpos\"\ndevice = \"" << device << "\"\n"
                                      << "text_mode = \"" << mode << "\"\nwidth_dots = 384\n";
    return dir / "kiosk.toml";
}

}  // namespace

TEST(KioskctlPrinter, TestPagePrintsOnTheConfiguredPrinter) {
    for (const std::string mode : {"gb18030", "raster"}) {
        FakePrinter fake(FakePrinter::Wire::Tcp, {{1, 0x12}, {2, 0x12}, {3, 0x12}, {4, 0x12}});
        const fs::path config = configFor("KioskctlPrinter.Test." + mode, fake.device(), mode);
        const Out o = run("printer test --config " + config.string() + " --json");
        ASSERT_EQ(o.code, 0) << o.text;
        const auto j = nlohmann::json::parse(o.text);
        EXPECT_EQ(j["printed"], true);
        EXPECT_EQ(j["status"], "ready");
        EXPECT_EQ(j["state"], "ok");
        EXPECT_EQ(j["printer"], "escpos:" + fake.device());
        const std::string got = fake.received();
        EXPECT_NE(got.find("\x1b\x40"), std::string::npos) << "ESC @";
        EXPECT_NE(got.find("\x1d\x56\x42"), std::string::npos) << "cut";
        if (mode == "gb18030")  // the device id in plain ASCII
            EXPECT_NE(got.find("KS07"), std::string::npos);
        else
            EXPECT_EQ(got.find("KS07"), std::string::npos) << "raster mode sends pictures only";
    }
}

TEST(KioskctlPrinter, StatusReportsPaperOutAndFails) {
    FakePrinter fake(FakePrinter::Wire::Tcp, {{1, 0x1A}, {2, 0x32}, {3, 0x12}, {4, 0x72}});
    const fs::path config = configFor("KioskctlPrinter.PaperOut", fake.device(), "gb18030");
    const Out j = run("printer status --config " + config.string() + " --json");
    EXPECT_EQ(j.code, 1) << j.text;
    const auto out = nlohmann::json::parse(j.text);
    EXPECT_EQ(out["status"], "paper_out");
    EXPECT_EQ(out["state"], "paper out");

    const Out human = run("printer test --config " + config.string());
    EXPECT_EQ(human.code, 1) << human.text;
    EXPECT_NE(human.text.find("test page not printed"), std::string::npos) << human.text;
    EXPECT_NE(human.text.find("load a new roll"), std::string::npos) << human.text;
}

TEST(KioskctlPrinter, StatusOfAReadyPrinterInWords) {
    FakePrinter fake(FakePrinter::Wire::Tcp, {{1, 0x12}, {2, 0x12}, {3, 0x12}, {4, 0x1E}});
    const fs::path config = configFor("KioskctlPrinter.Low", fake.device(), "gb18030");
    const Out o = run("printer status --config " + config.string());
    EXPECT_EQ(o.code, 0) << o.text;
    EXPECT_EQ(o.text, "escpos:" + fake.device() + ": paper low (the paper roll is nearly used up: have a new roll ready)\n");
}

TEST(KioskctlPrinter, MissingConfigIsAFailureAndNoSubcommandIsUsage) {
    EXPECT_EQ(run("printer status --config /nonexistent/kiosk.toml").code, 1);
    EXPECT_NE(run("printer").code, 0);
}

TEST(KioskctlPrinter, DeviceSettingsOverrideTheSiteFileAsInTheKiosk) {
    FakePrinter fake(FakePrinter::Wire::Tcp, {{1, 0x12}, {2, 0x12}, {3, 0x12}, {4, 0x12}});
    // The site file names a printer that is not there; the device's own
    // settings (written by provisioning or the maintenance screen) the real one.
    const fs::path config = configFor("KioskctlPrinter.DeviceToml", "/dev/usb/lp-not-here", "gb18030");
    fs::create_directories(config.parent_path() / "data");
    std::ofstream(config.parent_path() / "data/device.toml") << "[printer]\ndevice = \"" << fake.device() << "\"\n";
    const Out o = run("printer status --config " + config.string());
    EXPECT_EQ(o.code, 0) << o.text;
    EXPECT_EQ(o.text, "escpos:" + fake.device() + ": ok\n");
}
