// SPDX-License-Identifier: GPL-2.0
// The text form of a session label, one for list's output and --label's input: printable bytes
// stand for themselves, every other byte is %XX, so that what list prints can be pasted back.
#pragma once

#include <string>
#include <string_view>

namespace iptrtpproxy {

// The bytes '!'..'~' (0x21..0x7e) but '%' and '=' as they are, every other byte as %XX in
// upper-case hex: no space (words are split at spaces), no '=' (a value never holds one,
// iptrtpproxy(8) OUTPUT FORMAT), nothing a terminal would act on.
std::string label_to_text(std::string_view label);

// The bytes text stands for: %XX (hex of either case) is the byte XX, any other byte itself
// (so "a=b" and "a%3Db" are one label). Throws UsageError naming --option for a '%' that two
// hex digits do not follow, or for a label longer than xtrtpproxy::kLabelMax bytes.
std::string label_from_text(const std::string& option, std::string_view text);

}  // namespace iptrtpproxy
