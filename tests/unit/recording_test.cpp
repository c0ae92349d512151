// SPDX-License-Identifier: GPL-2.0
// Recording in the library: NFLOG_GROUP and NFLOG_COPY or NFLOG_OFF in alloc, update and bulk
// requests, the recording in replies, events and table records (old modules' too), and a
// too-old module's refusal of it told by name.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include <cerrno>
#include <cstddef>
#include <optional>
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

SessionParams recorded(std::optional<Recording> recording, bool stop = false) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).learn_timeout_ms = 5000;
    params.recording = recording;
    params.stop_recording = stop;
    return params;
}

}  // namespace

// ---- requests ----

TEST(RecordingRequest, NoneGivenSendsNone) {
    for (const Request& request :
         {make_alloc_request(kFamily, selector(), recorded(std::nullopt)),
          make_update_request(kFamily, selector(), SessionRange{1, 1}, recorded(std::nullopt))}) {
        const Attrs session = session_attrs(request);
        EXPECT_FALSE(session.count(RTPPROXY_SESS_A_NFLOG_GROUP));
        EXPECT_FALSE(session.count(RTPPROXY_SESS_A_NFLOG_COPY));
        EXPECT_FALSE(session.count(RTPPROXY_SESS_A_NFLOG_OFF));
    }
}

TEST(RecordingRequest, TheGroupAndAlwaysItsCopiesLastInTheSessionNest) {
    static_assert(Recording::kReceived == RTPPROXY_NFLOG_RECEIVED);
    static_assert(Recording::kSent == RTPPROXY_NFLOG_SENT);
    static_assert(Recording::kBoth == RTPPROXY_NFLOG_ALL);
    SessionParams params = recorded(Recording{5, Recording::kReceived});
    params.label = "callid;x";
    params.clock_rate = 48000;
    params.relay.dup_below = 128;
    for (const Request& request :
         {make_alloc_request(kFamily, selector(), params),
          make_update_request(kFamily, selector(), SessionRange{1, 3}, params)}) {
        const Attrs session = session_attrs(request);
        ASSERT_TRUE(session.count(RTPPROXY_SESS_A_NFLOG_GROUP));
        ASSERT_TRUE(session.count(RTPPROXY_SESS_A_NFLOG_COPY));
        EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_NFLOG_GROUP)), 2);
        EXPECT_EQ(mnl_attr_get_u16(session.at(RTPPROXY_SESS_A_NFLOG_GROUP)), 5);
        // The kernel's default too: what is recorded does not rest on it.
        EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_NFLOG_COPY)), 1);
        EXPECT_EQ(mnl_attr_get_u8(session.at(RTPPROXY_SESS_A_NFLOG_COPY)), RTPPROXY_NFLOG_RECEIVED);
        EXPECT_FALSE(session.count(RTPPROXY_SESS_A_NFLOG_OFF));
        // In the order of the ABI: a module with call quality but without recording names the
        // recording, whatever else the request has.
        EXPECT_GT(offset_of(request, session.at(RTPPROXY_SESS_A_NFLOG_GROUP)),
                  offset_of(request, session.at(RTPPROXY_SESS_A_CLOCK_RATE)));
        EXPECT_GT(offset_of(request, session.at(RTPPROXY_SESS_A_NFLOG_COPY)),
                  offset_of(request, session.at(RTPPROXY_SESS_A_NFLOG_GROUP)));
    }
    for (const auto& [copy, bits] : {std::pair{Recording::kSent, RTPPROXY_NFLOG_SENT},
                                     {Recording::kBoth, RTPPROXY_NFLOG_ALL}}) {
        const Request request =
            make_alloc_request(kFamily, selector(), recorded(Recording{65535, copy}));
        EXPECT_EQ(mnl_attr_get_u16(session_attrs(request).at(RTPPROXY_SESS_A_NFLOG_GROUP)), 65535);
        EXPECT_EQ(mnl_attr_get_u8(session_attrs(request).at(RTPPROXY_SESS_A_NFLOG_COPY)), bits);
    }
    // Group 0 is sent as any other.
    const Request zero = make_alloc_request(kFamily, selector(), recorded(Recording{0, 1}));
    EXPECT_EQ(mnl_attr_get_u16(session_attrs(zero).at(RTPPROXY_SESS_A_NFLOG_GROUP)), 0);
}

