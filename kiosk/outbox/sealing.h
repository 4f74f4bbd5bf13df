// Personal data at rest on the kiosk: AES-256-GCM (OpenSSL) under a device
// key that never leaves the terminal. The key is 32 random bytes in
// DATA_DIR/device.key, mode 0600, made on first start. A sealed blob is
// nonce(12) ‖ ciphertext ‖ tag(16); the record's id is authenticated with it
// so a blob cannot be moved to another record.
#pragma once

#include "base/error.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::outbox {

class DeviceKey {
public:
    // Loads DIR/device.key, creating it (0600) when missing.
    [[nodiscard]] static Result<DeviceKey> loadOrCreate(const std::string& dataDir);

    [[nodiscard]] Result<std::vector<std::uint8_t>> seal(std::string_view plaintext, std::string_view recordId) const;
    [[nodiscard]] Result<std::string> open(const std::vector<std::uint8_t>& sealed, std::string_view recordId) const;
    // Keyed hash for lookups that must not store the value (mobile last 4).
    std::string fingerprint(std::string_view value) const;

private:
    std::array<std::uint8_t, 32> m_key{};
};

}  // namespace kiosk::outbox
