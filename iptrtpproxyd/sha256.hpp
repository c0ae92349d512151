// SPDX-License-Identifier: GPL-2.0
// SHA-256 (FIPS 180-4), for the call keys that stand in for Call-IDs and tags too long for a
// session label: a collision would let one call's commands reach another's sessions, and a
// SIP client chooses its Call-ID, so the hash must resist chosen input.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace rtpproxyd {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view data);

}  // namespace rtpproxyd
