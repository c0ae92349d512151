// SPDX-License-Identifier: GPL-2.0
// The bulk commands' messages: NEW_SESSIONS and DEL_SESSIONS requests, session table replies.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

#include "netlink_util.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::kFamily;
using testutil::MessageBuffer;
using testutil::put_gate;
using testutil::put_table;
using testutil::selector;
using testutil::session_record;

namespace {

SessionParams client_params(std::uint16_t port) {
    SessionParams p;
    p.stream(StreamIndex::rtp_a).addr = Address::parse("10.0.1.2");
    p.stream(StreamIndex::rtp_a).port = port;
    p.stream(StreamIndex::rtp_b).learn_timeout_ms = 5000;
    return p;
}

}  // namespace

TEST(BulkRequest, AllocManyListsEverySessionUnderTheSelector) {
    const std::vector<SessionParams> params = {client_params(4000), client_params(4002),
                                               client_params(4004)};
    Request request = make_alloc_many_request(kFamily, selector(), params);
    EXPECT_EQ(testutil::genl_header(request.header())->cmd, RTPPROXY_CMD_NEW_SESSIONS);
    EXPECT_FALSE(request.header()->nlmsg_flags & NLM_F_ACK);
    EXPECT_TRUE(request.reply_finishes());
    const auto top = testutil::message_attrs(request.header());
    ASSERT_TRUE(top.count(RTPPROXY_A_SWITCHBOARD));
    ASSERT_TRUE(top.count(RTPPROXY_A_SESSION_LIST));
    EXPECT_FALSE(top.count(RTPPROXY_A_SESSION));

    std::vector<std::uint16_t> ports, rtcp_ports;
    for (const nlattr* item : testutil::nested_list(top.at(RTPPROXY_A_SESSION_LIST))) {
        const auto session = testutil::nested_attrs(item);
        ASSERT_EQ(session.size(), 4U);
        const auto rtp_a = testutil::nested_attrs(session.at(RTPPROXY_SESS_A_RTP_A));
        EXPECT_EQ(testutil::attr_addr(rtp_a.at(RTPPROXY_STREAM_A_ADDR)),
                  Address::parse("10.0.1.2"));
        ports.push_back(mnl_attr_get_u16(rtp_a.at(RTPPROXY_STREAM_A_PORT)));
        const auto rtp_b = testutil::nested_attrs(session.at(RTPPROXY_SESS_A_RTP_B));
        EXPECT_EQ(mnl_attr_get_u32(rtp_b.at(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS)), 5000U);
        // The RTCP defaults, as for a single alloc.
        const auto rtcp_a = testutil::nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_A));
        EXPECT_EQ(testutil::attr_addr(rtcp_a.at(RTPPROXY_STREAM_A_ADDR)),
                  Address::parse("10.0.1.2"));
        rtcp_ports.push_back(mnl_attr_get_u16(rtcp_a.at(RTPPROXY_STREAM_A_PORT)));
        const auto rtcp_b = testutil::nested_attrs(session.at(RTPPROXY_SESS_A_RTCP_B));
        EXPECT_EQ(mnl_attr_get_u32(rtcp_b.at(RTPPROXY_STREAM_A_LEARN_TIMEOUT_MS)), 5000U);
    }
    EXPECT_EQ(ports, (std::vector<std::uint16_t>{4000, 4002, 4004}));
    EXPECT_EQ(rtcp_ports, (std::vector<std::uint16_t>{4001, 4003, 4005}));
}

TEST(BulkRequest, AllocManyFitsTheBulkMaximumOfIpv6Sessions) {
    SessionParams p;
    for (std::size_t i = 0; i < kStreams; ++i) {
        p.streams[i].addr = Address::parse("fd00:1::1234:5678:9abc:def0");
        p.streams[i].port = 4000;
        p.streams[i].learn_timeout_ms = 1000;
        p.streams[i].always_learn = true;
    }
    const std::vector<SessionParams> params(RTPPROXY_BULK_MAX, p);
    SwitchboardSelector sel;
    sel.addr_a = Address::parse("fd00:1::1");
    sel.port_a = 20000;
    sel.addr_b = Address::parse("fd00:2::1");
    sel.port_b = 20000;
    Request request = make_alloc_many_request(kFamily, sel, params);
    EXPECT_LE(request.bytes().size(), Request::kBulkCapacity);
}

