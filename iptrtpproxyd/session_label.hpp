// SPDX-License-Identifier: GPL-2.0
// What the daemon writes into each kernel session's label: the call, the parties and the
// media the session carries. All call state lives there, so that a daemon restarted after a
// crash rebuilds its call table from the kernel (no database), but for the timeout
// notification targets, which do not fit (notify_journal.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtpproxyd {

// The label of every session the daemon allocates starts with this (and a session list
// filtered by it finds the daemon's sessions only).
inline constexpr std::string_view kLabelPrefix = "rtpp1 ";
// The longest Call-ID and tag kept as they are; longer ones are hashed (call_key).
inline constexpr std::size_t kMaxLiteralCallId = 56;
inline constexpr std::size_t kMaxLiteralTag = 28;
// The highest media index (Kamailio's ;N, the m= line's place) a label carries.
inline constexpr std::uint16_t kMaxMediaIndex = 999;

// The key a Call-ID or tag is known by: the token itself when it has at most max_literal bytes
// of printable ASCII and does not start with '#'; otherwise '#' and 22 base64url characters of
// its SHA-256 (132 bits: chosen tokens do not collide). A label of 128 bytes holds a key of
// each, and commands are matched by key, so a long Call-ID works as a short one does; only its
// text is lost to a restarted daemon, which then reports the key instead.
std::string call_key(std::string_view token, std::size_t max_literal);

// The two sides of a session are the switchboard's gates, A and B.
enum class Side : std::uint8_t { a, b };
inline Side other(Side side) { return side == Side::a ? Side::b : Side::a; }

struct SessionLabel {
    std::string call;      // call_key(Call-ID, kMaxLiteralCallId)
    std::string offerer;   // call_key(from-tag of the offer, kMaxLiteralTag)
    std::string answerer;  // call_key(to-tag, kMaxLiteralTag); empty until the answer
    std::uint16_t media = 1;
    Side offerer_side = Side::a;  // the gate that faces the offerer

    friend bool operator==(const SessionLabel&, const SessionLabel&) = default;
};

// "rtpp1 <A|B><media> <call> <offerer> <answerer, or # while unknown>", at most 125 bytes.
std::string encode_label(const SessionLabel& label);
// nullopt for a label that is not one encode_label wrote (another program's session).
std::optional<SessionLabel> decode_label(std::string_view text);

}  // namespace rtpproxyd