TEST(RecordingRequest, StoppingSendsTheFlagAlone) {
    SessionParams alone;
    alone.stop_recording = true;
    // A recording is no client: alloc still needs an address or a learning timeout.
    EXPECT_FALSE(alone.has_client_or_learning());
    const Request update = make_update_request(kFamily, selector(), SessionRange{2, 2}, alone);
    const Attrs session = session_attrs(update);
    ASSERT_EQ(session.size(), 1U);
    ASSERT_TRUE(session.count(RTPPROXY_SESS_A_NFLOG_OFF));
    EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_NFLOG_OFF)), 0);
    // alloc passes it on too: the kernel takes it there.
    EXPECT_TRUE(session_attrs(make_alloc_request(kFamily, selector(), recorded(std::nullopt, true)))
                    .count(RTPPROXY_SESS_A_NFLOG_OFF));
    SessionParams start;
    start.recording = Recording{3, Recording::kSent};
    EXPECT_EQ(session_attrs(make_update_request(kFamily, selector(), std::nullopt, start)).size(),
              2U);
}

TEST(RecordingRequest, StartAndStopAtOnceOrCopiesOfNoKnownKindRefusedWhenBuilt) {
    EXPECT_EQ(invalid_argument([&] {
                  make_update_request(kFamily, selector(), std::nullopt,
                                      recorded(Recording{5, Recording::kReceived}, true));
              }),
              "recording to NFLOG group 5 and stopping the recording contradict each other: give "
              "one of them");
    EXPECT_EQ(invalid_argument([&] {
                  make_alloc_request(kFamily, selector(), recorded(Recording{5, 0}));
              }),
              "NFLOG copies 0 are none of received (1), sent (2) and both (3)");
    for (const std::uint8_t copy :
         {std::uint8_t{0}, std::uint8_t{4}, std::uint8_t{5}, std::uint8_t{0xff}}) {
        EXPECT_THROW(make_alloc_request(kFamily, selector(), recorded(Recording{1, copy})),
                     std::invalid_argument)
            << int{copy};
        EXPECT_THROW(
            make_update_request(kFamily, selector(), std::nullopt, recorded(Recording{1, copy})),
            std::invalid_argument)
            << int{copy};
        const std::vector<SessionParams> many = {recorded(Recording{1, Recording::kBoth}),
                                                 recorded(Recording{1, copy})};
        EXPECT_THROW(make_alloc_many_request(kFamily, selector(), many), std::invalid_argument)
            << int{copy};
    }
}

TEST(RecordingRequest, BulkAllocCarriesEachSessionsOwn) {
    const std::vector<SessionParams> params = {recorded(Recording{5, Recording::kSent}),
                                               recorded(std::nullopt),
                                               recorded(std::nullopt, true)};
    const Request request = make_alloc_many_request(kFamily, selector(), params);
    const auto items =
        testutil::nested_list(message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST));
    ASSERT_EQ(items.size(), 3U);
    EXPECT_EQ(mnl_attr_get_u16(nested_attrs(items[0]).at(RTPPROXY_SESS_A_NFLOG_GROUP)), 5);
    EXPECT_EQ(mnl_attr_get_u8(nested_attrs(items[0]).at(RTPPROXY_SESS_A_NFLOG_COPY)),
              RTPPROXY_NFLOG_SENT);
    EXPECT_FALSE(nested_attrs(items[1]).count(RTPPROXY_SESS_A_NFLOG_GROUP));
    EXPECT_FALSE(nested_attrs(items[1]).count(RTPPROXY_SESS_A_NFLOG_OFF));
    EXPECT_TRUE(nested_attrs(items[2]).count(RTPPROXY_SESS_A_NFLOG_OFF));
    EXPECT_FALSE(nested_attrs(items[2]).count(RTPPROXY_SESS_A_NFLOG_GROUP));
}

