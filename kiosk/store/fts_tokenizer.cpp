// FTS5 tokenizer glue: fts5_api lookup, create/delete/tokenize callbacks.
#include "fts_tokenizer.h"

#include <fmt/format.h>

#include <cstring>
#include <string>
#include <vector>

namespace kiosk::store {
namespace {

struct Tokenizer {
    std::shared_ptr<const TextFolder> folder;
    int n = 1;
};

struct Context {
    std::shared_ptr<const TextFolder> folder;
};

int xCreate(void* ctx, const char** args, int nArgs, Fts5Tokenizer** out) {
    auto* c = static_cast<Context*>(ctx);
    auto* t = new Tokenizer{c->folder, 1};
    if (nArgs >= 1) {
        if (std::strcmp(args[0], "1") == 0) t->n = 1;
        else if (std::strcmp(args[0], "3") == 0) t->n = 3;
        else {
            delete t;
            return SQLITE_ERROR;
        }
    }
    *out = reinterpret_cast<Fts5Tokenizer*>(t);
    return SQLITE_OK;
}

void xDelete(Fts5Tokenizer* p) { delete reinterpret_cast<Tokenizer*>(p); }

int xTokenize(Fts5Tokenizer* p, void* ctx, int /*flags*/, const char* text, int nText,
              int (*xToken)(void*, int, const char*, int, int, int)) {
    const auto* t = reinterpret_cast<Tokenizer*>(p);
    if (nText <= 0) return SQLITE_OK;
    thread_local std::vector<TextFolder::Unit> units;
    units.clear();
    t->folder->fold(std::string_view(text, std::size_t(nText)), units);
    const std::size_t n = std::size_t(t->n);
    if (units.size() < n) return SQLITE_OK;
    std::string token;
    for (std::size_t i = 0; i + n <= units.size(); ++i) {
        token.clear();
        for (std::size_t k = 0; k < n; ++k) appendUtf8(token, units[i + k].cp);
        const int rc = xToken(ctx, 0, token.data(), int(token.size()), int(units[i].start), int(units[i + n - 1].end));
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

fts5_api* fts5Api(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

}  // namespace

Result<void> registerTokenizer(sqlite3* db, std::shared_ptr<const TextFolder> folder) {
    fts5_api* api = fts5Api(db);
    if (!api) return fail(ErrorCode::Unsupported, "this SQLite has no FTS5; install Debian's libsqlite3-0");
    fts5_tokenizer tok{xCreate, xDelete, xTokenize};
    auto* ctx = new Context{std::move(folder)};
    const int rc = api->xCreateTokenizer(api, "kiosk", ctx, &tok, [](void* c) { delete static_cast<Context*>(c); });
    if (rc != SQLITE_OK) {
        delete ctx;
        return fail(ErrorCode::Internal, fmt::format("cannot register the search tokenizer: {}", sqlite3_errstr(rc)));
    }
    return {};
}

}  // namespace kiosk::store
