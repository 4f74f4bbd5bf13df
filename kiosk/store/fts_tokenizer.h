// The "kiosk" FTS5 tokenizer: folds text with a TextFolder and emits
// n-grams of folded characters (tokenize='kiosk 1' for single characters,
// 'kiosk 3' for trigrams) with the byte offsets of the original text.
//
// It must be registered on every connection that reads or writes the
// content database's search tables.
#pragma once

#include "base/error.h"
#include "text_fold.h"

#include <memory>
#include <sqlite3.h>

namespace kiosk::store {

[[nodiscard]] Result<void> registerTokenizer(sqlite3* db, std::shared_ptr<const TextFolder> folder);

}  // namespace kiosk::store