// ---- replies and events ----

namespace {

// A session nest as the kernel's rtpp_put_session() builds it: group and copies while it
// records (a module with recording), neither while it does not or from an older module.
void put_session(MessageBuffer& m, std::optional<std::uint16_t> group,
                 std::optional<std::uint8_t> copy) {
    nlattr* nest = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 5);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_CLOCK_RATE, 8000);
    if (group) mnl_attr_put_u16(m.nlh(), RTPPROXY_SESS_A_NFLOG_GROUP, *group);
    if (copy) mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_NFLOG_COPY, *copy);
    for (std::uint16_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        nlattr* stream = m.nest(RTPPROXY_SESS_A_RTP_A + i);
        mnl_attr_put_u16(m.nlh(), RTPPROXY_STREAM_A_GATE_PORT, 12 + i);
        m.end_nest(stream);
    }
    m.end_nest(nest);
}

void put_reply(MessageBuffer& m, std::optional<std::uint16_t> group,
               std::optional<std::uint8_t> copy) {
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    put_session(m, group, copy);
    m.end();
}

Session session_reply(std::optional<std::uint16_t> group, std::optional<std::uint8_t> copy) {
    MessageBuffer m;
    put_reply(m, group, copy);
    return parse_session_reply(m.nlh()).session;
}

}  // namespace

TEST(RecordingReply, WhileItRecords) {
    EXPECT_EQ(session_reply(5, RTPPROXY_NFLOG_ALL).recording, (Recording{5, Recording::kBoth}));
    EXPECT_EQ(session_reply(0, RTPPROXY_NFLOG_RECEIVED).recording,
              (Recording{0, Recording::kReceived}));
    EXPECT_EQ(session_reply(65535, RTPPROXY_NFLOG_SENT).recording,
              (Recording{65535, Recording::kSent}));
    // Bits a newer module may tell are kept.
    EXPECT_EQ(session_reply(1, 0x5).recording, (Recording{1, 0x5}));
    // The rest of the session is read as before.
    const Session s = session_reply(5, RTPPROXY_NFLOG_ALL);
    EXPECT_EQ(s.id, 5U);
    EXPECT_EQ(s.clock_rate, 8000U);
    EXPECT_EQ(s.stream(StreamIndex::rtcp_b).gate_port, 15);
}

TEST(RecordingReply, NotRecordingAndAModuleWithoutRecordingHaveNone) {
    const Session s = session_reply(std::nullopt, std::nullopt);
    EXPECT_FALSE(s.recording);
    EXPECT_EQ(s.clock_rate, 8000U);
}

TEST(RecordingReply, AnEventHasItToo) {
    MessageBuffer m;
    m.begin(kFamily, 0, 0, true, RTPPROXY_CMD_EVENT);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_A_EVENT, RTPPROXY_EVENT_SESSION_NEW);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    put_session(m, 9, RTPPROXY_NFLOG_SENT);
    m.end();
    const auto event = parse_event(m.nlh());
    ASSERT_TRUE(event);
    ASSERT_TRUE(event->session);
    EXPECT_EQ(event->session->recording, (Recording{9, Recording::kSent}));
}

