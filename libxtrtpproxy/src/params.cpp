// SPDX-License-Identifier: GPL-2.0
// Session parameters: what alloc requires and the RTCP defaults derived from RTP.
#include <stdexcept>
#include <string>

#include "xtrtpproxy/types.hpp"

namespace xtrtpproxy {

bool SessionParams::has_client_or_learning() const noexcept {
    for (const auto& stream : streams)
        if (stream.addr || stream.learn_timeout_ms) return true;
    return false;
}

namespace {

void derive_rtcp(const StreamParams& rtp, StreamParams& rtcp, const char* side) {
    if (!rtcp.addr) rtcp.addr = rtp.addr;
    if (!rtcp.port && rtp.port) {
        if (*rtp.port == 65535)
            throw std::invalid_argument(std::string("RTP port 65535 of client ") + side +
                                        " leaves no port for RTCP; give the RTCP port");
        rtcp.port = static_cast<std::uint16_t>(*rtp.port + 1);
    }
    if (!rtcp.learn_timeout_ms) rtcp.learn_timeout_ms = rtp.learn_timeout_ms;
    // Not the rate limit: one sized for RTP would not limit RTCP (with_rtcp_defaults).
}

}  // namespace

SessionParams with_rtcp_defaults(SessionParams params) {
    derive_rtcp(params.stream(StreamIndex::rtp_a), params.stream(StreamIndex::rtcp_a), "A");
    derive_rtcp(params.stream(StreamIndex::rtp_b), params.stream(StreamIndex::rtcp_b), "B");
    return params;
}

}  // namespace xtrtpproxy
