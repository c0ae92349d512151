// SPDX-License-Identifier: GPL-2.0
// Typed reading of option values (numbers, addresses), each bad one a UsageError naming it.
#pragma once

#include <boost/program_options/variables_map.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "options.hpp"
#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

enum class NumberBase {
    decimal,
    decimal_or_hex,        // 0x... or 0X... is hex, as for TOS bytes and marks
    decimal_or_kilo,       // a k after the digits is * 1000, as rates are written: 8k is 8000
    decimal_or_kilo_mega,  // the same, and an M is * 1000000: 64M is 64000000
};

// text as a number of min..max for --option. Throws UsageError "invalid WHAT 'TEXT' for
// --OPTION" or "WHAT TEXT for --OPTION is out of range (MIN..MAX)".
std::uint64_t parse_number(const std::string& option, const std::string& text, std::uint64_t min,
                           std::uint64_t max, const char* what,
                           NumberBase base = NumberBase::decimal);

// BYTES[/BURST] of --option (--rtp-rate-a...), each decimal or with k; a rate of 0 removes the
// limit and takes no burst. Throws UsageError.
xtrtpproxy::RateLimit parse_rate_limit(const std::string& option, const std::string& text);

// The options given on a command line, read by name; nothing for an option not given.
class Values {
  public:
    explicit Values(const boost::program_options::variables_map& vm) : vm_(vm) {}

    bool given(const char* name) const { return vm_.count(name) && !vm_[name].defaulted(); }
    bool flag(const char* name) const { return vm_.count(name) && vm_[name].as<bool>(); }
    // The text of an option taking a value.
    std::optional<std::string> text(const char* name) const;

    std::optional<xtrtpproxy::Address> address(const char* name) const;
    std::optional<std::uint16_t> port(const char* name) const;
    std::optional<std::uint32_t> number(const char* name, std::uint32_t max,
                                        const char* what) const;

  private:
    const boost::program_options::variables_map& vm_;
};

}  // namespace iptrtpproxy