TEST(RecordingReply, HalfARecordingNoCopiesOrTheWrongSizeAreMalformed) {
    for (const auto& [group, copy] :
         {std::pair<std::optional<std::uint16_t>, std::optional<std::uint8_t>>{5, std::nullopt},
          {std::nullopt, RTPPROXY_NFLOG_RECEIVED},
          {5, 0}}) {
        MessageBuffer m;
        put_reply(m, group, copy);
        EXPECT_EQ(catch_system_error([&] { parse_session_reply(m.nlh()); }).code().value(), EBADMSG)
            << group.value_or(-1) << " " << int{copy.value_or(0xff)};
    }
    for (const std::uint16_t type : {RTPPROXY_SESS_A_NFLOG_GROUP, RTPPROXY_SESS_A_NFLOG_COPY}) {
        MessageBuffer m;
        m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
        nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
        testutil::put_ipv4_gates(m);
        m.end_nest(sb);
        nlattr* session = m.nest(RTPPROXY_A_SESSION);
        mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 5);
        mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
        mnl_attr_put_u32(m.nlh(), type, 1);
        m.end_nest(session);
        m.end();
        EXPECT_EQ(catch_system_error([&] { parse_session_reply(m.nlh()); }).code().value(), EBADMSG)
            << type;
    }
}

// ---- table records ----

namespace {

rtpproxy_session_rec recorded_record(std::uint32_t id, std::uint16_t group, std::uint8_t copy) {
    rtpproxy_session_rec r = session_record(id);
    r.clock_rate = 8000;
    r.nflog_group = group;
    r.nflog_copy = copy;
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

TEST(RecordingTable, RecordsOfModulesWithRecording) {
    static_assert(sizeof(rtpproxy_session_rec) == RTPPROXY_SESSION_REC_V4_SIZE + 8);
    // A newer module's larger records: their known prefix. 4 bytes past the call quality hold
    // both fields already.
    for (const std::size_t size :
         {std::size_t{RTPPROXY_SESSION_REC_V4_SIZE + 4}, sizeof(rtpproxy_session_rec),
          sizeof(rtpproxy_session_rec) + 16}) {
        const auto out = parse_table({recorded_record(1, 5, RTPPROXY_NFLOG_RECEIVED),
                                      recorded_record(2, 0, RTPPROXY_NFLOG_ALL),
                                      recorded_record(3, 65535, RTPPROXY_NFLOG_SENT)},
                                     size);
        ASSERT_EQ(out.size(), 3U) << size;
        EXPECT_EQ(out[0].session.recording, (Recording{5, Recording::kReceived})) << size;
        EXPECT_EQ(out[1].session.recording, (Recording{0, Recording::kBoth})) << size;
        EXPECT_EQ(out[2].session.recording, (Recording{65535, Recording::kSent})) << size;
        for (const auto& entry : out) {
            EXPECT_EQ(entry.session.clock_rate, 8000U) << size;
            EXPECT_EQ(entry.session.stream(StreamIndex::rtcp_b).packets, 7U) << size;
        }
    }
}

TEST(RecordingTable, ACopyOfZeroIsNoRecordingWhateverTheGroup) {
    const auto out = parse_table({recorded_record(1, 9, 0), recorded_record(2, 0, 0)},
                                 sizeof(rtpproxy_session_rec));
    ASSERT_EQ(out.size(), 2U);
    for (const auto& entry : out) EXPECT_FALSE(entry.session.recording) << entry.session.id;
}

TEST(RecordingTable, RecordsOfModulesWithoutRecordingHaveNone) {
    static_assert(RTPPROXY_SESSION_REC_V4_SIZE == 616);
    // What lies beyond a record's size is not the record's: the recording there is ignored.
    for (const std::size_t size :
         {std::size_t{RTPPROXY_SESSION_REC_V4_SIZE}, std::size_t{RTPPROXY_SESSION_REC_V3_SIZE},
          std::size_t{RTPPROXY_SESSION_REC_V1_SIZE}}) {
        const auto out = parse_table(
            {recorded_record(1, 5, RTPPROXY_NFLOG_ALL), recorded_record(2, 6, RTPPROXY_NFLOG_SENT)},
            size);
        ASSERT_EQ(out.size(), 2U) << size;
        for (std::uint32_t i = 0; i < 2; ++i) {
            EXPECT_EQ(out[i].session.id, i + 1) << size;
            EXPECT_FALSE(out[i].session.recording) << size;
            EXPECT_EQ(out[i].session.stream(StreamIndex::rtp_a).packets, 7U) << size;
        }
    }
}

TEST(RecordingTable, ARecordThatEndsInsideTheRecordingIsMalformed) {
    for (const std::size_t size : {std::size_t{RTPPROXY_SESSION_REC_V4_SIZE + 1},
                                   std::size_t{RTPPROXY_SESSION_REC_V4_SIZE + 2}}) {
        MessageBuffer m;
        put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {recorded_record(1, 5, 1)}, size);
        std::vector<SessionEntry> out;
        const auto e = catch_system_error([&] { parse_session_table_reply(m.nlh(), out); });
        EXPECT_EQ(e.code().value(), EBADMSG) << size;
        EXPECT_NE(std::string(e.what()).find("ends inside the recording"), std::string::npos)
            << e.what();
        EXPECT_TRUE(out.empty()) << size;
    }
}

// ---- a module too old for the recording ----

TEST(TooOldModuleForRecording, TheGroupIsNamedFromTheOffset) {
    SessionParams params = recorded(Recording{5, Recording::kBoth});
    params.clock_rate = 48000;
    params.label = "callid;abc";
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(
            offset_of(request, session_attrs(request).at(RTPPROXY_SESS_A_NFLOG_GROUP))),
        request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->code().value(), EINVAL);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the recording option "
                         "(RTPPROXY_SESS_A_NFLOG_GROUP): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_NFLOG_GROUP});
    EXPECT_TRUE(too_old->stream_attributes().empty());
    EXPECT_TRUE(too_old->top_attributes().empty());
}

