// Tests of platform/scanner: the burst detector against recorded key timings
// (recordings/*.txt), the US-layout key decoder, the whole decode+detect path
// on synthetic evdev events, the fake scanner, the evdev scanner's errors and,
// where /dev/uinput can be opened, a real grabbed device fed by a virtual
// keyboard.
#include "harness/temp_dir.h"
#include "burst_detector.h"
#include "key_decoder.h"
#include "scanner.h"

#include "base/log.h"

#include <gtest/gtest.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

using platform::BurstDetector;
using platform::BurstOptions;
using platform::KeyDecoder;
using platform::ScanEvent;

namespace {

// ─── Recordings ──────────────────────────────────────────────────────────────

struct Key {
    std::int64_t ms;
    char ch;
};

struct Recording {
    std::string name;
    std::vector<Key> keys;
    std::vector<ScanEvent> expected;
};

std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
            out += '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

Recording loadRecording(const std::filesystem::path& path) {
    Recording r;
    r.name = path.stem().string();
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '=') {
            std::istringstream f(line.substr(2));
            std::string kind;
            f >> kind;
            std::string text = line.substr(2 + kind.size() + 1);
            r.expected.push_back({kind == "scan" ? ScanEvent::Kind::Scan : ScanEvent::Kind::Typed, unescape(text)});
            continue;
        }
        std::istringstream f(line);
        std::int64_t ms = 0;
        std::string key;
        f >> ms >> key;
        char ch = key.size() == 1 ? key[0]
                  : key == "ENTER" ? '\n'
                  : key == "SPACE" ? ' '
                  : key == "TAB"   ? '\t'
                  : key == "BACKSPACE" ? '\b'
                                       : '\0';
        EXPECT_NE(ch, '\0') << path << ": unknown key " << key;
        r.keys.push_back({ms, ch});
    }
    return r;
}

std::vector<std::filesystem::path> recordingFiles() {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(RECORDINGS_DIR))
        if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string describe(const std::vector<ScanEvent>& events) {
    std::string s;
    for (const auto& e : events) {
        s += e.kind == ScanEvent::Kind::Scan ? "scan[" : "typed[";
        for (char c : e.text) s += c == '\n' ? std::string("\\n") : std::string(1, c);
        s += "] ";
    }
    return s;
}

