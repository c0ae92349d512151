// SPDX-License-Identifier: GPL-2.0
// Call quality in the library: the clock rate in alloc, update and bulk requests, the RTP
// streams' quality and the clock rate in replies, events and table records (old modules' too),
// and a too-old module's refusal of the clock rate told by name.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "netlink_util.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/event.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::Attrs;
using testutil::catch_system_error;
using testutil::invalid_argument;
using testutil::kFamily;
using testutil::message_attrs;
using testutil::MessageBuffer;
using testutil::nested_attrs;
using testutil::offset_of;
using testutil::put_table;
using testutil::selector;
using testutil::session_attrs;
using testutil::session_record;
using testutil::unknown_attribute;

namespace {

SessionParams clocked(std::optional<std::uint32_t> clock_rate) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).learn_timeout_ms = 5000;
    params.clock_rate = clock_rate;
    return params;
}

}  // namespace

// ---- requests ----

TEST(ClockRateRequest, NoneGivenSendsNone) {
    const Request request = make_alloc_request(kFamily, selector(), clocked(std::nullopt));
    EXPECT_FALSE(session_attrs(request).count(RTPPROXY_SESS_A_CLOCK_RATE));
}

TEST(ClockRateRequest, SentLastInTheSessionNest) {
    SessionParams params = clocked(48000);
    params.label = "callid;x";
    params.relay.dup_below = 128;
    for (const Request& request :
         {make_alloc_request(kFamily, selector(), params),
          make_update_request(kFamily, selector(), SessionRange{1, 3}, params)}) {
        const Attrs session = session_attrs(request);
        ASSERT_TRUE(session.count(RTPPROXY_SESS_A_CLOCK_RATE));
        EXPECT_EQ(mnl_attr_get_u32(session.at(RTPPROXY_SESS_A_CLOCK_RATE)), 48000U);
        // In the order of the ABI: a module with labels but without call quality names the
        // clock rate, whatever else the request has.
        EXPECT_GT(offset_of(request, session.at(RTPPROXY_SESS_A_CLOCK_RATE)),
                  offset_of(request, session.at(RTPPROXY_SESS_A_LABEL)));
    }
    // A clock rate alone is no client: alloc still needs an address or a learning timeout.
    SessionParams alone;
    alone.clock_rate = 8000;
    EXPECT_FALSE(alone.has_client_or_learning());
    const Request update = make_update_request(kFamily, selector(), std::nullopt, alone);
    EXPECT_EQ(session_attrs(update).size(), 1U);
}

TEST(ClockRateRequest, TheKernelsRangeIsSentOthersRefusedWhenBuilt) {
    static_assert(kMinClockRate == RTPPROXY_MIN_CLOCK_RATE);
    static_assert(kMaxClockRate == RTPPROXY_MAX_CLOCK_RATE);
    for (const std::uint32_t rate : {kMinClockRate, 8000U, 90000U, kMaxClockRate})
        EXPECT_EQ(
            mnl_attr_get_u32(session_attrs(make_alloc_request(kFamily, selector(), clocked(rate)))
                                 .at(RTPPROXY_SESS_A_CLOCK_RATE)),
            rate);
    EXPECT_EQ(invalid_argument([&] { make_alloc_request(kFamily, selector(), clocked(999)); }),
              "clock rate 999 Hz is out of range (1000..1000000)");
    for (const std::uint32_t rate : {0U, kMaxClockRate + 1, 0xffffffffU}) {
        EXPECT_THROW(make_alloc_request(kFamily, selector(), clocked(rate)), std::invalid_argument)
            << rate;
        EXPECT_THROW(make_update_request(kFamily, selector(), std::nullopt, clocked(rate)),
                     std::invalid_argument)
            << rate;
        const std::vector<SessionParams> many = {clocked(8000), clocked(rate)};
        EXPECT_THROW(make_alloc_many_request(kFamily, selector(), many), std::invalid_argument)
            << rate;
    }
}

TEST(ClockRateRequest, BulkAllocCarriesEachSessionsOwn) {
    const std::vector<SessionParams> params = {clocked(8000), clocked(std::nullopt),
                                               clocked(90000)};
    const Request request = make_alloc_many_request(kFamily, selector(), params);
    const auto items =
        testutil::nested_list(message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST));
    ASSERT_EQ(items.size(), 3U);
    EXPECT_EQ(mnl_attr_get_u32(nested_attrs(items[0]).at(RTPPROXY_SESS_A_CLOCK_RATE)), 8000U);
    EXPECT_FALSE(nested_attrs(items[1]).count(RTPPROXY_SESS_A_CLOCK_RATE));
    EXPECT_EQ(mnl_attr_get_u32(nested_attrs(items[2]).at(RTPPROXY_SESS_A_CLOCK_RATE)), 90000U);
}

