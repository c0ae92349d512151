// SPDX-License-Identifier: GPL-2.0
// What a recording command of either protocol (rtpproxy's R and N, ng's "start recording",
// "stop recording" and "record call") does: the daemon's recorder, or nothing without -r.
#pragma once

#include <vector>

#include "call_table.hpp"

namespace rtpproxyd {

class RecordingControl {
  public:
    virtual ~RecordingControl() = default;
    // Starts (or, with stop, ends) recording the streams of the call between the parties.
    // False when it cannot (no recording directory, the kernel refused).
    virtual bool record(const Call& call, const std::vector<const MediaStream*>& streams,
                        bool stop) = 0;
};

}  // namespace rtpproxyd