// Feeds a recording to a detector and polls once long after the end. With
// `pollAtDeadlines` it also polls whenever the detector asked to be, the way
// a prompt app loop would; without, all keys arrive in one late batch (a
// busy loop reading the kernel's queue), so only the key timings split them.
std::vector<ScanEvent> runDetector(const Recording& r, BurstOptions options = {}, bool pollAtDeadlines = true) {
    BurstDetector d(options);
    std::vector<ScanEvent> out;
    for (const auto& k : r.keys) {
        if (auto dl = d.deadlineMs(); pollAtDeadlines && dl && *dl <= k.ms) d.poll(*dl, out);
        d.key(k.ms, k.ch, out);
    }
    d.poll(r.keys.empty() ? 0 : r.keys.back().ms + 10'000, out);
    return out;
}

// The key code and Shift that type `c` on a US layout (main block first).
std::pair<unsigned, bool> codeFor(char c) {
    for (unsigned code = 1; code < 256; ++code) {
        if (platform::usKeyToChar(code, false) == c) return {code, false};
        if (platform::usKeyToChar(code, true) == c) return {code, true};
    }
    ADD_FAILURE() << "no key types " << int(c);
    return {0, false};
}

class RecordingTest : public testing::TestWithParam<std::filesystem::path> {};

TEST_P(RecordingTest, DetectorSeparatesScansFromTyping) {
    const Recording r = loadRecording(GetParam());
    ASSERT_FALSE(r.keys.empty());
    ASSERT_FALSE(r.expected.empty()) << "a recording must say what it expects";
    EXPECT_EQ(describe(runDetector(r)), describe(r.expected)) << "polled at deadlines";
    EXPECT_EQ(describe(runDetector(r, {}, false)), describe(r.expected)) << "read in one late batch";
}

TEST_P(RecordingTest, EvdevEventsThroughDecoderGiveTheSame) {
    // The recording as a scanner sends it: Shift pressed around shifted
    // characters, a release after every key.
    const Recording r = loadRecording(GetParam());
    KeyDecoder decoder;
    BurstDetector d;
    std::vector<ScanEvent> out;
    for (const auto& k : r.keys) {
        const auto [code, shift] = codeFor(k.ch);
        auto feed = [&](unsigned type, unsigned c, int value) {
            if (auto dl = d.deadlineMs(); dl && *dl <= k.ms) d.poll(*dl, out);
            if (auto ch = decoder.feed(type, c, value)) d.key(k.ms, *ch, out);
        };
        if (shift) feed(EV_KEY, KEY_LEFTSHIFT, 1);
        feed(EV_KEY, code, 1);
        feed(EV_SYN, SYN_REPORT, 0);
        feed(EV_KEY, code, 0);
        if (shift) feed(EV_KEY, KEY_LEFTSHIFT, 0);
        feed(EV_SYN, SYN_REPORT, 0);
    }
    d.poll(r.keys.back().ms + 10'000, out);
    EXPECT_EQ(describe(out), describe(r.expected));
}

INSTANTIATE_TEST_SUITE_P(Recordings, RecordingTest, testing::ValuesIn(recordingFiles()),
                         [](const testing::TestParamInfo<std::filesystem::path>& p) {
                             return p.param.stem().string();
                         });

TEST(Recordings, AllAreThere) {
    // A missing fixture must not pass silently as "zero parameterised tests".
    EXPECT_GE(recordingFiles().size(), 6u);
}

TEST(Recordings, ScannerTimingsNeedTheGap) {
    // Proof the recordings exercise the threshold: with a gap below the
    // jittery scanner's 20-28 ms hiccups, its code falls apart.
    const Recording r = loadRecording(std::filesystem::path(RECORDINGS_DIR) / "scanner_jitter.txt");
    const auto got = runDetector(r, BurstOptions{.gapMs = 18, .minLength = 4});
    EXPECT_NE(describe(got), describe(r.expected));
    // And with a gap as long as a typist's rollover, the typist becomes scans.
    const Recording t = loadRecording(std::filesystem::path(RECORDINGS_DIR) / "human_typist.txt");
    EXPECT_NE(describe(runDetector(t, BurstOptions{.gapMs = 200, .minLength = 4})), describe(t.expected));
}

// ─── BurstDetector edges ────────────────────────────────────────────────────

TEST(BurstDetector, GapOfExactlyGapMsStaysInTheBurst) {
    BurstDetector d({.gapMs = 30, .minLength = 4});
    std::vector<ScanEvent> out;
    for (int i = 0; i < 4; ++i) d.key(i * 30, 'A', out);
    d.poll(90 + 30, out);
    EXPECT_TRUE(out.empty()) << "delivered before the gap had passed";
    ASSERT_EQ(d.deadlineMs(), 121);
    d.poll(121, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, ScanEvent::Kind::Scan);
    EXPECT_EQ(out[0].text, "AAAA");
    EXPECT_FALSE(d.deadlineMs());
}

TEST(BurstDetector, GapAboveGapMsSplits) {
    BurstDetector d({.gapMs = 30, .minLength = 4});
    std::vector<ScanEvent> out;
    for (int i = 0; i < 4; ++i) d.key(i * 4, 'x', out);
    d.key(12 + 31, 'y', out);  // ends the first burst
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].text, "xxxx");
    d.key(43 + 4, '\n', out);  // "y" + Enter is short: typing
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].kind, ScanEvent::Kind::Typed);
    EXPECT_EQ(out[1].text, "y\n");
}

TEST(BurstDetector, ResetDropsAHalfReadCode) {
    BurstDetector d;
    std::vector<ScanEvent> out;
    for (int i = 0; i < 8; ++i) d.key(i * 3, '7', out);
    d.reset();
    d.poll(10'000, out);
    EXPECT_TRUE(out.empty());
}

TEST(BurstDetector, EndlessBurstIsCut) {
    BurstDetector d;
    std::vector<ScanEvent> out;
    for (std::size_t i = 0; i < BurstDetector::kMaxScan + 10; ++i) d.key(std::int64_t(i), 'z', out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].text.size(), BurstDetector::kMaxScan);
}

// ─── KeyDecoder ─────────────────────────────────────────────────────────────

std::string typeWith(KeyDecoder& k, std::initializer_list<std::pair<unsigned, int>> events) {
    std::string s;
    for (auto [code, value] : events)
        if (auto c = k.feed(EV_KEY, code, value)) s += *c;
    return s;
}

