// SPDX-License-Identifier: GPL-2.0
// The kernel's sessions as the call table uses them: an interface, so that the call table's
// unit tests run against a model of the kernel, and its implementation over libxtrtpproxy.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xtrtpproxy/client.hpp"
#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// A request the kernel refused.
class StoreError : public std::runtime_error {
  public:
    enum class Kind : std::uint8_t {
        full,   // the switchboard, or the namespace's session budget, has no room (ENOSPC)
        other,  // anything else: what() says what
    };
    StoreError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

  private:
    Kind kind_;
};

class SessionStore {
  public:
    virtual ~SessionStore() = default;
    // Each throws StoreError for a refusal and std::system_error when the kernel cannot be
    // reached.
    virtual xtrtpproxy::SessionEntry alloc(const xtrtpproxy::SwitchboardGates& switchboard,
                                           const xtrtpproxy::SessionParams& params) = 0;
    // False when the session is gone.
    virtual bool update(const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id,
                        const xtrtpproxy::SessionParams& params) = 0;
    virtual bool remove(const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id) = 0;
    virtual std::optional<xtrtpproxy::Session> session(
        const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id) = 0;
    // Every session of the switchboard whose label starts with prefix.
    virtual std::vector<xtrtpproxy::SessionEntry> labelled(
        const xtrtpproxy::SwitchboardGates& switchboard, std::string_view prefix) = 0;
};

// The kernel itself, through one netlink socket.
class KernelSessions final : public SessionStore {
  public:
    explicit KernelSessions(xtrtpproxy::Client& client) : client_(client) {}

    xtrtpproxy::SessionEntry alloc(const xtrtpproxy::SwitchboardGates& switchboard,
                                   const xtrtpproxy::SessionParams& params) override;
    bool update(const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id,
                const xtrtpproxy::SessionParams& params) override;
    bool remove(const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id) override;
    std::optional<xtrtpproxy::Session> session(const xtrtpproxy::SwitchboardGates& switchboard,
                                               std::uint32_t id) override;
    std::vector<xtrtpproxy::SessionEntry> labelled(const xtrtpproxy::SwitchboardGates& switchboard,
                                                   std::string_view prefix) override;

  private:
    xtrtpproxy::Client& client_;
};

}  // namespace rtpproxyd
