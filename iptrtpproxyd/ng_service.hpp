// SPDX-License-Identifier: GPL-2.0
// rtpengine's ng commands carried out on the call table: offer and answer rewrite the SDP so
// that every media stream goes through a kernel session.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "bencode.hpp"
#include "call_table.hpp"
#include "ng_command.hpp"
#include "recording_control.hpp"
#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

struct NgServiceConfig {
    // The kernel's counters, for statistics.
    std::function<xtrtpproxy::Info()> kernel_info;
    // -r: "start recording", "stop recording" and "record call"; without it they are refused.
    RecordingControl* recording = nullptr;
};

class NgService {
  public:
    NgService(CallTable& calls, const RelayPlan& plan, NgServiceConfig config);

    // The reply dictionary for one request.
    bencode::Value handle(const ng::Request& request);

  private:
    bencode::Value offer_or_answer(const ng::Request& request, bool offer);
    bencode::Value remove(const ng::Request& request);
    bencode::Value query(const ng::Request& request);
    bencode::Value list(const ng::Request& request);
    bencode::Value statistics();
    bencode::Value record(const ng::Request& request, bool stop);
    // "record call" on an offer or answer that succeeded: why it could not be done, for the
    // reply's warning (the media relay works all the same).
    std::optional<std::string_view> record_call(const ng::Request& request);
    // Starts or stops recording the request's streams; why not, if it could not.
    std::optional<std::string_view> record_streams(const ng::Request& request, bool stop);

    CallTable& calls_;
    const RelayPlan& plan_;
    NgServiceConfig config_;
};

}  // namespace rtpproxyd
