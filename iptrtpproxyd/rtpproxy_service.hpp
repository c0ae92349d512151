// SPDX-License-Identifier: GPL-2.0
// rtpproxy's commands carried out on the call table: what the daemon answers to each.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "call_table.hpp"
#include "recording_control.hpp"
#include "rtpproxy_command.hpp"
#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

struct RtpproxyServiceConfig {
    FeatureSet features = FeatureSet::kernel_relay();
    bool notify_enabled = false;      // -n: U may carry a notify socket and tag
    std::uint32_t idle_timeout = 60;  // seconds: Q's ttl counts down from it
    RecordingControl* recording = nullptr;
    // The kernel's counters, for I and G.
    std::function<xtrtpproxy::Info()> kernel_info;
};

class RtpproxyService {
  public:
    RtpproxyService(CallTable& calls, const RelayPlan& plan, RtpproxyServiceConfig config);

    // The reply's body for one command (frame_reply adds the cookie and the newline).
    std::string handle(const Command& command);

  private:
    std::string stream(const StreamRequest& request, bool update,
                       const std::optional<Notify>& notify);
    std::string remove(const Delete& command);
    std::string query(const Query& command);
    std::string info(const Info& command);
    std::string statistics(const Statistics& command);
    std::string record(const CallTags& command, bool stop);

    CallTable& calls_;
    const RelayPlan& plan_;
    RtpproxyServiceConfig config_;
};

// The call table's address types and the protocol's.
xtrtpproxy::Address to_kernel_address(const Address& address);
Address to_command_address(const xtrtpproxy::Address& address);

}  // namespace rtpproxyd
