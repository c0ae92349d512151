// SPDX-License-Identifier: GPL-2.0
// `iptrtpproxy monitor`: which events it prints, a choice the kernel leaves to each listener.
#pragma once

#include <optional>

#include "xtrtpproxy/event.hpp"
#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

// The switchboard options and the label filter of monitor, applied to what the kernel sends:
// every event of the network namespace.
struct EventFilter {
    xtrtpproxy::SwitchboardSelector selector;
    std::optional<xtrtpproxy::LabelFilter> label;

    // A lost event always: the events lost may have been any. A switchboard event by the
    // selector alone: a switchboard has no label, and its switchboard-del ends the labelled
    // sessions too, without an event of their own. A session event by both.
    bool passes(const xtrtpproxy::Event& event) const;
};

}  // namespace iptrtpproxy
