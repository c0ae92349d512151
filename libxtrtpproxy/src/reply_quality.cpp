// SPDX-License-Identifier: GPL-2.0
// The call quality of the RTP streams in replies: from a stream nest's attributes and from a
// session table record (its own file: reply.cpp holds every other part of both).
#include <libmnl/libmnl.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include <cstddef>
#include <string>

#include "reply_parse.hpp"
#include "xtrtpproxy/error.hpp"

namespace xtrtpproxy {

namespace {

static_assert(RTPPROXY_SESSION_REC_V3_SIZE == offsetof(rtpproxy_session_rec, clock_rate));
// Where the call quality ends: the record of the modules that brought it. Later ones may append.
constexpr std::size_t kQualityEnd =
    offsetof(rtpproxy_session_rec, quality) + sizeof(rtpproxy_session_rec::quality);

Quality quality_of(const rtpproxy_quality_rec& r) {
    Quality q;
    // The SSRC and the payload type are those of the last RTP datagram: none before the first.
    if (r.flags & RTPPROXY_QUALITY_F_SEEN) {
        q.ssrc = r.ssrc;
        q.payload_type = r.payload_type;
    }
    q.ssrc_changes = r.ssrc_changes;
    q.expected = r.expected;
    q.lost = r.lost;
    q.duplicates = r.duplicates;
    q.reordered = r.reordered;
    q.not_rtp = r.not_rtp;
    q.jitter = r.jitter;
    return q;
}

}  // namespace

std::optional<Quality> parse_quality(const StreamAttributes& tb) {
    // The kernel puts the counts into the nests of the RTP streams only, and a module without
    // call quality into none: no attribute of it, no quality, rather than one of zeros.
    bool any = false;
    for (int type = RTPPROXY_STREAM_A_SSRC; type <= RTPPROXY_STREAM_A_NOT_RTP; ++type)
        any = any || tb[type];
    if (!any) return std::nullopt;
    Quality q;
    // Until an RTP datagram came, the kernel has no SSRC and no payload type to tell.
    if (const nlattr* ssrc = tb[RTPPROXY_STREAM_A_SSRC]) q.ssrc = mnl_attr_get_u32(ssrc);
    if (const nlattr* pt = tb[RTPPROXY_STREAM_A_PAYLOAD_TYPE]) q.payload_type = mnl_attr_get_u8(pt);
    q.ssrc_changes = get_u32(tb[RTPPROXY_STREAM_A_SSRC_CHANGES]);
    q.expected = get_u64(tb[RTPPROXY_STREAM_A_EXPECTED]);
    q.lost = get_u64(tb[RTPPROXY_STREAM_A_LOST]);
    q.duplicates = get_u64(tb[RTPPROXY_STREAM_A_DUPLICATES]);
    q.reordered = get_u64(tb[RTPPROXY_STREAM_A_REORDERED]);
    q.jitter = get_u32(tb[RTPPROXY_STREAM_A_JITTER]);
    q.not_rtp = get_u64(tb[RTPPROXY_STREAM_A_NOT_RTP]);
    return q;
}

void quality_from_record(const rtpproxy_session_rec& r, std::size_t rec_size, Session& session) {
    session.clock_rate = 0;
    // Records of RTPPROXY_SESSION_REC_V3_SIZE or less: a module without call quality.
    if (rec_size <= RTPPROXY_SESSION_REC_V3_SIZE) return;
    // Newer modules append after the whole record; one that ends inside the call quality is no
    // module's, and its zeros would pass for counts.
    if (rec_size < kQualityEnd)
        throw malformed_reply("session record of " + std::to_string(rec_size) +
                              " bytes ends inside the call quality (" +
                              std::to_string(RTPPROXY_SESSION_REC_V3_SIZE) + " or at least " +
                              std::to_string(kQualityEnd) + ")");
    session.clock_rate = r.clock_rate;
    session.streams[RTPPROXY_STREAM_RTP_A].quality = quality_of(r.quality[0]);
    session.streams[RTPPROXY_STREAM_RTP_B].quality = quality_of(r.quality[1]);
}

}  // namespace xtrtpproxy