TEST(BulkRequest, RemoveManyCarriesTheRangesAsRecords) {
    const std::vector<SessionRange> ranges = {{1, 1}, {5, 9}, {30, 30}};
    Request request = make_remove_many_request(kFamily, selector(), ranges);
    EXPECT_EQ(testutil::genl_header(request.header())->cmd, RTPPROXY_CMD_DEL_SESSIONS);
    const auto top = testutil::message_attrs(request.header());
    ASSERT_TRUE(top.count(RTPPROXY_A_RANGE_LIST));
    const nlattr* list = top.at(RTPPROXY_A_RANGE_LIST);
    ASSERT_EQ(mnl_attr_get_payload_len(list), 3 * sizeof(rtpproxy_range));
    rtpproxy_range got[3];
    std::memcpy(got, mnl_attr_get_payload(list), sizeof(got));
    EXPECT_EQ(got[1].lo, 5U);
    EXPECT_EQ(got[1].hi, 9U);
    EXPECT_EQ(got[2].lo, 30U);
}

TEST(BulkRequest, SessionTableIsADumpWithTheOptionalFilters) {
    Request all = make_session_table_request(kFamily, {}, {});
    EXPECT_TRUE(all.is_dump());
    EXPECT_EQ(testutil::genl_header(all.header())->cmd, RTPPROXY_CMD_GET_SESSION_TABLE);
    EXPECT_TRUE(testutil::message_attrs(all.header()).empty());
    Request some = make_session_table_request(kFamily, selector(), SessionRange{2, 4});
    const auto top = testutil::message_attrs(some.header());
    EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_SESS_ID_LO)), 2U);
    EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_SESS_ID_HI)), 4U);
    EXPECT_TRUE(top.count(RTPPROXY_A_SWITCHBOARD));
}

TEST(SessionTable, RecordsBecomeSessionEntries) {
    auto a = session_record(3);
    auto& rtp_a = a.stream[RTPPROXY_STREAM_RTP_A];
    const auto client = Address::parse("10.0.1.2");
    std::memcpy(rtp_a.addr, client.bytes().data(), 4);
    rtp_a.port = 4000;
    rtp_a.flags = RTPPROXY_STREAM_F_CLIENT | RTPPROXY_STREAM_F_LEARNED |
                  RTPPROXY_STREAM_F_ALWAYS_LEARN | RTPPROXY_STREAM_F_RELAYED;
    rtp_a.packets = 10;
    rtp_a.bytes = 1720;
    rtp_a.drops = 2;
    rtp_a.last_ms = 40;
    auto& rtp_b = a.stream[RTPPROXY_STREAM_RTP_B];
    rtp_b.flags = RTPPROXY_STREAM_F_LEARNING;
    rtp_b.learn_ms = 4500;
    auto b = session_record(9);
    b.state = RTPPROXY_SESS_EXPIRED;

    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {a, b});
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(out[0].switchboard.family, AF_INET);
    EXPECT_EQ(out[0].switchboard.gate_a.addr, Address::parse("10.0.1.1"));
    EXPECT_EQ(out[1].switchboard.gate_b.port, 30000);
    const Session& s = out[0].session;
    EXPECT_EQ(s.id, 3U);
    EXPECT_EQ(s.state, SessionState::live);
    EXPECT_EQ(s.age_ms, 1003U);
    EXPECT_EQ(s.idle_ms, 13U);
    const Stream& sa = s.stream(StreamIndex::rtp_a);
    EXPECT_EQ(sa.gate_port, 20006);
    ASSERT_TRUE(sa.client);
    EXPECT_EQ(sa.client->to_string(), "10.0.1.2:4000");
    EXPECT_TRUE(sa.learned);
    EXPECT_TRUE(sa.always_learn);
    EXPECT_FALSE(sa.learn_ms);
    EXPECT_EQ(sa.packets, 10U);
    EXPECT_EQ(sa.bytes, 1720U);
    EXPECT_EQ(sa.drops, 2U);
    EXPECT_EQ(sa.last_ms, std::optional<std::uint64_t>(40));
    const Stream& sb = s.stream(StreamIndex::rtp_b);
    EXPECT_FALSE(sb.client);
    EXPECT_EQ(sb.learn_ms, std::optional<std::uint32_t>(4500));
    EXPECT_FALSE(sb.last_ms);
    EXPECT_EQ(s.stream(StreamIndex::rtcp_b).gate_port, 30007);
    EXPECT_EQ(out[1].session.id, 9U);
    EXPECT_EQ(out[1].session.state, SessionState::expired);
}