TEST(KeyDecoder, ShiftCapsRepeatsAndModifiers) {
    KeyDecoder k;
    EXPECT_EQ(typeWith(k, {{KEY_A, 1}, {KEY_A, 2}, {KEY_A, 0}}), "a") << "auto-repeat must not add keys";
    EXPECT_EQ(typeWith(k, {{KEY_RIGHTSHIFT, 1}, {KEY_A, 1}, {KEY_2, 1}, {KEY_SLASH, 1}, {KEY_RIGHTSHIFT, 0}, {KEY_2, 1}}),
              "A@?2");
    EXPECT_EQ(typeWith(k, {{KEY_CAPSLOCK, 1}, {KEY_CAPSLOCK, 0}, {KEY_Q, 1}, {KEY_1, 1}, {KEY_LEFTSHIFT, 1}, {KEY_Q, 1},
                           {KEY_LEFTSHIFT, 0}, {KEY_CAPSLOCK, 1}, {KEY_Q, 1}}),
              "Q1qq")
        << "Caps Lock turns letters only";
    EXPECT_EQ(typeWith(k, {{KEY_LEFTCTRL, 1}, {KEY_C, 1}, {KEY_LEFTCTRL, 0}, {KEY_C, 1}}), "c") << "Ctrl+C is no text";
    EXPECT_EQ(typeWith(k, {{KEY_KP7, 1}, {KEY_KPDOT, 1}, {KEY_KPENTER, 1}, {KEY_F1, 1}, {KEY_ENTER, 1}}), "7.\n\n");
    EXPECT_FALSE(k.feed(EV_MSC, 4, 0x70004));
    k.feed(EV_KEY, KEY_LEFTSHIFT, 1);
    k.reset();
    EXPECT_EQ(typeWith(k, {{KEY_B, 1}}), "b") << "reset forgets held Shift";
}

TEST(KeyDecoder, EveryPrintableAsciiCharacterHasAKey) {
    for (char c = ' '; c < 127; ++c) {
        const auto [code, shift] = codeFor(c);
        EXPECT_EQ(platform::usKeyToChar(code, shift), c);
    }
}

// ─── Fake and evdev scanners ────────────────────────────────────────────────

TEST(FakeScanner, InjectedEventsArriveInOrderOnce) {
    platform::FakeScanner s;
    EXPECT_FALSE(s.nextDeadlineMs());
    s.inject("91350100M000100Y43");
    s.injectTyped("ok\n");
    EXPECT_TRUE(s.nextDeadlineMs());
    const auto got = s.poll(0);
    EXPECT_EQ(describe(got), "scan[91350100M000100Y43] typed[ok\\n] ");
    EXPECT_TRUE(s.poll(0).empty());
    EXPECT_EQ(s.fd(), -1);
    EXPECT_EQ(s.state(), "ok");
}

TEST(EvdevScanner, ErrorsSayWhatToFix) {
    auto missing = platform::makeEvdevScanner("/dev/input/event-does-not-exist");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, kiosk::ErrorCode::NotFound);
    EXPECT_NE(missing.error().message.find("/dev/input/event-does-not-exist"), std::string::npos);

    const harness::TempDir dir("scanner-test");
    const auto file = dir / "event0";
    std::ofstream(file) << "not a device";
    auto notDevice = platform::makeEvdevScanner(file.string());
    ASSERT_FALSE(notDevice);
    EXPECT_EQ(notDevice.error().code, kiosk::ErrorCode::Unsupported);
    EXPECT_NE(notDevice.error().message.find("not an input device"), std::string::npos);

    auto none = platform::makeEvdevScanner("");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, kiosk::ErrorCode::InvalidArgument);

    // "auto" over a folder with no input devices in it.
    auto found = platform::findScannerDevice(dir.path().string());
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, kiosk::ErrorCode::NotFound);
    EXPECT_NE(found.error().message.find("scanner.device"), std::string::npos);
}

TEST(EvdevScanner, WaitsForAnAbsentDevice) {
    platform::EvdevScannerOptions options;
    options.waitForDevice = true;
    options.retryMs = 500;
    auto s = platform::makeEvdevScanner("/dev/input/event-not-yet", options);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_NE((*s)->state().find("event-not-yet"), std::string::npos);
    EXPECT_GE((*s)->fd(), 0) << "fd() is valid even before the device appears";
    EXPECT_EQ((*s)->nextDeadlineMs(), 0) << "first retry at once";
    EXPECT_TRUE((*s)->poll(1000).empty());
    EXPECT_EQ((*s)->nextDeadlineMs(), 1500) << "then every retryMs";
    EXPECT_NE((*s)->state(), "ok");
}

