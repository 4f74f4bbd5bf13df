// Who this kiosk is and how the machine under it is doing: the device id the
// heartbeat and logs carry, free disk space, uptime, whether the hub can be
// reached over TCP and whether there is a default route at all. Used by the
// heartbeat, the maintenance screen and `kioskctl`. Read-only: nothing here
// changes the machine, and nothing blocks longer than the timeout it is given.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace platform {

struct DeviceIdentity {
    std::string id;      // what to call this kiosk
    std::string source;  // "hub" | "machine-id" | "hostname" | "none"
};

// The hub-assigned id when there is one (non-empty), else an id derived from
// /etc/machine-id (32 hex digits, an app-specific hash: machine-id(5) asks
// that the raw id never leave the machine), else the hostname.
DeviceIdentity deviceIdentity(std::string_view hubAssignedId);

struct DiskSpace {
    std::uint64_t freeBytes = 0;   // available to the kiosk (not root's reserve)
    std::uint64_t totalBytes = 0;  // size of the file system
};

// Space on the file system that holds `path` (statvfs).
[[nodiscard]] kiosk::Result<DiskSpace> diskSpace(const std::string& path);

// Time since boot from /proc/uptime, ms.
[[nodiscard]] kiosk::Result<std::int64_t> uptimeMs();
std::optional<std::int64_t> parseUptimeMs(std::string_view procUptime);  // "12345.67 23456.78\n" → 12345670

struct TcpProbe {
    bool reachable = false;
    std::int64_t latencyMs = 0;  // TCP connect time (handshake), when reachable
    std::string error;           // when not: "connection refused", "timed out", "no route",
                                 // "name not found", "timed out (name lookup)", or the OS's words
};

// Opens (and closes at once) a TCP connection to host:port. The whole probe,
// name lookup included, returns within about timeoutMs.
TcpProbe probeTcp(const std::string& host, std::uint16_t port, int timeoutMs);

// True when the routing table has a default route (IPv4 /proc/net/route or
// IPv6 /proc/net/ipv6_route): without one the hub cannot be reached and
// there is no point in waiting for a timeout.
bool hasDefaultRoute();

// The addresses of the network interfaces that are up, loopback left out:
// "eth0 192.168.1.20", "eth0 fe80::…" (for the maintenance screen).
std::vector<std::string> interfaceAddresses();
// The same decision on the two files' text (either may be "").
bool parseDefaultRoute(std::string_view procNetRoute, std::string_view procNetIpv6Route);

}  // namespace platform