TEST(TooOldModuleForRecording, StoppingInAnUpdateAndInTheSecondSessionOfABulkAlloc) {
    SessionParams stop;
    stop.stop_recording = true;
    const Request update = make_update_request(kFamily, selector(), SessionRange{0, 0}, stop);
    const auto refused = explain_unknown_attribute(
        unknown_attribute(offset_of(update, session_attrs(update).at(RTPPROXY_SESS_A_NFLOG_OFF))),
        update);
    ASSERT_TRUE(refused);
    EXPECT_EQ(std::string(refused->what())
                  .rfind("the xt_RTPPROXY module is too old for the recording option "
                         "(RTPPROXY_SESS_A_NFLOG_OFF): update it: ",
                         0),
              0U)
        << refused->what();
    EXPECT_EQ(refused->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_NFLOG_OFF});

    const std::vector<SessionParams> many = {recorded(std::nullopt),
                                             recorded(Recording{7, Recording::kSent})};
    const Request bulk = make_alloc_many_request(kFamily, selector(), many);
    const auto items =
        testutil::nested_list(message_attrs(bulk.header()).at(RTPPROXY_A_SESSION_LIST));
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(bulk, nested_attrs(items[1]).at(RTPPROXY_SESS_A_NFLOG_GROUP))),
        bulk);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_NFLOG_GROUP});
}

TEST(TooOldModuleForRecording, WithoutAnOffsetTheRecordingIsNamedOnceWithTheOtherOptions) {
    SessionParams params = recorded(Recording{5, Recording::kReceived});
    params.clock_rate = 8000;
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(unknown_attribute(std::nullopt), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the clock rate and recording "
                         "options (RTPPROXY_SESS_A_CLOCK_RATE, RTPPROXY_SESS_A_NFLOG_GROUP, "
                         "RTPPROXY_SESS_A_NFLOG_COPY): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(),
              (std::vector<std::uint16_t>{RTPPROXY_SESS_A_CLOCK_RATE, RTPPROXY_SESS_A_NFLOG_GROUP,
                                          RTPPROXY_SESS_A_NFLOG_COPY}));
}

TEST(TooOldModuleForRecording, AModuleThatRefusesTheRecordingItselfIsLeftAsItSaidIt) {
    const Request request =
        make_alloc_request(kFamily, selector(), recorded(Recording{5, Recording::kReceived}));
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(
            offset_of(request, session_attrs(request).at(RTPPROXY_SESS_A_NFLOG_GROUP)),
            "no NFLOG logger: nfnetlink_log is not available"),
        request));
}
