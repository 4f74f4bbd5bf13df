// Crash-test child: enqueues submissions as fast as it can and, after each
// enqueue() returns (the moment the kiosk would show the receipt), prints
// "SHOWN <uuid> <seq>" and flushes. The parent kills it with SIGKILL at a
// random moment and checks what survived.
#include "outbox/outbox.h"

#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    auto box = kiosk::outbox::Outbox::open(argv[1], "QP01");
    if (!box) {
        std::fprintf(stderr, "%s\n", box.error().message.c_str());
        return 1;
    }
    std::printf("OPEN\n");  // the parent times its kill from here (start-up is slow on a loaded machine)
    std::fflush(stdout);
    std::tm day{};
    day.tm_year = 126;
    day.tm_mon = 0;
    day.tm_mday = 15;
    for (long i = 0; i < 100000; ++i) {
        kiosk::outbox::Submission s;
        s.kind = "case";
        s.publicData = {{"case_kind", "咨询"}, {"i", i}};
        s.personalData = {{"contact_name", "测试用户"}, {"description", std::string(200 + i % 300, 'x')}, {"i", i}};
        s.mobileLast4 = "1234";
        auto r = box->enqueue(s, i, day);
        if (!r) {
            std::fprintf(stderr, "%s\n", r.error().message.c_str());
            return 1;
        }
        std::printf("SHOWN %s %lld\n", r->uuid.c_str(), static_cast<long long>(r->seq));
        std::fflush(stdout);
    }
    return 0;
}