TEST(SessionTable, Ipv6ClientsUseAllSixteenBytes) {
    auto r = session_record(0);
    const auto client = Address::parse("fd00:1::2");
    std::memcpy(r.stream[0].addr, client.bytes().data(), 16);
    r.stream[0].port = 4000;
    r.stream[0].flags = RTPPROXY_STREAM_F_CLIENT;
    MessageBuffer m;
    put_table(m, AF_INET6, "fd00:1::1", "fd00:2::1", {r});
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtp_a).client->to_string(), "[fd00:1::2]:4000");
}

TEST(SessionTable, BridgeClientsAreOfTheirGatesFamily) {
    auto r = session_record(0);
    const auto a = Address::parse("10.0.1.2"), b = Address::parse("fd00:2::2");
    std::memcpy(r.stream[0].addr, a.bytes().data(), 4);
    std::memcpy(r.stream[2].addr, b.bytes().data(), 16);
    r.stream[0].port = 4000;
    r.stream[2].port = 6000;
    r.stream[0].flags = r.stream[2].flags = RTPPROXY_STREAM_F_CLIENT;
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "fd00:2::1", {r});
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_TRUE(out[0].switchboard.bridge());
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtp_a).client->to_string(), "10.0.1.2:4000");
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtp_b).client->to_string(), "[fd00:2::2]:6000");
}

TEST(SessionTable, LargerRecordsOfANewerKernelAreReadByTheirKnownPrefix) {
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {session_record(1), session_record(2)},
              sizeof(rtpproxy_session_rec) + 16);
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(out[1].session.id, 2U);
    EXPECT_EQ(out[1].session.stream(StreamIndex::rtp_b).gate_port, 30004);
}

TEST(SessionTable, RecordsCarryTheRelayOptionsAndDups) {
    auto r = session_record(4);
    r.dscp = 46;
    r.max_ttl = 8;
    r.dup_below = 128;
    r.mark = 0x100;
    r.mark_mask = 0xff00;
    for (std::size_t i = 0; i < RTPPROXY_STREAMS; ++i) r.dups[i] = 10 * (i + 1);
    auto sender = session_record(5);
    sender.dscp = RTPPROXY_DSCP_SENDER;
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {r, sender});
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 2U);
    const RelayOptions& relay = out[0].session.relay;
    EXPECT_EQ(relay.dscp, Dscp{46});
    EXPECT_EQ(relay.max_ttl, 8);
    EXPECT_EQ(relay.dup_below, 128);
    EXPECT_EQ(relay.mark, (Mark{0x100, 0xff00}));
    for (std::size_t i = 0; i < kStreams; ++i)
        EXPECT_EQ(out[0].session.streams[i].dups, 10 * (i + 1));
    EXPECT_TRUE(out[1].session.relay.dscp.is_sender());
}

