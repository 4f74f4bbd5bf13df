// Backlight on a fake sysfs tree in a temporary folder: "auto" picks the
// first device, "none" and an empty root are no-ops, brightness is scaled
// and rounded (never 0), power uses bl_power when there is one and
// brightness 0 / restore when not, and a permission problem names the udev
// rule. As root (CI containers) the permission case runs in a child that
// drops to nobody, so it tests the real errno path either way.
#include "harness/temp_dir.h"
#include "backlight.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using platform::Backlight;

namespace {

class DisplayBacklight : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = harness::freshTempDir(std::string("kiosk_backlight_test-") +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::permissions(m_root, fs::perms::all & ~(fs::perms::group_write | fs::perms::others_write));
    }
    void TearDown() override { fs::remove_all(m_root); }

    fs::path device(const std::string& name, int max, int current, bool blPower) {
        const fs::path d = m_root / name;
        fs::create_directories(d);
        put(d / "max_brightness", std::to_string(max) + "\n");
        put(d / "brightness", std::to_string(current) + "\n");
        if (blPower) put(d / "bl_power", "0\n");
        return d;
    }
    static void put(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
    static std::string get(const fs::path& p) {
        std::ifstream in(p);
        std::string s;
        std::getline(in, s);
        return s;
    }

    fs::path m_root;
};

}  // namespace

TEST_F(DisplayBacklight, AutoPicksTheFirstDeviceByName) {
    device("intel_backlight", 1000, 500, false);
    device("acpi_video0", 15, 15, false);
    const auto b = Backlight::open("auto", m_root);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    EXPECT_TRUE(b->present());
    EXPECT_EQ(b->folder().filename(), "acpi_video0");
    EXPECT_EQ(b->maxBrightness(), 15);
}

TEST_F(DisplayBacklight, NoneAndAnEmptyRootAreNoOps) {
    for (const char* spec : {"none", "auto"}) {
        auto b = Backlight::open(spec, m_root);
        ASSERT_TRUE(b.has_value()) << spec;
        EXPECT_FALSE(b->present());
        EXPECT_TRUE(b->setBrightness(50).has_value());
        EXPECT_TRUE(b->setPower(false).has_value());
    }
    auto missingRoot = Backlight::open("auto", m_root / "nothing-here");
    ASSERT_TRUE(missingRoot.has_value());
    EXPECT_FALSE(missingRoot->present());
}

TEST_F(DisplayBacklight, ExplicitFolderMustBeABacklight) {
    const auto missing = Backlight::open((m_root / "gone").string(), m_root);
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().message.find("display.backlight"), std::string::npos);
    fs::create_directories(m_root / "empty");
    const auto empty = Backlight::open((m_root / "empty").string(), m_root);
    ASSERT_FALSE(empty.has_value());
    EXPECT_NE(empty.error().message.find("max_brightness"), std::string::npos);
}

TEST_F(DisplayBacklight, BrightnessIsScaledRoundedAndNeverZero) {
    const fs::path d = device("panel", 255, 255, false);
    auto b = Backlight::open(d.string(), m_root);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    ASSERT_TRUE(b->setBrightness(50).has_value());
    EXPECT_EQ(get(d / "brightness"), "128");  // 127.5 rounds up
    ASSERT_TRUE(b->setBrightness(100).has_value());
    EXPECT_EQ(get(d / "brightness"), "255");
    ASSERT_TRUE(b->setBrightness(5).has_value());
    EXPECT_EQ(get(d / "brightness"), "13");  // 12.75

    const fs::path tiny = device("tiny", 7, 7, false);
    auto t = Backlight::open(tiny.string(), m_root);
    ASSERT_TRUE(t.has_value());
    ASSERT_TRUE(t->setBrightness(5).has_value());
    EXPECT_EQ(get(tiny / "brightness"), "1");  // 0.35 would be dark: at least 1

    EXPECT_FALSE(b->setBrightness(0).has_value());
    EXPECT_FALSE(b->setBrightness(101).has_value());
}

TEST_F(DisplayBacklight, PowerUsesBlPowerWhenPresent) {
    const fs::path d = device("panel", 100, 80, true);
    auto b = Backlight::open(d.string(), m_root);
    ASSERT_TRUE(b.has_value());
    EXPECT_TRUE(b->hasBlPower());
    ASSERT_TRUE(b->setPower(false).has_value());
    EXPECT_EQ(get(d / "bl_power"), "4");
    EXPECT_EQ(get(d / "brightness"), "80");  // untouched
    EXPECT_FALSE(b->powered());
    ASSERT_TRUE(b->setPower(true).has_value());
    EXPECT_EQ(get(d / "bl_power"), "0");
}

TEST_F(DisplayBacklight, PowerWithoutBlPowerDimsToZeroAndRestores) {
    const fs::path d = device("panel", 100, 80, false);
    auto b = Backlight::open(d.string(), m_root);
    ASSERT_TRUE(b.has_value());
    ASSERT_TRUE(b->setBrightness(60).has_value());
    ASSERT_TRUE(b->setPower(false).has_value());
    EXPECT_EQ(get(d / "brightness"), "0");
    ASSERT_TRUE(b->setBrightness(40).has_value());  // changed while dark: kept, not shown
    EXPECT_EQ(get(d / "brightness"), "0");
    ASSERT_TRUE(b->setPower(true).has_value());
    EXPECT_EQ(get(d / "brightness"), "40");
}

TEST_F(DisplayBacklight, PermissionDeniedNamesTheUdevRule) {
    const fs::path d = device("panel", 100, 80, false);
    fs::permissions(d / "brightness", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    auto b = Backlight::open(d.string(), m_root);
    ASSERT_TRUE(b.has_value());
    if (geteuid() != 0) {
        const auto r = b->setBrightness(50);
        ASSERT_FALSE(r.has_value());
        EXPECT_NE(r.error().message.find("permission denied"), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find(platform::kBacklightUdevRule), std::string::npos) << r.error().message;
        return;
    }
    // Root may write anything: try it as nobody in a child process.
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
        const auto r = b->setBrightness(50);
        if (r.has_value()) _exit(4);
        const std::string& m = r.error().message;
        const bool ok = m.find("permission denied") != std::string::npos &&
                        m.find(platform::kBacklightUdevRule) != std::string::npos && m.find("video") != std::string::npos;
        _exit(ok ? 0 : 5);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "3: could not drop to nobody, 4: the write succeeded, 5: wrong message";
    EXPECT_EQ(get(d / "brightness"), "80");
}
