// SPDX-License-Identifier: GPL-2.0
// The VM tests' driver of the daemon's switchboard rules (iptrtpproxyd/switchboard_rules.hpp).
//
//   sbrules install SPEC...   SPEC: A_ADDR:PORT,B_ADDR:PORT,MAX (IPv6 in brackets)
//   sbrules remove
//   sbrules installed         exit 0 if the chain exists, 1 if not
//
// Exit status 0: done; 1: the library refused or failed (its message on stderr); 2: a bad
// command line, or `installed` failed.
#include <charconv>
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard_rules.hpp"

namespace {

constexpr int kUsage = 2;

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <typename T>
T number(std::string_view text, std::string_view what) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw UsageError(std::string(what) + " \"" + std::string(text) + "\" is not a number");
    return value;
}

// "10.0.0.1:50000" or "[fd00::1]:50000".
void parse_gate(std::string_view text, xtrtpproxy::Address& addr, std::uint16_t& port) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos)
        throw UsageError("gate \"" + std::string(text) + "\" has no port");
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const auto parsed = xtrtpproxy::Address::try_parse(host);
    if (!parsed) throw UsageError("\"" + std::string(host) + "\" is not an IP address");
    addr = *parsed;
    port = number<std::uint16_t>(text.substr(colon + 1), "port");
}

rtpproxyd::SwitchboardSpec parse_spec(std::string_view text) {
    const std::size_t c1 = text.find(',');
    const std::size_t c2 = c1 == std::string_view::npos ? c1 : text.find(',', c1 + 1);
    if (c2 == std::string_view::npos)
        throw UsageError("switchboard \"" + std::string(text) +
                         "\" is not A_ADDR:PORT,B_ADDR:PORT,MAX");
    rtpproxyd::SwitchboardSpec spec;
    parse_gate(text.substr(0, c1), spec.addr_a, spec.port_a);
    parse_gate(text.substr(c1 + 1, c2 - c1 - 1), spec.addr_b, spec.port_b);
    spec.max_sess = number<std::uint32_t>(text.substr(c2 + 1), "max-sess");
    return spec;
}

int run(const std::vector<std::string_view>& args) {
    if (args.empty()) throw UsageError("no command");
    const std::string_view cmd = args[0];
    if (cmd == "install") {
        std::vector<rtpproxyd::SwitchboardSpec> specs;
        for (std::size_t i = 1; i < args.size(); ++i) specs.push_back(parse_spec(args[i]));
        rtpproxyd::SwitchboardRules::install(specs);
        return 0;
    }
    if (args.size() != 1) throw UsageError(std::string(cmd) + " takes no arguments");
    if (cmd == "remove") {
        rtpproxyd::SwitchboardRules::remove();
        return 0;
    }
    if (cmd == "installed") {
        // 1 is the answer "no" here: a failure must look different.
        try {
            return rtpproxyd::SwitchboardRules::installed() ? 0 : 1;
        } catch (const std::exception& e) {
            std::cerr << "sbrules: " << e.what() << '\n';
            return kUsage;
        }
    }
    throw UsageError("unknown command \"" + std::string(cmd) + "\"");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string_view>(argv + 1, argv + argc));
    } catch (const UsageError& e) {
        std::cerr << "sbrules: " << e.what()
                  << "\nusage: sbrules install A_ADDR:PORT,B_ADDR:PORT,MAX... | remove | "
                     "installed\n";
        return kUsage;
    } catch (const std::exception& e) {
        std::cerr << "sbrules: " << e.what() << '\n';
        return 1;
    }
}