TEST(SessionTable, RecordsOfAModuleWithoutRelayOptionsReadAsTheDefaults) {
    // Whatever lies beyond a record's size is not the record's: set it to see it ignored.
    std::vector<rtpproxy_session_rec> recs = {session_record(1), session_record(2),
                                              session_record(3)};
    for (auto& r : recs) {
        r.dscp = 46;
        r.max_ttl = 8;
        r.mark_mask = 0xff;
        r.dups[0] = 99;
    }
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", recs, RTPPROXY_SESSION_REC_V1_SIZE);
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 3U);
    for (std::uint32_t i = 0; i < 3; ++i) {
        const Session& s = out[i].session;
        EXPECT_EQ(s.id, i + 1);
        EXPECT_EQ(s.stream(StreamIndex::rtcp_b).gate_port, 30000 + 2 * (i + 1) + 1);
        EXPECT_EQ(s.relay, RelayOptions{});
        EXPECT_TRUE(s.relay.dscp.is_sender());
        for (const auto& stream : s.streams) EXPECT_EQ(stream.dups, 0U);
    }
}

TEST(SessionTable, RecordsCarryEachStreamsRateLimit) {
    auto r = session_record(6);
    for (std::size_t i = 0; i < RTPPROXY_STREAMS; ++i) {
        r.rate[i] = static_cast<std::uint32_t>(8000 * (i + 1));
        r.burst[i] = static_cast<std::uint32_t>(1500 + i);
    }
    r.rate[3] = 0;
    r.burst[3] = 0;
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {r, session_record(7)});
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 2U);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(out[0].session.streams[i].rate, 8000 * (i + 1));
        EXPECT_EQ(out[0].session.streams[i].burst, 1500 + i);
    }
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtcp_b).rate, 0U);
    EXPECT_EQ(out[0].session.stream(StreamIndex::rtcp_b).burst, 0U);
    for (const auto& stream : out[1].session.streams) EXPECT_EQ(stream.rate, 0U);
}

TEST(SessionTable, RecordsOfAModuleWithoutRateLimitsReadAsNoLimit) {
    // Whatever lies beyond a record's size is not the record's: set it to see it ignored.
    std::vector<rtpproxy_session_rec> recs = {session_record(1), session_record(2)};
    for (auto& r : recs) {
        r.dscp = 46;
        r.dups[3] = 5;
        for (std::size_t i = 0; i < RTPPROXY_STREAMS; ++i) {
            r.rate[i] = 8000;
            r.burst[i] = 3000;
        }
    }
    // The relay options' record (dups its last field), then the first one of the ABI.
    for (const std::size_t size :
         {offsetof(rtpproxy_session_rec, rate), std::size_t{RTPPROXY_SESSION_REC_V1_SIZE}}) {
        MessageBuffer m;
        put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", recs, size);
        std::vector<SessionEntry> out;
        parse_session_table_reply(m.nlh(), out);
        ASSERT_EQ(out.size(), 2U) << size;
        for (std::uint32_t i = 0; i < 2; ++i) {
            const Session& s = out[i].session;
            EXPECT_EQ(s.id, i + 1);
            for (const auto& stream : s.streams) {
                EXPECT_EQ(stream.rate, 0U) << size;
                EXPECT_EQ(stream.burst, 0U) << size;
            }
            // The relay options are read as far as the record has them.
            const bool relay = size > RTPPROXY_SESSION_REC_V1_SIZE;
            EXPECT_EQ(s.relay.dscp, relay ? Dscp{46} : Dscp::sender()) << size;
            EXPECT_EQ(s.stream(StreamIndex::rtcp_b).dups, relay ? 5U : 0U) << size;
        }
    }
}

TEST(SessionTable, BadDscpInARecordIsMalformed) {
    auto r = session_record(1);
    r.dscp = 64;
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {r});
    std::vector<SessionEntry> out;
    const auto e = testutil::catch_system_error([&] { parse_session_table_reply(m.nlh(), out); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

TEST(SessionTable, AppendsToWhatIsThere) {
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {session_record(5)});
    std::vector<SessionEntry> out(2);
    parse_session_table_reply(m.nlh(), out);
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[2].session.id, 5U);
}

