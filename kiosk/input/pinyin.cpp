// librime wrapper.
#include "pinyin.h"

#include "base/log.h"

#include <fmt/format.h>
#include <rime_api.h>

#include <cstdlib>
#include <filesystem>

namespace kiosk::input {
namespace {

constexpr int kBackSpace = 0xff08, kPageUp = 0xff55, kPageDown = 0xff56, kSpace = 0x20;
auto logger() { return log::channel("ime"); }
RimeApi* api() { return rime_get_api(); }

}  // namespace

Result<std::unique_ptr<PinyinEngine>> PinyinEngine::start(const std::string& sharedData) {
    if (!std::filesystem::exists(sharedData + "/luna_pinyin_simp.schema.yaml"))
        return fail(ErrorCode::NotFound,
                    fmt::format("no pinyin schema in {}: install rime-data-luna-pinyin", sharedData));
    std::string tmpl = (std::filesystem::temp_directory_path() / "kiosk-rime-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return fail(ErrorCode::Io, "cannot make a temporary folder for the input method");
    std::unique_ptr<PinyinEngine> e(new PinyinEngine());
    e->m_userDir = tmpl;
    // A default.yaml in the user folder selects the Simplified schema only.
    {
        std::FILE* f = std::fopen((tmpl + "/default.custom.yaml").c_str(), "w");
        if (f) {
            std::fputs("patch:\n  schema_list:\n    - schema: luna_pinyin_simp\n  menu/page_size: 8\n", f);
            std::fclose(f);
        }
    }
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = sharedData.c_str();
    traits.user_data_dir = e->m_userDir.c_str();
    traits.distribution_name = "kiosk";
    traits.distribution_code_name = "kiosk";
    traits.distribution_version = "1";
    traits.app_name = "rime.kiosk";
    traits.min_log_level = 2;  // errors only
    traits.log_dir = e->m_userDir.c_str();  // and its log files go with the folder
    api()->setup(&traits);
    api()->initialize(&traits);
    if (api()->start_maintenance(False)) api()->join_maintenance_thread();
    e->m_session = api()->create_session();
    if (!e->m_session) return fail(ErrorCode::Unsupported, "the input method did not start (librime)");
    api()->select_schema(e->m_session, "luna_pinyin_simp");
    logger()->info("pinyin input ready (luna_pinyin_simp, temporary user folder)");
    return e;
}

PinyinEngine::~PinyinEngine() {
    if (m_session) api()->destroy_session(m_session);
    api()->finalize();
    std::error_code ec;
    std::filesystem::remove_all(m_userDir, ec);  // the learning dictionary goes with it
}

ImeState PinyinEngine::read() {
    ImeState s;
    RIME_STRUCT(RimeCommit, commit);
    if (api()->get_commit(m_session, &commit)) {
        if (commit.text) s.committed = commit.text;
        api()->free_commit(&commit);
    }
    RIME_STRUCT(RimeContext, ctx);
    if (api()->get_context(m_session, &ctx)) {
        if (ctx.composition.preedit) s.preedit = ctx.composition.preedit;
        s.page = ctx.menu.page_no;
        s.lastPage = ctx.menu.is_last_page;
        for (int i = 0; i < ctx.menu.num_candidates; ++i) s.candidates.emplace_back(ctx.menu.candidates[i].text);
        api()->free_context(&ctx);
    }
    return s;
}

ImeState PinyinEngine::key(int keycode) {
    api()->process_key(m_session, keycode, 0);
    return read();
}

ImeState PinyinEngine::letter(char c) { return key(static_cast<unsigned char>(c)); }
ImeState PinyinEngine::backspace() { return key(kBackSpace); }
ImeState PinyinEngine::space() { return key(kSpace); }
ImeState PinyinEngine::nextPage() { return key(kPageDown); }
ImeState PinyinEngine::previousPage() { return key(kPageUp); }

ImeState PinyinEngine::select(int indexOnPage) {
    api()->select_candidate_on_current_page(m_session, std::size_t(indexOnPage));
    return read();
}

void PinyinEngine::clear() { api()->clear_composition(m_session); }

}  // namespace kiosk::input