// ---- replies and events ----

namespace {

// What the kernel's rtpp_put_quality() puts into an RTP stream's nest; the SSRC and the payload
// type only once an RTP datagram came.
void put_quality(MessageBuffer& m, bool seen) {
    if (seen) {
        mnl_attr_put_u32(m.nlh(), RTPPROXY_STREAM_A_SSRC, 0x00001234);
        mnl_attr_put_u8(m.nlh(), RTPPROXY_STREAM_A_PAYLOAD_TYPE, 111);
    }
    mnl_attr_put_u32(m.nlh(), RTPPROXY_STREAM_A_SSRC_CHANGES, 2);
    m.put_u64(RTPPROXY_STREAM_A_EXPECTED, 1000);
    m.put_u64(RTPPROXY_STREAM_A_LOST, 12);
    m.put_u64(RTPPROXY_STREAM_A_DUPLICATES, 3);
    m.put_u64(RTPPROXY_STREAM_A_REORDERED, 4);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_STREAM_A_JITTER, 160);
    m.put_u64(RTPPROXY_STREAM_A_NOT_RTP, 5);
}

// A session nest as the kernel's rtpp_put_session() builds it: with_quality, a module with call
// quality (the clock rate, rtp-a's quality after a datagram, rtp-b's before any); without, an
// older one.
void put_session(MessageBuffer& m, bool with_quality) {
    nlattr* nest = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 5);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_SESS_A_DUP_BELOW, 0);
    if (with_quality) mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_CLOCK_RATE, 48000);
    for (std::uint16_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A + i);
        mnl_attr_put_u16(m.nlh(), RTPPROXY_STREAM_A_GATE_PORT, 12 + i);
        m.put_u64(RTPPROXY_STREAM_A_PACKETS, 7);
        // RTP streams only.
        if (with_quality && i == RTPPROXY_STREAM_RTP_A) put_quality(m, true);
        if (with_quality && i == RTPPROXY_STREAM_RTP_B) put_quality(m, false);
        m.end_nest(stream);
    }
    m.end_nest(nest);
}

Session session_reply(bool with_quality) {
    MessageBuffer m;
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    put_session(m, with_quality);
    m.end();
    return parse_session_reply(m.nlh()).session;
}

// rtp-a's quality of put_session(), and what rtp-b's has of it.
Quality seen_quality() {
    Quality q;
    q.ssrc = 0x1234;
    q.ssrc_changes = 2;
    q.payload_type = 111;
    q.expected = 1000;
    q.lost = 12;
    q.duplicates = 3;
    q.reordered = 4;
    q.not_rtp = 5;
    q.jitter = 160;
    return q;
}

Quality unseen_quality() {
    Quality q = seen_quality();
    q.ssrc.reset();
    q.payload_type.reset();
    return q;
}

void expect_quality_of_put_session(const Session& s) {
    EXPECT_EQ(s.clock_rate, 48000U);
    EXPECT_EQ(s.stream(StreamIndex::rtp_a).quality, seen_quality());
    EXPECT_EQ(s.stream(StreamIndex::rtp_b).quality, unseen_quality());
    EXPECT_FALSE(s.stream(StreamIndex::rtcp_a).quality);
    EXPECT_FALSE(s.stream(StreamIndex::rtcp_b).quality);
    // The rest of the stream is read as before.
    for (const Stream& stream : s.streams) EXPECT_EQ(stream.packets, 7U);
}

}  // namespace

TEST(QualityReply, TheRtpStreamsAndTheClockRate) {
    expect_quality_of_put_session(session_reply(true));
}

TEST(QualityReply, AModuleWithoutCallQualityHasNoneAndNoClockRate) {
    const Session s = session_reply(false);
    EXPECT_EQ(s.clock_rate, 0U);
    for (const Stream& stream : s.streams) {
        EXPECT_FALSE(stream.quality);
        EXPECT_EQ(stream.packets, 7U);
    }
}

