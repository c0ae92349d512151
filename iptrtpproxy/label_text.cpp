// SPDX-License-Identifier: GPL-2.0
// Escaping and unescaping of session labels (label_text.hpp).
#include "label_text.hpp"

#include <optional>

#include "options.hpp"
#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool stands_for_itself(unsigned char byte) {
    return byte >= 0x21 && byte <= 0x7e && byte != '%' && byte != '=';
}

std::optional<unsigned> hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return std::nullopt;
}

}  // namespace

std::string label_to_text(std::string_view label) {
    std::string text;
    text.reserve(label.size());
    for (const char c : label) {
        const auto byte = static_cast<unsigned char>(c);
        if (stands_for_itself(byte)) {
            text += c;
        } else {
            text += '%';
            text += kHex[byte >> 4];
            text += kHex[byte & 0xf];
        }
    }
    return text;
}

std::string label_from_text(const std::string& option, std::string_view text) {
    std::string label;
    label.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            label += text[i];
            continue;
        }
        const auto high = i + 1 < text.size() ? hex_digit(text[i + 1]) : std::nullopt;
        const auto low = i + 2 < text.size() ? hex_digit(text[i + 2]) : std::nullopt;
        if (!high || !low)
            throw UsageError("invalid label '" + std::string(text) + "' for --" + option +
                             ": the '%' at character " + std::to_string(i + 1) +
                             " is not followed by two hex digits (a '%' itself is %25)");
        label += static_cast<char>(*high << 4 | *low);
        i += 2;
    }
    if (label.size() > xtrtpproxy::kLabelMax)
        throw UsageError("label for --" + option + " is " + std::to_string(label.size()) +
                         " bytes long once decoded, more than the " +
                         std::to_string(xtrtpproxy::kLabelMax) + " the kernel keeps");
    return label;
}

}  // namespace iptrtpproxy
