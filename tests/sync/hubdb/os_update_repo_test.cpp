// The hub's record of published OS update bundles (hubdb/os_update_repo.h)
// on both backends (SQLite and the PostgreSQL test server, backends.h): one
// current offer that publishing replaces and withdrawing removes, a version
// that names one file and a file that has one version, and several
// publishers at once leaving exactly one offer.
#include "hubdb/os_update_repo.h"
#include "hubdb/store.h"

#include "backends.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace kiosk;
using namespace kiosk::hubdb;

namespace {

OsBundle bundle(char fill, const std::string& version) {
    return OsBundle{std::string(64, fill), version, "kiosk-amd64", 1000 + fill, 0, false};
}

}  // namespace

// A fresh database with the hub's schema on each backend (backends.h).
class OsUpdateRepo : public hubtest::MigratedDatabase {};

TEST_P(OsUpdateRepo, PublishingOffersTheNewestAndWithdrawingStopsTheOffer) {
    auto none = currentOsBundle(*db);
    ASSERT_TRUE(none.has_value()) << none.error().message;
    EXPECT_FALSE(none->has_value()) << "nothing is offered before anything is published";

    ASSERT_TRUE(publishOsBundle(*db, bundle('a', "0.2.0"), 100).has_value());
    ASSERT_TRUE(publishOsBundle(*db, bundle('b', "0.3.0"), 200).has_value());
    auto current = currentOsBundle(*db);
    ASSERT_TRUE(current.has_value() && current->has_value());
    EXPECT_EQ((*current)->version, "0.3.0");
    EXPECT_EQ((*current)->sha256, std::string(64, 'b'));
    EXPECT_EQ((*current)->size, 1000 + 'b');
    EXPECT_EQ((*current)->compatible, "kiosk-amd64");
    EXPECT_TRUE((*current)->current);

    auto list = osBundles(*db);
    ASSERT_TRUE(list.has_value()) << list.error().message;
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].version, "0.3.0") << "newest first";
    EXPECT_TRUE((*list)[0].current);
    EXPECT_FALSE((*list)[1].current);

    // The older one offered again: same file, same version, new offer; its
    // first publication time stays.
    ASSERT_TRUE(publishOsBundle(*db, bundle('a', "0.2.0"), 300).has_value());
    current = currentOsBundle(*db);
    ASSERT_TRUE(current.has_value() && current->has_value());
    EXPECT_EQ((*current)->version, "0.2.0");
    EXPECT_EQ((*current)->publishedAt, 100);

    auto withdrawn = withdrawOsBundle(*db);
    ASSERT_TRUE(withdrawn.has_value() && withdrawn->has_value());
    EXPECT_EQ((*withdrawn)->version, "0.2.0");
    current = currentOsBundle(*db);
    ASSERT_TRUE(current.has_value());
    EXPECT_FALSE(current->has_value());
    auto again = withdrawOsBundle(*db);
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->has_value()) << "withdrawing twice finds nothing offered";
    // Withdrawn bundles stay published (a kiosk may be finishing a download).
    auto bySha = osBundleBySha(*db, std::string(64, 'a'));
    ASSERT_TRUE(bySha.has_value() && bySha->has_value());
    EXPECT_FALSE((*bySha)->current);
    EXPECT_EQ(osBundles(*db)->size(), 2u);
}

TEST_P(OsUpdateRepo, AVersionNamesOneFileAndAFileHasOneVersion) {
    ASSERT_TRUE(publishOsBundle(*db, bundle('a', "0.2.0"), 100).has_value());

    auto otherFile = publishOsBundle(*db, bundle('c', "0.2.0"), 200);
    ASSERT_FALSE(otherFile.has_value());
    EXPECT_EQ(otherFile.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(otherFile.error().message.find("version 0.2.0 is already published for another file"), std::string::npos)
        << otherFile.error().message;

    auto otherVersion = publishOsBundle(*db, bundle('a', "0.9.0"), 200);
    ASSERT_FALSE(otherVersion.has_value());
    EXPECT_NE(otherVersion.error().message.find("was published before as version 0.2.0"), std::string::npos)
        << otherVersion.error().message;

    auto why = osPublishConflict(*db, bundle('c', "0.2.0"));
    ASSERT_TRUE(why.has_value());
    EXPECT_FALSE(why->empty());
    EXPECT_TRUE(osPublishConflict(*db, bundle('d', "0.4.0"))->empty());
    // The refusals changed nothing.
    EXPECT_EQ(osBundles(*db)->size(), 1u);
    EXPECT_EQ((*currentOsBundle(*db))->sha256, std::string(64, 'a'));
}

// Staff on two hub machines publishing at the same moment: each publication
// succeeds or is refused whole, and exactly one bundle is offered after.
TEST_P(OsUpdateRepo, PublishersRacingLeaveExactlyOneOffer) {
    constexpr int kPublishers = 6;
    std::vector<std::unique_ptr<Database>> hubs;
    for (int i = 0; i < kPublishers; ++i) {
        auto opened = openDatabase(scratch->spec(), 1);
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        hubs.push_back(std::move(*opened));
    }
    std::vector<std::thread> threads;
    std::vector<int> ok(kPublishers, 0);
    for (int i = 0; i < kPublishers; ++i)
        threads.emplace_back([&, i] {
            // Two of them try the same version for different files.
            const std::string version = i < 2 ? "1.0.0" : fmt::format("1.0.{}", i);
            ok[std::size_t(i)] = publishOsBundle(*hubs[std::size_t(i)], bundle(char('a' + i), version), 500 + i) ? 1 : 0;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok[0] + ok[1], 1) << "one of the two same-version publishers is refused";
    for (int i = 2; i < kPublishers; ++i) EXPECT_EQ(ok[std::size_t(i)], 1) << i;
    auto list = osBundles(*db);
    ASSERT_TRUE(list.has_value()) << list.error().message;
    EXPECT_EQ(list->size(), std::size_t(kPublishers - 1));
    int offered = 0;
    for (const auto& b : *list) offered += b.current ? 1 : 0;
    EXPECT_EQ(offered, 1);
    auto current = currentOsBundle(*db);
    ASSERT_TRUE(current.has_value() && current->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, OsUpdateRepo, ::testing::ValuesIn(kiosk::hubdb::hubtest::backends()),
                         [](const auto& p) { return std::string(p.param.name); });
