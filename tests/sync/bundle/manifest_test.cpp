// Bundle manifests: what makeManifest() writes and refuses to publish, the
// canonical bytes that are signed, the signed document's round trip, and the
// strict ISO 8601 UTC times.
#include "bundle_fixture.h"

using namespace bundletest;

TEST(Manifest, MakeRecordsHashSizeTimesAndSchema) {
    const auto dir = freshDir("make");
    makeDb(dir / "c.db", "A");
    auto m = makeManifest(dir / "c.db", 7, kNow, kWeek, kSchema);
    ASSERT_TRUE(m.has_value()) << m.error().message;
    EXPECT_EQ((*m)["format"], "kiosk-bundle/1");
    EXPECT_EQ((*m)["version"], 7);
    EXPECT_EQ((*m)["sha256"], shaOf(dir / "c.db"));
    EXPECT_EQ((*m)["size"], std::int64_t(fs::file_size(dir / "c.db")));
    EXPECT_EQ((*m)["created"], "2026-11-21T08:00:00Z");
    EXPECT_EQ((*m)["expires"], "2026-11-28T08:00:00Z");
    EXPECT_EQ((*m)["schema"], kSchema);
    EXPECT_EQ((*m)["kind"], "full");
    auto f = readManifest(*m);
    ASSERT_TRUE(f.has_value()) << f.error().message;
    EXPECT_EQ(f->expiresS - f->createdS, kWeek);
    fs::remove_all(dir);
}

TEST(Manifest, PublisherRefusesFilesAKioskWouldRefuse) {
    const auto dir = freshDir("publish");
    writeBytes(dir / "notes.txt", "this is not a database, it is a note\n");
    auto a = makeManifest(dir / "notes.txt", 1, kNow, kWeek, kSchema);
    ASSERT_FALSE(a.has_value());
    EXPECT_NE(a.error().message.find("not a SQLite database"), std::string::npos) << a.error().message;

    makeDb(dir / "c.db", "A", 1);
    auto b = makeManifest(dir / "c.db", 1, kNow, kWeek, kSchema);
    ASSERT_FALSE(b.has_value());
    EXPECT_NE(b.error().message.find("wrong schema"), std::string::npos) << b.error().message;

    EXPECT_FALSE(makeManifest(dir / "c.db", 0, kNow, kWeek, 1).has_value()) << "version 0";
    EXPECT_FALSE(makeManifest(dir / "c.db", 1, kNow, 0, 1).has_value()) << "no time to live";
    fs::remove_all(dir);
}

TEST(Manifest, CanonicalBytesAreSortedKeysWithoutSpaces) {
    const auto m = manifestFor(std::string(64, 'a'), 10, 3);
    auto bytes = canonicalBytes(m);
    ASSERT_TRUE(bytes.has_value());
    EXPECT_EQ(*bytes, "{\"created\":\"2026-11-21T07:00:00Z\",\"expires\":\"2026-11-28T08:00:00Z\","
                      "\"format\":\"kiosk-bundle/1\",\"kind\":\"full\",\"schema\":2,\"sha256\":\"" +
                          std::string(64, 'a') + "\",\"size\":10,\"version\":3}");
}

TEST(Manifest, SignedDocumentRoundTripsAndVerifies) {
    auto sm = signManifest(manifestFor(std::string(64, 'b'), 10, 3), hubKey().privatePem);
    ASSERT_TRUE(sm.has_value()) << sm.error().message;
    const std::string text = serializeSignedManifest(*sm);
    EXPECT_EQ(text.rfind("{\"manifest\":{", 0), 0u) << text;
    auto back = parseSignedManifest(text);
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(back->manifest, sm->manifest);
    EXPECT_EQ(back->signatureB64, sm->signatureB64);
    auto f = verifyManifest(*back, hubKey().publicPem);
    ASSERT_TRUE(f.has_value()) << f.error().message;
    EXPECT_EQ(f->version, 3);

    // Whitespace and key order in the transported text do not matter: the
    // signature covers the canonical form of the parsed object.
    const std::string pretty = nlohmann::json::parse(text).dump(4);
    auto again = parseSignedManifest(pretty);
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(verifyManifest(*again, hubKey().publicPem).has_value());

    EXPECT_FALSE(parseSignedManifest("{\"manifest\":1}").has_value());
    EXPECT_FALSE(parseSignedManifest("not json").has_value());
}

TEST(Manifest, FieldsAreCheckedStrictly) {
    auto base = manifestFor(std::string(64, 'c'), 10, 3);
    EXPECT_TRUE(readManifest(base).has_value());
    auto with = [&](const char* key, nlohmann::json v) {
        auto m = base;
        m[key] = std::move(v);
        return readManifest(m).has_value();
    };
    EXPECT_FALSE(with("format", "kiosk-bundle/2"));
    EXPECT_FALSE(with("kind", "delta"));
    EXPECT_FALSE(with("version", 0));
    EXPECT_FALSE(with("version", 1.5));
    EXPECT_FALSE(with("version", "3"));
    EXPECT_FALSE(with("sha256", std::string(64, 'C')));
    EXPECT_FALSE(with("sha256", "abc"));
    EXPECT_FALSE(with("size", -1));
    EXPECT_FALSE(with("schema", 0));
    EXPECT_FALSE(with("expires", "2026-11-21T07:00:00Z")) << "expires must be after created";
    EXPECT_FALSE(with("created", "2026-11-21 07:00:00"));
    auto missing = base;
    missing.erase("size");
    EXPECT_FALSE(readManifest(missing).has_value());
}

TEST(Manifest, IsoTimesAreStrictUtc) {
    EXPECT_EQ(formatIsoUtc(kNow), "2026-11-21T08:00:00Z");
    EXPECT_EQ(formatIsoUtc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(parseIsoUtc("2026-11-21T08:00:00Z").value_or(-1), kNow);
    EXPECT_EQ(parseIsoUtc("2028-02-29T00:00:00Z").value_or(-1), 1835395200);
    for (const char* bad : {"2026-02-30T00:00:00Z", "2026-11-21T08:00:00", "2026-11-21T08:00:00+08:00",
                            "2026-11-21T08:00:00.5Z", "2026-11-21t08:00:00Z", "2026-13-01T00:00:00Z",
                            "2026-11-21T24:00:00Z", ""})
        EXPECT_FALSE(parseIsoUtc(bad).has_value()) << bad;
}