TEST(QualityReply, AnEventHasItToo) {
    MessageBuffer m;
    m.begin(kFamily, 0, 0, true, RTPPROXY_CMD_EVENT);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_A_EVENT, RTPPROXY_EVENT_DELETED);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    put_session(m, true);
    m.end();
    const auto event = parse_event(m.nlh());
    ASSERT_TRUE(event);
    ASSERT_TRUE(event->session);
    expect_quality_of_put_session(*event->session);
}

TEST(QualityReply, AttributesOfTheWrongSizeAreMalformed) {
    for (const std::uint16_t type :
         {RTPPROXY_STREAM_A_SSRC, RTPPROXY_STREAM_A_PAYLOAD_TYPE, RTPPROXY_STREAM_A_EXPECTED,
          RTPPROXY_STREAM_A_JITTER, RTPPROXY_STREAM_A_NOT_RTP}) {
        MessageBuffer m;
        m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
        nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
        testutil::put_ipv4_gates(m);
        m.end_nest(sb);
        nlattr* session = m.nest(RTPPROXY_A_SESSION);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 5);
        mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A);
        mnl_attr_put_u16(m.nlh(), type, 1);
        m.end_nest(stream);
        m.end_nest(session);
        m.end();
        EXPECT_EQ(catch_system_error([&] { parse_session_reply(m.nlh()); }).code().value(), EBADMSG)
            << type;
    }
    MessageBuffer m;
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    nlattr* session = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 5);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
    mnl_attr_put_u16(m.nlh(), RTPPROXY_SESS_A_CLOCK_RATE, 8000);
    m.end_nest(session);
    m.end();
    EXPECT_EQ(catch_system_error([&] { parse_session_reply(m.nlh()); }).code().value(), EBADMSG);
}

// ---- table records ----

namespace {

rtpproxy_quality_rec quality_record(bool seen, std::uint32_t ssrc) {
    rtpproxy_quality_rec q{};
    if (seen) {
        q.flags = RTPPROXY_QUALITY_F_SEEN;
        q.ssrc = ssrc;
        q.payload_type = 111;
    } else {
        // Whatever the kernel left there: without the flag it is no SSRC.
        q.ssrc = 0xdead;
        q.payload_type = 9;
    }
    q.ssrc_changes = 2;
    q.expected = 1000;
    q.lost = 12;
    q.duplicates = 3;
    q.reordered = 4;
    q.not_rtp = 5;
    q.jitter = 160;
    return q;
}

// Session id with a clock rate of 48000, rtp-a's quality after a datagram, rtp-b's before.
rtpproxy_session_rec quality_session_record(std::uint32_t id) {
    rtpproxy_session_rec r = session_record(id);
    r.clock_rate = 48000;
    r.quality[0] = quality_record(true, 0x1234);
    r.quality[1] = quality_record(false, 0);
    for (auto& stream : r.stream) stream.packets = 7;
    return r;
}

std::vector<SessionEntry> parse_table(const std::vector<rtpproxy_session_rec>& recs,
                                      std::size_t rec_size) {
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", recs, rec_size);
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    return out;
}

}  // namespace

TEST(QualityTable, RecordsOfModulesWithCallQuality) {
    static_assert(RTPPROXY_SESSION_REC_V4_SIZE == 616);
    // The records of the modules that brought it, of those with recording, and a newer
    // module's larger ones: their known prefix.
    for (const std::size_t size :
         {std::size_t{RTPPROXY_SESSION_REC_V4_SIZE}, sizeof(rtpproxy_session_rec),
          sizeof(rtpproxy_session_rec) + 24}) {
        const auto out = parse_table({quality_session_record(1), quality_session_record(2)}, size);
        ASSERT_EQ(out.size(), 2U) << size;
        for (const auto& entry : out) expect_quality_of_put_session(entry.session);
        EXPECT_EQ(out[1].session.id, 2U);
    }
    // quality[1] is rtp-b's, whatever the SSRC.
    rtpproxy_session_rec r = quality_session_record(3);
    r.quality[1] = quality_record(true, 0);
    r.clock_rate = 90000;
    const auto out = parse_table({r}, sizeof(r));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].session.clock_rate, 90000U);
    ASSERT_TRUE(out[0].session.stream(StreamIndex::rtp_b).quality);
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtp_b).quality->ssrc, 0U);
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtp_b).quality->payload_type, 111);
}

