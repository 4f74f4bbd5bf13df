// The durable outbox: states, sealing, purge on acknowledgement, lookup, and
// 200 cycles of SIGKILL during submission.
#include "harness/temp_dir.h"
#include "outbox/outbox.h"
#include "protocol/case_number.h"
#include "proof_cycles.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace kiosk::outbox;

namespace {

fs::path freshDir(const std::string& name) {
    return harness::freshTempDir("kiosk-outbox-" + name);
}

std::tm day() {
    std::tm t{};
    t.tm_year = 126;
    t.tm_mon = 0;
    t.tm_mday = 15;
    return t;
}

Submission sample(const std::string& name = "张三丰", const std::string& mobile = "13812345678") {
    Submission s;
    s.kind = "case";
    s.publicData = {{"case_kind", "投诉"}, {"service", "svc.company-registration"}};
    s.personalData = {{"contact_name", name},
                      {"mobile", mobile},
                      {"credit_code", "914403001922038216"},
                      {"enterprise", "青浦某某科技有限公司"},
                      {"description", "窗口让我跑了三次仍未办结ZQXJ"}};
    s.mobileLast4 = mobile.substr(mobile.size() - 4);
    return s;
}

std::string bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Everything on disk for this outbox: main file and WAL.
std::string onDisk(const fs::path& dir) { return bytesOf(dir / "outbox.db") + bytesOf(dir / "outbox.db-wal"); }

}  // namespace

