// Backend choice and the retrying transaction of sql.h.
#include "sql.h"

#include <fmt/format.h>

#include <charconv>
#include <random>
#include <thread>

namespace kiosk::hubdb {

Result<std::unique_ptr<Database>> openSqlite(const std::string& path, int poolSize);
#ifdef KIOSK_HUB_POSTGRES
Result<std::unique_ptr<Database>> openPostgres(const std::string& url, int poolSize);
#endif

Result<std::unique_ptr<Database>> openDatabase(const std::string& spec, int poolSize) {
    if (spec.starts_with("postgresql://") || spec.starts_with("postgres://")) {
#ifdef KIOSK_HUB_POSTGRES
        return openPostgres(spec, poolSize);
#else
        return fail(ErrorCode::Unsupported, "this kiosk-hub was built without PostgreSQL support");
#endif
    }
    return openSqlite(spec, poolSize);
}

Result<void> transaction(Database& db, const std::function<Result<void>(Connection&)>& fn, int attempts) {
    Result<void> last;
    for (int i = 0; i < attempts; ++i) {
        bool retry = false;
        last = db.with([&](Connection& c) -> Result<void> {
            if (auto r = c.begin(); !r) {
                retry = c.lastFailure() == SqlFailure::Serialization;
                return r;
            }
            auto r = fn(c);
            if (r) r = c.commit();
            if (!r) {
                c.rollback();
                retry = c.lastFailure() == SqlFailure::UniqueViolation || c.lastFailure() == SqlFailure::Serialization;
            }
            return r;
        });
        if (last || !retry) return last;
        // Jittered, so that racing hub threads do not collide again in step.
        thread_local std::minstd_rand rng(std::random_device{}());
        const int base = 5 << i;
        std::this_thread::sleep_for(std::chrono::milliseconds(base + int(rng() % unsigned(base))));
    }
    return last;
}

std::int64_t asInt(const std::optional<std::string>& v, std::int64_t otherwise) {
    if (!v) return otherwise;
    std::int64_t out = otherwise;
    std::from_chars(v->data(), v->data() + v->size(), out);
    return out;
}

std::string asText(const std::optional<std::string>& v) { return v.value_or(""); }

}  // namespace kiosk::hubdb
