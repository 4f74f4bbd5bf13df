// The ESC/POS printer end to end over real wires: a TCP listener on
// 127.0.0.1 and a pseudo-terminal, each a fake printer that records the
// bytes and answers DLE EOT with scripted status bytes; a regular file as a
// device that never answers; devices that do not exist. Proves what reaches
// the printer (status queries, then the job byte for byte, then queries),
// that a printer out of paper or with its cover open gets no job and says
// why, and that silence costs a bounded time.
#include "harness/temp_dir.h"
#include "escpos_encoder.h"
#include "fake_printer.h"
#include "printer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

namespace fs = std::filesystem;
using printer_test::FakePrinter;
using platform::PrinterStatus;

namespace {

const std::map<int, std::uint8_t> kReady = {{1, 0x12}, {2, 0x12}, {3, 0x12}, {4, 0x12}};
const std::map<int, std::uint8_t> kPaperOut = {{1, 0x1A}, {2, 0x32}, {3, 0x12}, {4, 0x72}};
const std::map<int, std::uint8_t> kCoverOpen = {{1, 0x1A}, {2, 0x16}, {3, 0x12}, {4, 0x12}};
const std::map<int, std::uint8_t> kPaperLow = {{1, 0x12}, {2, 0x12}, {3, 0x12}, {4, 0x1E}};

const std::string kQueries = std::string("\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04", 12);

platform::PrintJob job() {
    platform::PrintJob j;
    j.title = "受理回执";
    j.lines = {"受理编号 Case no.: KS01-20250314-0007", "多行\n文本"};
    j.qr = "KS01-20250314-0007";
    return j;
}

std::string encoded() {
    return *platform::escpos::encodeJob(job(), platform::escpos::EncodeOptions{});
}

platform::PrinterOptions escpos(const std::string& device) {
    platform::PrinterOptions o;
    o.kind = "escpos";
    o.device = device;
    o.connectTimeoutMs = 1000;
    return o;
}

double secondsFor(const std::function<void()>& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A port on 127.0.0.1 where nobody listens.
int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace

TEST(TcpPrinter, ReadyPrinterGetsTheJobBetweenStatusChecks) {
    FakePrinter fake(FakePrinter::Wire::Tcp, kReady);
    auto p = platform::makePrinter(escpos(fake.device()));
    EXPECT_EQ(p->state(), "ok");
    auto r = p->print(job());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, "escpos:" + fake.device());
    const auto conns = fake.connections();
    ASSERT_EQ(conns.size(), 2u) << "one connection for state(), one for the job";
    EXPECT_EQ(conns[0], kQueries);
    EXPECT_EQ(conns[1], kQueries + encoded() + kQueries);
}

TEST(TcpPrinter, PaperOutGetsNoJobAndSaysWhy) {
    FakePrinter fake(FakePrinter::Wire::Tcp, kPaperOut);
    auto p = platform::makePrinter(escpos(fake.device()));
    const PrinterStatus s = p->status();
    EXPECT_EQ(s.code, PrinterStatus::Code::PaperOut);
    EXPECT_EQ(p->state(), "paper out");
    auto r = p->print(job());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("paper out (the paper roll has run out: load a new roll"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(fake.connections().back(), kQueries) << "nothing but the status queries was sent";
}

TEST(TcpPrinter, CoverOpen) {
    FakePrinter fake(FakePrinter::Wire::Tcp, kCoverOpen);
    auto p = platform::makePrinter(escpos(fake.device()));
    EXPECT_EQ(p->state(), "cover open");
    EXPECT_FALSE(p->print(job()));
    // Closing the cover is all it takes.
    fake.setReplies(kReady);
    EXPECT_EQ(p->state(), "ok");
    EXPECT_TRUE(p->print(job()));
}

TEST(TcpPrinter, SilentPrinterIsNoStatusReplyButStillPrints) {
    FakePrinter fake(FakePrinter::Wire::Tcp, {});
    auto p = platform::makePrinter(escpos(fake.device()));
    std::string state;
    const double took = secondsFor([&] { state = p->state(); });
    EXPECT_EQ(state, "no status reply");
    EXPECT_LT(took, 2.0) << "one 300 ms wait, then close";
    auto r = p->print(job());
    ASSERT_TRUE(r) << r.error().message;
    // Only DLE EOT 1 is asked when it goes unanswered, and not again after.
    EXPECT_EQ(fake.connections().back(), std::string("\x10\x04\x01", 3) + encoded());
}

TEST(TcpPrinter, RefusedConnectionSaysWhatToCheck) {
    auto p = platform::makePrinter(escpos("tcp:127.0.0.1:" + std::to_string(closedPort())));
    const PrinterStatus s = p->status();
    EXPECT_EQ(s.code, PrinterStatus::Code::Error);
    EXPECT_TRUE(p->state().starts_with("error: cannot connect to the printer at tcp:127.0.0.1:")) << p->state();
    EXPECT_NE(s.detail.find("(printer.device)"), std::string::npos);
    EXPECT_FALSE(p->print(job()));
}

TEST(TcpPrinter, MalformedAddress) {
    auto p = platform::makePrinter(escpos("tcp:printer-without-port"));
    EXPECT_NE(p->state().find("must be tcp:HOST:PORT"), std::string::npos) << p->state();
}

TEST(TcpPrinter, StatusFromAnotherThreadWaitsForTheJob) {
    FakePrinter fake(FakePrinter::Wire::Tcp, kReady);
    auto p = platform::makePrinter(escpos(fake.device()));
    auto heartbeat = std::async(std::launch::async, [&] {
        std::vector<std::string> states;
        for (int i = 0; i < 5; ++i) states.push_back(p->state());
        return states;
    });
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(p->print(job()));
    for (const auto& s : heartbeat.get()) EXPECT_EQ(s, "ok");
    int jobs = 0;
    for (const auto& c : fake.connections()) {
        if (c == kQueries) continue;
        EXPECT_EQ(c, kQueries + encoded() + kQueries) << "a job was interleaved with status queries";
        ++jobs;
    }
    EXPECT_EQ(jobs, 3);
}

TEST(DevicePrinter, PseudoTerminalCarriesBytesUnchanged) {
    FakePrinter fake(FakePrinter::Wire::Pty, kPaperLow);
    auto p = platform::makePrinter(escpos(fake.device()));
    const PrinterStatus s = p->status();
    EXPECT_EQ(s.code, PrinterStatus::Code::PaperLow);
    EXPECT_EQ(p->state(), "paper low");
    auto r = p->print(job());  // paper low still prints
    ASSERT_TRUE(r) << r.error().message;
    // Raw mode: line feeds are not turned into CR LF, DLE EOT is not a tty EOF.
    const std::string want = kQueries + kQueries + kQueries + encoded() + kQueries;
    for (int i = 0; i < 100 && fake.received().size() < want.size(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(fake.received(), want);
}

TEST(DevicePrinter, DeviceThatNeverAnswersIsUnknownWithinBoundedTime) {
    // A pseudo-terminal nobody reads: the printer end stays silent.
    int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::grantpt(master), 0);
    ASSERT_EQ(::unlockpt(master), 0);
    auto p = platform::makePrinter(escpos(::ptsname(master)));
    PrinterStatus s;
    const double took = secondsFor([&] { s = p->status(); });
    EXPECT_EQ(s.code, PrinterStatus::Code::Unknown);
    EXPECT_EQ(platform::stateText(s), "no status reply");
    EXPECT_LT(took, 1.5);
    EXPECT_GE(took, 0.25) << "it did wait for the reply";
    ::close(master);
}

TEST(DevicePrinter, RegularFileTakesTheJobAndNeverAnswers) {
    const fs::path dir = harness::freshDir(fs::path(PRINTER_TEST_OUT) / "DevicePrinter.File");
    const fs::path file = dir / "lp0";
    std::ofstream(file).close();
    auto p = platform::makePrinter(escpos(file.string()));
    EXPECT_EQ(p->state(), "no status reply");
    ASSERT_TRUE(p->print(job()));
    std::ifstream in(file, std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_EQ(got.str(), std::string("\x10\x04\x01", 3) + std::string("\x10\x04\x01", 3) + encoded());
}

TEST(DevicePrinter, MissingDeviceSaysPlugItIn) {
    auto p = platform::makePrinter(escpos("/dev/usb/lp-not-here"));
    EXPECT_EQ(p->state(),
              "error: printer device /dev/usb/lp-not-here not found: is the printer plugged in and switched on? "
              "(printer.device)");
    auto r = p->print(job());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("is the printer plugged in"), std::string::npos);
}

TEST(FilePrinter, StatusAndSpool) {
    const fs::path dir = fs::path(PRINTER_TEST_OUT) / "FilePrinter.Spool";
    fs::remove_all(dir);
    platform::PrinterOptions o;
    o.output = dir.string();
    auto p = platform::makePrinter(o);
    EXPECT_EQ(p->status().code, PrinterStatus::Code::Ready);
    EXPECT_EQ(p->state(), "ok");
    auto r = p->print(job());
    ASSERT_TRUE(r);
    EXPECT_TRUE(fs::exists(*r));

    auto blocked = platform::makeFilePrinter((dir / "job-000001.txt/sub").string());  // a file where a folder should be
    EXPECT_EQ(blocked->status().code, PrinterStatus::Code::Offline);
    EXPECT_TRUE(blocked->state().starts_with("spool folder not writable: ")) << blocked->state();
}

TEST(PrinterKind, UnknownKindExplainsItself) {
    platform::PrinterOptions o;
    o.kind = "laser";
    auto p = platform::makePrinter(o);
    EXPECT_EQ(p->state(), "error: printer.kind \"laser\" is not \"file\" or \"escpos\"");
    EXPECT_FALSE(p->print(job()));
}
