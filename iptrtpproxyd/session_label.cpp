// SPDX-License-Identifier: GPL-2.0
// The session label's format: keys for Call-IDs and tags, and the label's text.
#include "session_label.hpp"

#include <charconv>
#include <vector>

#include "sha256.hpp"

namespace rtpproxyd {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kHashChars = 22;
constexpr char kHashMark = '#';

bool printable(std::string_view token) {
    for (const char c : token)
        if (c <= ' ' || c > '~') return false;
    return true;
}

bool literal(std::string_view token, std::size_t max_literal) {
    return !token.empty() && token.size() <= max_literal && token.front() != kHashMark &&
           printable(token);
}

// A key as encode_label may have written it: a literal or a hash.
bool valid_key(std::string_view key, std::size_t max_literal) {
    if (!key.empty() && key.front() == kHashMark) {
        if (key.size() != 1 + kHashChars) return false;
        return key.find_first_not_of(kBase64Url, 1) == std::string_view::npos;
    }
    return literal(key, max_literal);
}

std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> fields;
    while (!text.empty() && fields.size() <= 4) {
        const auto space = text.find(' ');
        fields.push_back(text.substr(0, space));
        if (space == std::string_view::npos) break;
        text.remove_prefix(space + 1);
    }
    return fields;
}

}  // namespace

std::string call_key(std::string_view token, std::size_t max_literal) {
    if (literal(token, max_literal)) return std::string(token);
    const Sha256Digest digest = sha256(token);
    std::string key(1, kHashMark);
    // 22 characters of 6 bits from the digest's first 17 bytes.
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; key.size() < 1 + kHashChars;) {
        if (bits < 6) {
            acc = acc << 8 | digest[i++];
            bits += 8;
        }
        bits -= 6;
        key.push_back(kBase64Url[(acc >> bits) & 63]);
    }
    return key;
}

std::string encode_label(const SessionLabel& label) {
    std::string text(kLabelPrefix);
    text += label.offerer_side == Side::a ? 'A' : 'B';
    text += std::to_string(label.media);
    text += ' ';
    text += label.call;
    text += ' ';
    text += label.offerer;
    text += ' ';
    text += label.answerer.empty() ? std::string_view("#") : std::string_view(label.answerer);
    return text;
}

std::optional<SessionLabel> decode_label(std::string_view text) {
    if (!text.starts_with(kLabelPrefix)) return std::nullopt;
    text.remove_prefix(kLabelPrefix.size());
    const auto fields = split(text);
    if (fields.size() != 4 || fields[0].size() < 2) return std::nullopt;

    SessionLabel label;
    const char side = fields[0].front();
    if (side != 'A' && side != 'B') return std::nullopt;
    label.offerer_side = side == 'A' ? Side::a : Side::b;
    const std::string_view media = fields[0].substr(1);
    const auto [end, ec] = std::from_chars(media.data(), media.data() + media.size(), label.media);
    if (ec != std::errc{} || end != media.data() + media.size() || label.media < 1 ||
        label.media > kMaxMediaIndex || media.front() == '0')
        return std::nullopt;
    if (!valid_key(fields[1], kMaxLiteralCallId) || !valid_key(fields[2], kMaxLiteralTag))
        return std::nullopt;
    label.call = fields[1];
    label.offerer = fields[2];
    if (fields[3] != "#") {
        if (!valid_key(fields[3], kMaxLiteralTag)) return std::nullopt;
        label.answerer = fields[3];
    }
    return label;
}

}  // namespace rtpproxyd
