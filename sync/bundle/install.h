// Verify-and-swap of a downloaded content bundle on the kiosk, and the small
// helpers a resumable download needs. No networking here: the sync client
// downloads into the staging file and then calls installBundle().
//
// Files, all in the folder of the content database TARGET:
//   TARGET                 the content database the kiosk opens read-only
//   TARGET.staging         the download; must be in the same folder so that
//                          rename() can replace TARGET in one step
//   TARGET.version.json    which bundle version TARGET holds (see below)
//
// [SECTION] The install, step by step (installBundle)
//
//   verify: place ─► signature ─► version > installed ─► expires > trusted now
//           ─► size ─► sha256 ─► SQLite header, user_version, integrity_check
//      │ any refusal: return the error; nothing was written anywhere
//      ▼
//   fsync(TARGET.staging)                   the verified bytes are on disk
//      ▼
//   TARGET.version.json = {version: M, pending: {version: N, sha256: H}}
//      ▼                                    (intent, writeFileAtomic)
//   settle TARGET-journal / TARGET-wal, remove TARGET-wal/-shm/-journal
//      ▼
//   rename(TARGET.staging, TARGET)          ◄── COMMIT POINT
//      ▼
//   fsync(folder)                           the rename itself is durable
//      ▼
//   TARGET.version.json = {version: N, sha256: H}     (writeFileAtomic)
//
// Why a crash anywhere leaves the old or the new content, never a mix:
// TARGET is only ever changed by rename(), which POSIX makes atomic — a path
// names the old inode or the new one, whole. Before the commit point TARGET
// is the old file, untouched; after it, the new one, whose bytes were fsynced
// before the rename. The folder fsync makes the rename survive a power cut
// (without it the old name could come back after reboot — still whole).
// A reader that has TARGET open keeps reading the old inode until it
// reopens; the kiosk reopens its ContentStore after a successful install.
//
// Why stale -wal/-shm/-journal files must go before the rename: SQLite finds
// a database's WAL and rollback journal by name ("TARGET-wal",
// "TARGET-journal"), not by inode, and it replays a WAL it finds, or rolls
// back a hot journal it finds, into whatever file is called TARGET at that
// moment. Left over from the old file (a crash during an in-place schema
// migration, a WAL-mode database copied in by hand) they would be applied to
// the new content: exactly the mix we must never show. Two rules prevent it:
//  1. Bundles are rollback-journal databases (checked: header bytes 18/19 ==
//     1) and the kiosk opens them read-only, so in normal operation no
//     sidecar file exists at all.
//  2. If one does exist anyway, the old file is settled first (opened
//     read-write so SQLite replays or rolls back into the OLD file, then
//     switched to journal_mode=DELETE), and any sidecar left is removed.
//     Settling only makes the old file hold what SQLite would have shown
//     for it anyway, so a crash between settling and the rename still
//     leaves the old content. (If settling fails, the old file was not
//     readable as it stood; its sidecars are removed all the same and the
//     new content is what repairs it. InstallReport::notes says so.)
//
// Why the installed version lives in TARGET.version.json and not in the
// content database: the database's bytes must stay exactly the ones the hub
// hashed and signed (the kiosk opens it read-only and never writes it), the
// bundle version is assigned in the manifest at publication (one database can
// be republished under a new version to extend its expiry), and a file next
// to TARGET lives on the same filesystem and is reset together with it.
// The intent record written before the rename makes the version exact even
// after a crash between the rename and the final write: readInstalledVersion()
// then hashes TARGET and takes N if it matches the pending sha256, else M. So
// a crash can neither lose the record of N (which would reopen a rollback
// window to versions between M and N) nor claim N for old content.
//
// One installer at a time (the sync worker); not safe to run two at once on
// the same TARGET.
#pragma once

#include "base/error.h"
#include "bundle/manifest.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::bundle {

struct InstallRequest {
    std::filesystem::path staging;       // the downloaded bundle, TARGET.staging (same folder as target)
    SignedManifest signedManifest;       // as received from the hub
    std::string contentPublicKeyPem;     // the provisioned content-signing key (Ed25519, SubjectPublicKeyInfo PEM)
    std::int64_t installedVersion = 0;   // readInstalledVersion(target); 0 = none installed
    std::int64_t trustedNowS = 0;        // TrustedTime::nowS(), Unix seconds (> 0) — never the system clock
    std::filesystem::path target;        // the content database the kiosk opens read-only
};

struct InstallReport {
    std::int64_t version = 0;            // now installed
    std::int64_t previousVersion = 0;    // request.installedVersion
    std::string sha256;                  // of the installed file
    std::int64_t size = 0;               // bytes
    // Time spent per step, milliseconds (the benchmark prints these).
    double signatureMs = 0;              // Ed25519 verification and manifest checks
    double sha256Ms = 0;                 // hashing the staging file
    double integrityMs = 0;              // header, user_version, PRAGMA integrity_check
    double fsyncMs = 0;                  // fsync of the staging file
    double intentMs = 0;                 // intent record and the sidecar check (settling, if any)
    double renameMs = 0;                 // the rename() alone; includes freeing the old file's blocks
                                         // when no reader holds it open
    double folderFsyncMs = 0;            // fsync of the folder after the rename
    double stateMs = 0;                  // writing the final TARGET.version.json
    double totalMs = 0;
    std::vector<std::string> notes;      // things a technician may want in the log (settled sidecars, …)
};

// Verifies the bundle against its signed manifest and swaps it in (steps
// above). On any error TARGET and TARGET.version.json are as they were, and
// the staging file is left in place. What the error code tells the caller:
//   InvalidArgument  the bundle is refused (bad signature or key, rollback,
//                    expired, size or sha256 mismatch, not a content
//                    database, wrong schema, staging not beside the target):
//                    discardStaging() and do not retry this manifest.
//   NotFound         no staging file, or fewer bytes than the manifest's
//                    size: keep downloading from stagingOffset().
//   Config           the provisioned public key is not an Ed25519 key.
//   Io               the OS refused (disk full, permissions): retry later.
// After the commit point the install counts as done: a failed folder fsync or
// version write comes back as a note, and readInstalledVersion() still answers
// N from the intent record.
[[nodiscard]] Result<InstallReport> installBundle(const InstallRequest& request);

// TARGET.staging and TARGET.version.json for a target path.
std::filesystem::path stagingPathFor(const std::filesystem::path& target);
std::filesystem::path versionFileFor(const std::filesystem::path& target);

// The bundle version TARGET holds: 0 when there is no version file (nothing
// was installed through installBundle). A version file that cannot be read
// as written is an error (Parse), not 0: treating it as "nothing installed"
// would let any older signed bundle in. The technician removes the file to
// reset (the next bundle then installs whatever its version).
[[nodiscard]] Result<std::int64_t> readInstalledVersion(const std::filesystem::path& target);

// Bytes already downloaded into the staging file (0 when it does not exist):
// the client asks for "Range: bytes=OFFSET-". The client keeps the signed
// manifest it is downloading for, and discards the staging file when the hub
// offers a different one (other sha256) or when the offset exceeds its size.
[[nodiscard]] Result<std::uint64_t> stagingOffset(const std::filesystem::path& staging);

// Removes the staging file; a missing one is fine.
[[nodiscard]] Result<void> discardStaging(const std::filesystem::path& staging);

}  // namespace kiosk::bundle