TEST(SessionTable, RecordsSmallerThanKnownOrCutAreMalformed) {
    MessageBuffer small;
    // Records of 200 bytes: older than any kernel with the command, so broken (as is anything
    // below RTPPROXY_SESSION_REC_V1_SIZE).
    small.begin(kFamily, NLM_F_MULTI, 7, true, RTPPROXY_CMD_GET_SESSION_TABLE);
    nlattr* sb = small.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(small.nlh(), RTPPROXY_SB_A_FAMILY, AF_INET);
    put_gate(small, RTPPROXY_SB_A_GATE_A, "10.0.1.1", 20000);
    put_gate(small, RTPPROXY_SB_A_GATE_B, "10.0.2.1", 30000);
    small.end_nest(sb);
    mnl_attr_put_u32(small.nlh(), RTPPROXY_A_SESSION_REC_SIZE, 200);
    std::vector<std::byte> bytes(400);
    mnl_attr_put(small.nlh(), RTPPROXY_A_SESSION_TABLE, bytes.size(), bytes.data());
    small.end();
    std::vector<SessionEntry> out;
    try {
        parse_session_table_reply(small.nlh(), out);
        FAIL() << "records of 200 bytes were accepted";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EBADMSG);
    }

    // A table that ends inside a record.
    MessageBuffer cut;
    put_table(cut, AF_INET, "10.0.1.1", "10.0.2.1", {session_record(1)},
              sizeof(rtpproxy_session_rec));
    auto* table =
        reinterpret_cast<nlattr*>(reinterpret_cast<char*>(cut.nlh()) + cut.nlh()->nlmsg_len -
                                  NLA_HDRLEN - sizeof(rtpproxy_session_rec));
    ASSERT_EQ(mnl_attr_get_type(table), RTPPROXY_A_SESSION_TABLE);
    table->nla_len -= 8;
    try {
        parse_session_table_reply(cut.nlh(), out);
        FAIL() << "a cut record was accepted";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EBADMSG);
    }
    EXPECT_TRUE(out.empty());
}

TEST(SessionTable, MissingRecordSizeIsMalformed) {
    MessageBuffer m;
    m.begin(kFamily, 0, 7, true, RTPPROXY_CMD_NEW_SESSIONS);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SB_A_FAMILY, AF_INET);
    put_gate(m, RTPPROXY_SB_A_GATE_A, "10.0.1.1", 20000);
    put_gate(m, RTPPROXY_SB_A_GATE_B, "10.0.2.1", 30000);
    m.end_nest(sb);
    const auto r = session_record(1);
    mnl_attr_put(m.nlh(), RTPPROXY_A_SESSION_TABLE, sizeof(r), &r);
    m.end();
    std::vector<SessionEntry> out;
    EXPECT_THROW(parse_session_table_reply(m.nlh(), out), std::system_error);
}

TEST(AffectedList, OneCountPerRange) {
    MessageBuffer m;
    m.begin(kFamily, 0, 7, true, RTPPROXY_CMD_DEL_SESSIONS);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_A_AFFECTED, 6);
    const std::uint32_t counts[] = {1, 0, 5};
    mnl_attr_put(m.nlh(), RTPPROXY_A_AFFECTED_LIST, sizeof(counts), counts);
    m.end();
    EXPECT_EQ(parse_affected_list_reply(m.nlh()), (std::vector<std::uint32_t>{1, 0, 5}));

    MessageBuffer odd;
    odd.begin(kFamily, 0, 7, true, RTPPROXY_CMD_DEL_SESSIONS);
    mnl_attr_put(odd.nlh(), RTPPROXY_A_AFFECTED_LIST, 6, counts);
    odd.end();
    EXPECT_THROW(parse_affected_list_reply(odd.nlh()), std::system_error);
}

TEST(KernelErrorType, KernelAnswersAreTellableFromSocketFailures) {
    NetlinkError error;
    error.error = EOPNOTSUPP;
    const KernelError e = to_system_error(error, "session alloc");
    EXPECT_EQ(e.code().value(), EOPNOTSUPP);
    const std::system_error& base = e;
    EXPECT_EQ(base.code().value(), EOPNOTSUPP);
}
