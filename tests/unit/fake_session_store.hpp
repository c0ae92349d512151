// SPDX-License-Identifier: GPL-2.0
// A model of the kernel's sessions for the daemon's unit tests: alloc, update (merged as the
// kernel merges them), remove, list by label.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "session_store.hpp"

namespace rtpproxyd::testing {

// Sessions as the kernel keeps them, params applied as update() would.
class FakeStore final : public SessionStore {
  public:
    struct Stored {
        xtrtpproxy::SwitchboardGates gates;
        xtrtpproxy::SessionParams params;  // the last alloc or update, merged
    };
    std::map<std::uint32_t, Stored> sessions;
    std::set<std::uint32_t> expired;  // listed as the kernel lists an expired session
    std::uint32_t next_id = 0;
    std::uint32_t capacity = 100;
    int updates = 0;

    xtrtpproxy::SessionEntry alloc(const xtrtpproxy::SwitchboardGates& gates,
                                   const xtrtpproxy::SessionParams& params) override {
        if (sessions.size() >= capacity) throw StoreError(StoreError::Kind::full, "no room");
        EXPECT_TRUE(params.has_client_or_learning());
        EXPECT_TRUE(params.label);
        const std::uint32_t id = next_id++;
        sessions[id] = {gates, params};
        xtrtpproxy::SessionEntry entry;
        entry.switchboard = gates;
        entry.session.id = id;
        entry.session.label = *params.label;
        return entry;
    }
    bool update(const xtrtpproxy::SwitchboardGates&, std::uint32_t id,
                const xtrtpproxy::SessionParams& params) override {
        const auto it = sessions.find(id);
        if (it == sessions.end()) return false;
        ++updates;
        auto& stored = it->second.params;
        for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i)
            if (!params.streams[i].empty()) stored.streams[i] = params.streams[i];
        if (params.label) stored.label = params.label;
        return true;
    }
    bool remove(const xtrtpproxy::SwitchboardGates&, std::uint32_t id) override {
        return sessions.erase(id) > 0;
    }
    std::optional<xtrtpproxy::Session> session(const xtrtpproxy::SwitchboardGates&,
                                               std::uint32_t id) override {
        if (!sessions.contains(id)) return std::nullopt;
        xtrtpproxy::Session s;
        s.id = id;
        s.label = *sessions[id].params.label;
        return s;
    }
    std::vector<xtrtpproxy::SessionEntry> labelled(const xtrtpproxy::SwitchboardGates& gates,
                                                   std::string_view prefix) override {
        std::vector<xtrtpproxy::SessionEntry> out;
        for (const auto& [id, stored] : sessions) {
            if (!stored.gates.same_gates(gates) || !stored.params.label->starts_with(prefix))
                continue;
            xtrtpproxy::SessionEntry entry;
            entry.switchboard = gates;
            entry.session.id = id;
            entry.session.label = *stored.params.label;
            entry.session.state = expired.contains(id) ? xtrtpproxy::SessionState::expired
                                                       : xtrtpproxy::SessionState::live;
            out.push_back(entry);
        }
        return out;
    }
    const xtrtpproxy::StreamParams& stream(std::uint32_t id, xtrtpproxy::StreamIndex index) {
        return sessions.at(id).params.stream(index);
    }
};

}  // namespace rtpproxyd::testing
