// SPDX-License-Identifier: GPL-2.0
// Which events `iptrtpproxy monitor` prints: its switchboard options and label filter applied
// to every event of the namespace, and the matching of selectors and labels it relies on.
#include <gtest/gtest.h>

#include "monitor.hpp"

using namespace iptrtpproxy;
using namespace xtrtpproxy;

namespace {

SwitchboardGates gates(const char* addr_a, std::uint16_t port_a, const char* addr_b,
                       std::uint16_t port_b) {
    SwitchboardGates g;
    g.gate_a = {Address::parse(addr_a), port_a};
    g.gate_b = {Address::parse(addr_b), port_b};
    g.family = g.gate_a.addr.family();
    return g;
}

const SwitchboardGates kMine = gates("10.0.0.1", 20000, "10.0.0.2", 30000);
const SwitchboardGates kOther = gates("10.0.0.1", 40000, "10.0.0.2", 42000);

Event session_event(const SwitchboardGates& where, const std::string& label) {
    Event event;
    event.kind = EventKind::deleted;
    event.gates = where;
    event.session.emplace().label = label;
    return event;
}

Event switchboard_event(const SwitchboardGates& where) {
    Event event;
    event.kind = EventKind::switchboard_del;
    event.gates = where;
    Switchboard sb;
    static_cast<SwitchboardGates&>(sb) = where;
    event.switchboard = sb;
    return event;
}

}  // namespace

TEST(SelectorMatches, EveryFieldGivenMustBeEqual) {
    EXPECT_TRUE(SwitchboardSelector{}.matches(kMine));
    SwitchboardSelector sel;
    sel.addr_a = Address::parse("10.0.0.1");
    EXPECT_TRUE(sel.matches(kMine));
    EXPECT_TRUE(sel.matches(kOther));
    sel.port_a = 20000;
    EXPECT_TRUE(sel.matches(kMine));
    EXPECT_FALSE(sel.matches(kOther));
    sel.addr_b = Address::parse("10.0.0.3");
    EXPECT_FALSE(sel.matches(kMine));
    SwitchboardSelector port_b;
    port_b.port_b = 42000;
    EXPECT_FALSE(port_b.matches(kMine));
    EXPECT_TRUE(port_b.matches(kOther));
    // Another family's address is another address.
    SwitchboardSelector v6;
    v6.addr_a = Address::parse("::ffff:10.0.0.1");
    EXPECT_FALSE(v6.matches(kMine));
    EXPECT_TRUE(kMine.selector().matches(kMine));
    EXPECT_FALSE(kMine.selector().matches(kOther));
}

TEST(LabelMatches, ExactOrPrefix) {
    const LabelFilter exact{"c1;tag", false};
    EXPECT_TRUE(exact.matches("c1;tag"));
    EXPECT_FALSE(exact.matches("c1;tag:a"));
    EXPECT_FALSE(exact.matches("c1;ta"));
    EXPECT_FALSE(exact.matches(""));
    const LabelFilter prefix{"c1;", true};
    EXPECT_TRUE(prefix.matches("c1;"));
    EXPECT_TRUE(prefix.matches("c1;tag:a"));
    EXPECT_FALSE(prefix.matches("c2;tag:a"));
    EXPECT_FALSE(prefix.matches("c1"));
    EXPECT_FALSE(prefix.matches(""));
    // Bytes, not text: a NUL is a byte like any other.
    const LabelFilter nul{std::string("a\0b", 3), true};
    EXPECT_TRUE(nul.matches(std::string("a\0bc", 4)));
    EXPECT_FALSE(nul.matches("a"));
    EXPECT_FALSE((LabelFilter{"", true}.matches("anything")));
}

TEST(EventFilter, NoneLetsEverythingThrough) {
    const EventFilter filter;
    EXPECT_TRUE(filter.passes(session_event(kMine, "")));
    EXPECT_TRUE(filter.passes(session_event(kOther, "x")));
    EXPECT_TRUE(filter.passes(switchboard_event(kOther)));
    EXPECT_TRUE(filter.passes(Event{}));
}

TEST(EventFilter, SelectorKeepsItsSwitchboards) {
    EventFilter filter;
    filter.selector.port_a = 20000;
    EXPECT_TRUE(filter.passes(session_event(kMine, "")));
    EXPECT_FALSE(filter.passes(session_event(kOther, "")));
    EXPECT_TRUE(filter.passes(switchboard_event(kMine)));
    EXPECT_FALSE(filter.passes(switchboard_event(kOther)));
}

TEST(EventFilter, LabelKeepsItsSessionsAndEverySwitchboardEvent) {
    EventFilter filter;
    filter.label = LabelFilter{"c1;", true};
    EXPECT_TRUE(filter.passes(session_event(kMine, "c1;tag:a")));
    EXPECT_TRUE(filter.passes(session_event(kOther, "c1;probe")));
    EXPECT_FALSE(filter.passes(session_event(kMine, "c2")));
    EXPECT_FALSE(filter.passes(session_event(kMine, "")));
    // Its switchboard-del ends the labelled sessions too, without an event for each.
    EXPECT_TRUE(filter.passes(switchboard_event(kOther)));
    filter.selector.port_a = 20000;
    EXPECT_TRUE(filter.passes(session_event(kMine, "c1;tag:a")));
    EXPECT_FALSE(filter.passes(session_event(kOther, "c1;tag:a")));
    EXPECT_TRUE(filter.passes(switchboard_event(kMine)));
    EXPECT_FALSE(filter.passes(switchboard_event(kOther)));
}

TEST(EventFilter, ALossAlwaysPasses) {
    EventFilter filter;
    filter.selector.addr_a = Address::parse("192.0.2.1");
    filter.label = LabelFilter{"nothing-has-this", false};
    EXPECT_TRUE(filter.passes(Event{}));
    EXPECT_FALSE(filter.passes(session_event(kMine, "c1")));
}
