// Fuzzes the signed content manifest (sync/bundle/manifest): any bytes as
// the manifest a hub (or an attacker in its place) sends, parsed and then
// verified against a fixed content-signing public key. Nothing unsigned may
// verify; nothing may crash. Also the ISO 8601 time parser it uses.
#include "bundle/manifest.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
// The public half of a test hub's content-signing key (the seed corpus's
// valid manifest was signed with it); its private half is not kept.
constexpr const char* kPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAGFGkG9c7W3nhPnRVIFAU9n28vnMbzqTzvugB85W0Muo=\n"
    "-----END PUBLIC KEY-----\n";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kiosk::bundle;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)parseIsoUtc(text);
    auto signedManifest = parseSignedManifest(text);
    if (!signedManifest) return 0;
    auto fields = verifyManifest(*signedManifest, kPublicPem);
    // The only manifest this key ever signed is the seed's: anything that
    // verifies must say exactly what it says (a forgery would not).
    if (fields && (fields->version != 1 || fields->size != 425984 || fields->schema != 2 || fields->kind != "full" ||
                   fields->sha256 != "a057efd2ce06afde34963c29305c092cd2c4cad09e8ce4e9f508ff6c42017db7"))
        std::abort();
    return 0;
}