TEST(Outbox, EnqueueGivesSequenceUuidAndCheckedCaseNumber) {
    const auto dir = freshDir("enqueue");
    auto box = Outbox::open(dir.string(), "QP01");
    ASSERT_TRUE(box.has_value()) << box.error().message;
    auto a = box->enqueue(sample(), 1000, day());
    auto b = box->enqueue(sample(), 2000, day());
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->seq, 1);
    EXPECT_EQ(b->seq, 2);
    EXPECT_NE(a->uuid, b->uuid);
    EXPECT_EQ(a->caseNo.substr(0, 18), "QP0120260115000001");
    EXPECT_TRUE(kiosk::protocol::caseNumberCheckOk(a->caseNo));
    std::string typo = a->caseNo;
    typo[10] = typo[10] == '1' ? '2' : '1';
    EXPECT_FALSE(kiosk::protocol::caseNumberCheckOk(typo)) << "a mistyped digit is caught by the check character";
    struct stat st {};
    ASSERT_EQ(stat((dir / "device.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    fs::remove_all(dir);
}

TEST(Outbox, PersonalFieldsAreNotReadableOnDiskAndGoneAfterAck) {
    const auto dir = freshDir("sealed");
    auto box = Outbox::open(dir.string(), "QP01");
    ASSERT_TRUE(box.has_value());
    auto r = box->enqueue(sample(), 1000, day());
    ASSERT_TRUE(r.has_value());
    const std::string disk = onDisk(dir);
    for (const char* secret : {"张三丰", "13812345678", "914403001922038216", "青浦某某科技", "跑了三次", "ZQXJ"})
        EXPECT_EQ(disk.find(secret), std::string::npos) << secret << " is readable in the database files";
    EXPECT_NE(disk.find("svc.company-registration"), std::string::npos) << "public fields stay readable";

    auto all = box->all();
    ASSERT_TRUE(all && all->size() == 1);
    ASSERT_TRUE((*all)[0].personalData.has_value());
    EXPECT_EQ((*(*all)[0].personalData)["contact_name"], "张三丰");

    ASSERT_TRUE(box->acknowledge(r->uuid).has_value());
    all = box->all();
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ((*all)[0].state, State::Acked);
    EXPECT_FALSE((*all)[0].personalData.has_value()) << "purged once the hub has it";
    auto sealed = box->db().scalarInt("SELECT count(*) FROM record WHERE sealed IS NOT NULL");
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(*sealed, 0);
    fs::remove_all(dir);
}

TEST(Outbox, StatesNeverBlockTheQueueAndSurviveARestart) {
    const auto dir = freshDir("states");
    {
        auto box = Outbox::open(dir.string(), "QP01");
        ASSERT_TRUE(box.has_value());
        for (int i = 0; i < 4; ++i) ASSERT_TRUE(box->enqueue(sample(), 1000 + i, day()).has_value());
        auto batch = box->takeBatch(2);
        ASSERT_TRUE(batch && batch->size() == 2);
        EXPECT_EQ((*batch)[0].seq, 1);
        ASSERT_TRUE(box->reject((*batch)[0].uuid, "409 same key, different payload").has_value());
        ASSERT_TRUE(box->requeue((*batch)[1].uuid, "timeout").has_value());
        auto next = box->takeBatch(10);
        ASSERT_TRUE(next.has_value());
        ASSERT_EQ(next->size(), 3u) << "a rejected record does not block the others";
        EXPECT_EQ((*next)[0].seq, 2);
        EXPECT_EQ((*next)[0].attempts, 2);
        auto s = box->status(5000);
        ASSERT_TRUE(s.has_value());
        EXPECT_EQ(s->sending, 3);
        EXPECT_EQ(s->rejected, 1);
    }
    // The kiosk stopped while sending: those go back to pending.
    auto box = Outbox::open(dir.string(), "QP01");
    ASSERT_TRUE(box.has_value());
    auto s = box->status(5000);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->pending, 3);
    EXPECT_EQ(s->sending, 0);
    EXPECT_EQ(s->oldestPendingAgeMs, 5000 - 1001);
    fs::remove_all(dir);
}

TEST(Outbox, LookupNeedsTheRightLastFourDigits) {
    const auto dir = freshDir("lookup");
    auto box = Outbox::open(dir.string(), "QP01");
    ASSERT_TRUE(box.has_value());
    auto r = box->enqueue(sample("李四", "13900005678"), 1000, day());
    ASSERT_TRUE(r.has_value());
    auto hit = box->lookup(r->caseNo, "5678");
    ASSERT_TRUE(hit.has_value());
    ASSERT_TRUE(hit->has_value());
    EXPECT_EQ((*hit)->uuid, r->uuid);
    auto miss = box->lookup(r->caseNo, "1234");
    ASSERT_TRUE(miss.has_value());
    EXPECT_FALSE(miss->has_value());
    fs::remove_all(dir);
}

TEST(Outbox, RatingsOfAnInstanceAreCountedAcrossRestartsAndAcknowledgement) {
    const auto dir = freshDir("ratings");
    Submission rating;
    rating.kind = "rating";
    rating.publicData = {{"instance", "case:QP0120260115000001X"}, {"level", "satisfied"}};
    rating.personalData = nlohmann::json::object();
    std::string firstUuid;
    {
        auto box = Outbox::open(dir.string(), "QP01");
        ASSERT_TRUE(box.has_value());
        EXPECT_EQ(box->ratingsFor("case:QP0120260115000001X").value_or(-1), 0);
        auto r = box->enqueue(rating, 1000, day());
        ASSERT_TRUE(r.has_value());
        firstUuid = r->uuid;
        ASSERT_TRUE(box->enqueue(sample(), 1001, day()).has_value());  // a case is not a rating
        rating.publicData["instance"] = "case:OTHER";
        ASSERT_TRUE(box->enqueue(rating, 1002, day()).has_value());
    }
    auto box = Outbox::open(dir.string(), "QP01");  // the kiosk restarted
    ASSERT_TRUE(box.has_value());
    EXPECT_EQ(box->ratingsFor("case:QP0120260115000001X").value_or(-1), 1);
    ASSERT_TRUE(box->takeBatch(10).has_value());
    ASSERT_TRUE(box->acknowledge(firstUuid).has_value());
    EXPECT_EQ(box->ratingsFor("case:QP0120260115000001X").value_or(-1), 1) << "delivered ratings still count";
    EXPECT_EQ(box->ratingsFor("case:OTHER").value_or(-1), 1);
    EXPECT_EQ(box->ratingsFor("visit:x").value_or(-1), 0);
    fs::remove_all(dir);
}

TEST(Outbox, ATamperedRecordIsRefusedNotMisread) {
    const auto dir = freshDir("tamper");
    auto box = Outbox::open(dir.string(), "QP01");
    ASSERT_TRUE(box.has_value());
    ASSERT_TRUE(box->enqueue(sample(), 1000, day()).has_value());
    ASSERT_TRUE(box->db().exec("UPDATE record SET sealed = zeroblob(length(sealed))").has_value());
    auto all = box->all();
    ASSERT_FALSE(all.has_value());
    EXPECT_NE(all.error().message.find("does not verify"), std::string::npos) << all.error().message;
    fs::remove_all(dir);
}

// SIGKILL at random moments while the child submits: afterwards every record
// is entirely present (it decrypts) or absent, every receipt shown belongs to a
// record that is present, and the database passes integrity_check.
TEST(OutboxCrash, TwoHundredKillsDuringSubmission) {
    const auto dir = freshDir("crash");
    std::mt19937 rng(20260115);
    std::map<std::string, long long> shown;  // uuid → seq, every receipt ever shown
    const int want = prooftest::cycles(200);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240) * std::max(1, want / 200);
    int cycles = 0;
    for (; cycles < want && std::chrono::steady_clock::now() < deadline; ++cycles) {
        int pipefd[2];
        ASSERT_EQ(pipe(pipefd), 0);
        const pid_t pid = fork();
        if (pid == 0) {
            dup2(pipefd[1], 1);
            close(pipefd[0]);
            execl(OUTBOX_CRASH_CHILD, OUTBOX_CRASH_CHILD, dir.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(pipefd[1]);
        std::string out;
        char buf[4096];
        ssize_t n = 0;
        // Three kills in four come after the outbox is open (measured from
        // the child's OPEN line, so a loaded machine's slow start-up does not
        // eat the window); the rest may land while it opens.
        if (std::uniform_int_distribution<int>(0, 3)(rng) != 0) {
            const auto openBy = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (out.find("OPEN\n") == std::string::npos && std::chrono::steady_clock::now() < openBy) {
                pollfd p{pipefd[0], POLLIN, 0};
                if (poll(&p, 1, 100) > 0) {
                    n = read(pipefd[0], buf, sizeof buf);
                    if (n <= 0) break;
                    out.append(buf, std::size_t(n));
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(500, 30000)(rng)));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, std::size_t(n));
        close(pipefd[0]);
        std::istringstream lines(out);
        std::string line;
        while (std::getline(lines, line)) {
            std::istringstream fields(line);
            std::string tag, uuid;
            long long seq = 0;
            if (fields >> tag >> uuid >> seq && tag == "SHOWN") shown[uuid] = seq;  // a torn last line fails to parse
        }

        auto box = Outbox::open(dir.string(), "QP01");
        ASSERT_TRUE(box.has_value()) << "cycle " << cycles << ": " << box.error().message;
        auto check = box->db().prepare("PRAGMA integrity_check");
        ASSERT_TRUE(check.has_value());
        ASSERT_TRUE(check->step().value_or(false));
        ASSERT_EQ(check->text(0), "ok") << "cycle " << cycles;
        auto all = box->all();  // fails if any record is partly there (it would not decrypt)
        ASSERT_TRUE(all.has_value()) << "cycle " << cycles << ": " << all.error().message;
        std::map<std::string, long long> present;
        for (const auto& r : *all) {
            ASSERT_TRUE(r.personalData.has_value());
            EXPECT_EQ((*r.personalData)["i"], r.publicData["i"]) << "sealed and public halves belong together";
            present[r.uuid] = r.seq;
        }
        for (const auto& [u, s] : shown) {
            auto it = present.find(u);
            ASSERT_NE(it, present.end()) << "cycle " << cycles << ": receipt " << u << " was shown but is not stored";
            EXPECT_EQ(it->second, s);
        }
    }
    std::cout << "proof: submission " << cycles << " kills; " << shown.size()
              << " receipts shown, every one stored and whole; integrity_check ok after each\n";
    EXPECT_EQ(cycles, want) << "ran out of time";
    EXPECT_GT(shown.size(), 50u) << "the child should have got receipts out before most kills";
    fs::remove_all(dir);
}