TEST(EvdevScanner, LooksLikeScanner) {
    EXPECT_TRUE(platform::looksLikeScanner("Honeywell Imaging & Mobility 1900 Barcode Scanner"));
    EXPECT_TRUE(platform::looksLikeScanner("NEWLAND QR Reader"));
    EXPECT_TRUE(platform::looksLikeScanner("USB BARCODE"));
    EXPECT_FALSE(platform::looksLikeScanner("AT Translated Set 2 keyboard"));
    EXPECT_FALSE(platform::looksLikeScanner("ILITEK Multi-Touch"));
}

// ─── A real device through /dev/uinput ─────────────────────────────────────

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

class VirtualScanner {
public:
    bool create(std::string& why) {
        const int probe = ::open("/dev/uinput", O_RDWR | O_CLOEXEC);
        if (probe < 0) {
            why = "/dev/uinput cannot be opened here (" + std::string(std::strerror(errno)) +
                  "): no virtual keyboard, so the grabbed-device path is not exercised";
            return false;
        }
        ::close(probe);
        m_dev = libevdev_new();
        libevdev_set_name(m_dev, "Kiosk Test Barcode Scanner");
        libevdev_enable_event_type(m_dev, EV_KEY);
        for (unsigned code = 1; code < 128; ++code) libevdev_enable_event_code(m_dev, EV_KEY, code, nullptr);
        if (const int rc = libevdev_uinput_create_from_device(m_dev, LIBEVDEV_UINPUT_OPEN_MANAGED, &m_ui); rc < 0) {
            why = "creating a uinput device failed: " + std::string(std::strerror(-rc));
            return false;
        }
        for (int i = 0; i < 200 && !(libevdev_uinput_get_devnode(m_ui) && ::access(libevdev_uinput_get_devnode(m_ui), R_OK) == 0); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (!libevdev_uinput_get_devnode(m_ui)) {
            why = "the uinput device got no /dev/input node (no devtmpfs/udev here)";
            return false;
        }
        return true;
    }
    ~VirtualScanner() {
        if (m_ui) libevdev_uinput_destroy(m_ui);
        if (m_dev) libevdev_free(m_dev);
    }
    std::string node() const { return libevdev_uinput_get_devnode(m_ui); }

    void type(const std::string& text, int gapMs) {
        for (char c : text) {
            const auto [code, shift] = codeFor(c);
            if (shift) emit(KEY_LEFTSHIFT, 1);
            emit(code, 1);
            emit(code, 0);
            if (shift) emit(KEY_LEFTSHIFT, 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(gapMs));
        }
    }

private:
    void emit(unsigned code, int value) {
        libevdev_uinput_write_event(m_ui, EV_KEY, code, value);
        libevdev_uinput_write_event(m_ui, EV_SYN, SYN_REPORT, 0);
    }
    libevdev* m_dev = nullptr;
    libevdev_uinput* m_ui = nullptr;
};

std::vector<ScanEvent> pollUntil(platform::Scanner& s, std::size_t count, int timeoutMs) {
    std::vector<ScanEvent> all;
    const auto end = nowMs() + timeoutMs;
    while (all.size() < count && nowMs() < end) {
        auto got = s.poll(nowMs());
        all.insert(all.end(), got.begin(), got.end());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return all;
}

TEST(EvdevScanner, RealDeviceIsGrabbedAndDecoded) {
    VirtualScanner v;
    std::string why;
    if (!v.create(why)) GTEST_SKIP() << why;
    kiosk::log::init();

    // Someone else reading the same node (as the UI's input stack would).
    const int other = ::open(v.node().c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(other, 0);

    EXPECT_TRUE(platform::findScannerDevice()) << "\"auto\" must see a device named …Barcode Scanner";
    auto s = platform::makeEvdevScanner(v.node());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ((*s)->state(), "ok");

    const std::string code = "91350100M000100Y43";
    v.type(code + "\n", 4);
    v.type("ok", 120);
    const auto got = pollUntil(**s, 2, 3000);
    EXPECT_EQ(describe(got), "scan[" + code + "] typed[ok] ");

    input_event ev{};
    EXPECT_LT(::read(other, &ev, sizeof ev), 0) << "the grab must keep scanner keys from other readers";
    ::close(other);

    for (const auto& line : kiosk::log::recent(200))
        EXPECT_EQ(line.find(code), std::string::npos) << "scan text reached the log: " << line;
}

}  // namespace
