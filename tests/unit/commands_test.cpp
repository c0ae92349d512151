// SPDX-License-Identifier: GPL-2.0
// What the commands decide from the kernel's switchboards: which one alloc and update act on,
// and which session ranges are a bad command line (exit 2).
#include "commands.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace iptrtpproxy;
using xtrtpproxy::Address;
using xtrtpproxy::Switchboard;

namespace {

Switchboard switchboard(const char* addr, std::uint16_t port, std::uint32_t max_sess) {
    Switchboard sb;
    sb.gate_a = {Address::parse(addr), port};
    sb.gate_b = {Address::parse(addr), static_cast<std::uint16_t>(port + 2 * max_sess)};
    sb.family = sb.gate_a.addr.family();
    sb.max_sess = max_sess;
    return sb;
}

Options parse(std::vector<std::string> args) { return parse_options(args); }

template <class E, class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "another exception: " << e.what();
        return "";
    }
    ADD_FAILURE() << "no exception";
    return "";
}

}  // namespace

TEST(TheOnlySwitchboard, OneIsTaken) {
    const std::vector<Switchboard> one = {switchboard("10.0.0.1", 50000, 8)};
    EXPECT_EQ(&the_only_switchboard(one, parse({"update"})), &one.front());
    EXPECT_EQ(&the_only_switchboard(one, parse({"update", "--port-a", "50000"})), &one.front());
}

TEST(TheOnlySwitchboard, SeveralAreABadCommandLine) {
    const std::vector<Switchboard> two = {switchboard("10.0.0.1", 50000, 8),
                                          switchboard("10.0.0.2", 50000, 8)};
    EXPECT_EQ(error_of<UsageError>([&] { the_only_switchboard(two, parse({"update"})); }),
              "2 switchboards exist: choose one with --addr-a and --port-a (or --addr-b and "
              "--port-b)");
    EXPECT_EQ(error_of<UsageError>([&] {
                  the_only_switchboard(two, parse({"update", "--port-a", "50000"}));
              }),
              "2 switchboards match the given gates: choose one with --addr-a and --port-a (or "
              "--addr-b and --port-b)");
}

TEST(TheOnlySwitchboard, NoneIsARuntimeError) {
    const std::vector<Switchboard> none;
    // Not a UsageError: the command line may be right, the rules are missing.
    const auto what = [&](const Options& options) {
        try {
            the_only_switchboard(none, options);
        } catch (const UsageError&) {
            ADD_FAILURE() << "a usage error";
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(what(parse({"update"})),
              "no switchboard exists: define one with an iptables rule '-j RTPPROXY'");
    EXPECT_EQ(what(parse({"update", "--addr-a", "10.0.0.9"})),
              "no switchboard matches the given gates");
}

TEST(CheckRange, IdsBelowMaxSessPass) {
    const Switchboard sb = switchboard("10.0.0.1", 50000, 4);
    EXPECT_NO_THROW(check_range(parse({"update"}), sb));
    EXPECT_NO_THROW(check_range(parse({"update", "--sess-id-lo", "3"}), sb));
    EXPECT_NO_THROW(check_range(parse({"delete", "--sess-id-lo", "0", "--sess-id-hi", "3"}), sb));
}

TEST(CheckRange, IdsAtOrAboveMaxSessNameTheirOption) {
    const Switchboard sb = switchboard("10.0.0.1", 50000, 4);
    EXPECT_EQ(error_of<UsageError>([&] {
                  check_range(parse({"update", "--sess-id-lo", "4"}), sb);
              }),
              "session id 4 for --sess-id-lo is beyond the switchboard's --max-sess 4 (ids 0..3)");
    EXPECT_EQ(error_of<UsageError>([&] {
                  check_range(parse({"delete", "--sess-id-lo", "100", "--sess-id-hi", "200"}), sb);
              }),
              "session id 100 for --sess-id-lo is beyond the switchboard's --max-sess 4 (ids "
              "0..3)");
    EXPECT_EQ(error_of<UsageError>([&] {
                  check_range(parse({"delete", "--sess-id-lo", "1", "--sess-id-hi", "4"}), sb);
              }),
              "session id 4 for --sess-id-hi is beyond the switchboard's --max-sess 4 (ids 0..3)");
    EXPECT_EQ(error_of<UsageError>([&] {
                  check_range(parse({"delete", "--sess-id-hi", "9"}), sb);
              }),
              "session id 9 for --sess-id-hi is beyond the switchboard's --max-sess 4 (ids 0..3)");
}
