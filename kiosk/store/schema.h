// The content database's schema and its migrations.
//
// PRAGMA user_version holds the schema version. migrate() brings a database
// from any older version to kContentSchemaVersion, one step at a time, each
// step in the same transaction; a database newer than this program knows is
// refused (the kiosk software must be updated first).
//
// List-like fields (materials' notes aside) are stored as JSON text: the
// kiosk reads a service as a whole, never queries inside those lists.
#pragma once

#include "base/error.h"
#include "sqlite/sqlite.h"

namespace kiosk::store {

using sql::Database;
using sql::Statement;
using sql::Transaction;

// 1: first schema. 2: rating_reason table (好差评 reason options).
inline constexpr int kContentSchemaVersion = 2;

// `target` below the current version is for tests that need an old database.
[[nodiscard]] Result<void> migrate(Database& db, int target = kContentSchemaVersion);
[[nodiscard]] Result<int> schemaVersion(Database& db);

}  // namespace kiosk::store