TEST(QualityTable, RecordsOfModulesWithoutCallQualityHaveNone) {
    static_assert(RTPPROXY_SESSION_REC_V3_SIZE == 496 && RTPPROXY_SESSION_REC_V2_SIZE == 360);
    // What lies beyond a record's size is not the record's: the quality there is ignored.
    for (const std::size_t size :
         {std::size_t{RTPPROXY_SESSION_REC_V3_SIZE}, std::size_t{RTPPROXY_SESSION_REC_V2_SIZE}}) {
        const auto out = parse_table({quality_session_record(1), quality_session_record(2)}, size);
        ASSERT_EQ(out.size(), 2U) << size;
        for (std::uint32_t i = 0; i < 2; ++i) {
            const Session& s = out[i].session;
            EXPECT_EQ(s.id, i + 1) << size;
            EXPECT_EQ(s.clock_rate, 0U) << size;
            for (const Stream& stream : s.streams) {
                EXPECT_FALSE(stream.quality) << size;
                EXPECT_EQ(stream.packets, 7U) << size;
            }
        }
    }
}

TEST(QualityTable, ARecordThatEndsInsideTheCallQualityIsMalformed) {
    for (const std::size_t size :
         {std::size_t{RTPPROXY_SESSION_REC_V3_SIZE + 4},
          std::size_t{RTPPROXY_SESSION_REC_V3_SIZE + 8 + 56}, std::size_t{612}}) {
        MessageBuffer m;
        put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {quality_session_record(1)}, size);
        std::vector<SessionEntry> out;
        const auto e = catch_system_error([&] { parse_session_table_reply(m.nlh(), out); });
        EXPECT_EQ(e.code().value(), EBADMSG) << size;
        EXPECT_NE(std::string(e.what()).find("ends inside the call quality"), std::string::npos)
            << e.what();
        EXPECT_TRUE(out.empty()) << size;
    }
}

// ---- a module too old for the clock rate ----

TEST(TooOldModuleForCallQuality, TheClockRateIsNamedFromTheOffset) {
    SessionParams params = clocked(48000);
    params.label = "callid;abc";
    params.relay.dscp = Dscp{46};
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(
            offset_of(request, session_attrs(request).at(RTPPROXY_SESS_A_CLOCK_RATE))),
        request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->code().value(), EINVAL);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the clock rate option "
                         "(RTPPROXY_SESS_A_CLOCK_RATE): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_CLOCK_RATE});
    EXPECT_TRUE(too_old->stream_attributes().empty());
    EXPECT_TRUE(too_old->top_attributes().empty());
}

TEST(TooOldModuleForCallQuality, InAnUpdateAndInTheSecondSessionOfABulkAlloc) {
    SessionParams alone;
    alone.clock_rate = 90000;
    const Request update = make_update_request(kFamily, selector(), SessionRange{2, 2}, alone);
    const auto refused = explain_unknown_attribute(
        unknown_attribute(offset_of(update, session_attrs(update).at(RTPPROXY_SESS_A_CLOCK_RATE))),
        update);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_CLOCK_RATE});

    const std::vector<SessionParams> many = {clocked(std::nullopt), clocked(8000)};
    const Request bulk = make_alloc_many_request(kFamily, selector(), many);
    const auto items =
        testutil::nested_list(message_attrs(bulk.header()).at(RTPPROXY_A_SESSION_LIST));
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(bulk, nested_attrs(items[1]).at(RTPPROXY_SESS_A_CLOCK_RATE))),
        bulk);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_CLOCK_RATE});
}

TEST(TooOldModuleForCallQuality, WithoutAnOffsetTheClockRateIsNamedWithTheOtherOptions) {
    SessionParams params = clocked(48000);
    params.label = "x";
    params.relay.dscp = Dscp{46};
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(unknown_attribute(std::nullopt), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the DSCP, label and clock rate "
                         "options (RTPPROXY_SESS_A_DSCP, RTPPROXY_SESS_A_LABEL, "
                         "RTPPROXY_SESS_A_CLOCK_RATE): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(),
              (std::vector<std::uint16_t>{RTPPROXY_SESS_A_DSCP, RTPPROXY_SESS_A_LABEL,
                                          RTPPROXY_SESS_A_CLOCK_RATE}));
}

TEST(TooOldModuleForCallQuality, AModuleThatRefusesItsValueIsLeftAsItSaidIt) {
    const Request request = make_alloc_request(kFamily, selector(), clocked(48000));
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(offset_of(request, session_attrs(request).at(RTPPROXY_SESS_A_CLOCK_RATE)),
                          "integer out of range"),
        request));
}
