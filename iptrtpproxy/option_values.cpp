// SPDX-License-Identifier: GPL-2.0
// Numbers and addresses of the command line, with the messages the man page's exit 2 promises.
#include "option_values.hpp"

#include <charconv>
#include <string_view>

namespace iptrtpproxy {

std::uint64_t parse_number(const std::string& option, const std::string& text, std::uint64_t min,
                           std::uint64_t max, const char* what, NumberBase base) {
    std::string_view digits = text;
    int radix = 10;
    std::uint64_t unit = 1;
    if (base == NumberBase::decimal_or_hex &&
        (digits.starts_with("0x") || digits.starts_with("0X"))) {
        digits.remove_prefix(2);
        radix = 16;
    } else if ((base == NumberBase::decimal_or_kilo || base == NumberBase::decimal_or_kilo_mega) &&
               digits.ends_with('k')) {
        digits.remove_suffix(1);
        unit = 1000;
    } else if (base == NumberBase::decimal_or_kilo_mega && digits.ends_with('M')) {
        digits.remove_suffix(1);
        unit = 1000 * 1000;
    }
    std::uint64_t value = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value, radix);
    if (digits.empty() || ec == std::errc::invalid_argument || ptr != end)
        throw UsageError("invalid " + std::string(what) + " '" + text + "' for --" + option);
    const bool too_big = ec == std::errc::result_out_of_range || value > max / unit;
    value *= unit;
    if (too_big || value < min || value > max)
        throw UsageError(std::string(what) + " " + text + " for --" + option +
                         " is out of range (" + std::to_string(min) + ".." + std::to_string(max) +
                         ")");
    return value;
}

xtrtpproxy::RateLimit parse_rate_limit(const std::string& option, const std::string& text) {
    using xtrtpproxy::RateLimit;
    constexpr std::uint32_t kMax = 0xffffffff;  // both are 32 bits in the ABI
    const auto slash = text.find('/');
    RateLimit limit;
    limit.bytes_per_second = static_cast<std::uint32_t>(
        parse_number(option, text.substr(0, slash), 0, kMax, "rate", NumberBase::decimal_or_kilo));
    if (slash == std::string::npos) return limit;
    // The kernel would keep a burst of no limit, and list it as if it meant something.
    if (limit.bytes_per_second == 0)
        throw UsageError("rate 0 for --" + option + " removes the limit: it takes no burst");
    limit.burst = static_cast<std::uint32_t>(parse_number(option, text.substr(slash + 1),
                                                          RateLimit::kMinBurst, kMax, "burst",
                                                          NumberBase::decimal_or_kilo));
    return limit;
}

std::optional<std::string> Values::text(const char* name) const {
    if (!given(name)) return std::nullopt;
    return vm_[name].as<std::string>();
}

std::optional<xtrtpproxy::Address> Values::address(const char* name) const {
    const auto given_text = text(name);
    if (!given_text) return std::nullopt;
    if (auto addr = xtrtpproxy::Address::try_parse(*given_text)) return addr;
    throw UsageError("invalid IP address '" + *given_text + "' for --" + name);
}

std::optional<std::uint16_t> Values::port(const char* name) const {
    const auto given_text = text(name);
    if (!given_text) return std::nullopt;
    return static_cast<std::uint16_t>(parse_number(name, *given_text, 1, 65535, "port"));
}

std::optional<std::uint32_t> Values::number(const char* name, std::uint32_t max,
                                            const char* what) const {
    const auto given_text = text(name);
    if (!given_text) return std::nullopt;
    return static_cast<std::uint32_t>(parse_number(name, *given_text, 0, max, what));
}

}  // namespace iptrtpproxy
