// SPDX-License-Identifier: GPL-2.0
// Session labels: in alloc, update and bulk requests, as the session list dumps' filter, in
// replies and table records (old modules' too), and a too-old module's refusal told by name.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "netlink_util.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::Attrs;
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

using namespace std::string_literals;

// Bytes a label may hold that text makes hard: NUL, 0xff, a blank, '=', '%'.
const std::string kOddLabel = "callid=a b%\0\xff;tag"s;

SessionParams labelled(const std::string& label) {
    SessionParams params;
    params.stream(StreamIndex::rtp_a).learn_timeout_ms = 5000;
    params.label = label;
    return params;
}

std::string payload(const nlattr* attr) {
    return std::string(static_cast<const char*>(mnl_attr_get_payload(attr)),
                       mnl_attr_get_payload_len(attr));
}

}  // namespace

// ---- requests ----

TEST(LabelRequest, NoLabelSendsNone) {
    SessionParams params = labelled("");
    params.label.reset();
    const Request request = make_alloc_request(kFamily, selector(), params);
    EXPECT_FALSE(session_attrs(request).count(RTPPROXY_SESS_A_LABEL));
}

TEST(LabelRequest, TheBytesAsGivenLastInTheSessionNest) {
    SessionParams params = labelled(kOddLabel);
    params.relay.dup_below = 128;
    const Request request = make_alloc_request(kFamily, selector(), params);
    const Attrs session = session_attrs(request);
    ASSERT_TRUE(session.count(RTPPROXY_SESS_A_LABEL));
    EXPECT_EQ(payload(session.at(RTPPROXY_SESS_A_LABEL)), kOddLabel);
    // In the order of the ABI: a module older than labels but not than the relay options names
    // the label, whatever else the request has.
    EXPECT_GT(offset_of(request, session.at(RTPPROXY_SESS_A_LABEL)),
              offset_of(request, session.at(RTPPROXY_SESS_A_DUP_BELOW)));
}

TEST(LabelRequest, AnEmptyLabelIsSentToRemoveIt) {
    SessionParams params;
    params.label = "";
    const Request request = make_update_request(kFamily, selector(), SessionRange{1, 3}, params);
    const Attrs session = session_attrs(request);
    ASSERT_EQ(session.size(), 1U);
    EXPECT_EQ(mnl_attr_get_payload_len(session.at(RTPPROXY_SESS_A_LABEL)), 0);
    // A label is no client: alloc still needs an address or a learning timeout.
    EXPECT_FALSE(params.has_client_or_learning());
}

TEST(LabelRequest, TheLongestIsSentALongerOneRefusedWhenBuilt) {
    const std::string longest(kLabelMax, 'x');
    EXPECT_EQ(payload(session_attrs(make_alloc_request(kFamily, selector(), labelled(longest)))
                          .at(RTPPROXY_SESS_A_LABEL)),
              longest);
    const SessionParams too_long = labelled(longest + "y");
    const std::string what =
        invalid_argument([&] { make_update_request(kFamily, selector(), std::nullopt, too_long); });
    EXPECT_EQ(what,
              "session label of 129 bytes is longer than the kernel keeps (128 bytes, "
              "RTPPROXY_LABEL_MAX)");
    EXPECT_THROW(make_alloc_request(kFamily, selector(), too_long), std::invalid_argument);
    const std::vector<SessionParams> many = {labelled("a"), too_long};
    EXPECT_THROW(make_alloc_many_request(kFamily, selector(), many), std::invalid_argument);
}

TEST(LabelRequest, BulkAllocCarriesEachSessionsOwn) {
    const std::vector<SessionParams> params = {labelled("one"), labelled(""), labelled(kOddLabel)};
    const Request request = make_alloc_many_request(kFamily, selector(), params);
    const auto items =
        testutil::nested_list(message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST));
    ASSERT_EQ(items.size(), 3U);
    EXPECT_EQ(payload(nested_attrs(items[0]).at(RTPPROXY_SESS_A_LABEL)), "one");
    EXPECT_EQ(payload(nested_attrs(items[1]).at(RTPPROXY_SESS_A_LABEL)), "");
    EXPECT_EQ(payload(nested_attrs(items[2]).at(RTPPROXY_SESS_A_LABEL)), kOddLabel);
}

TEST(LabelRequest, BulkMaximumOfIpv6SessionsWithEveryOptionAndTheLongestLabelFits) {
    SessionParams p;
    for (auto& stream : p.streams) {
        stream.addr = Address::parse("fd00:1::1234:5678:9abc:def0");
        stream.port = 4000;
        stream.learn_timeout_ms = 1000;
        stream.always_learn = true;
        stream.clear_addr = true;
        stream.rate = RateLimit{0xffffffff, 0xffffffff};
    }
    p.relay.dscp = Dscp{46};
    p.relay.max_ttl = 16;
    p.relay.mark = Mark{0x10, 0xff};
    p.relay.dup_below = 128;
    p.label = std::string(kLabelMax, '\xff');
    p.clock_rate = kMaxClockRate;
    p.recording = Recording{65535, Recording::kBoth};
    SwitchboardSelector sel;
    sel.addr_a = Address::parse("fd00:1::1");
    sel.port_a = 20000;
    sel.addr_b = Address::parse("fd00:2::1");
    sel.port_b = 20000;
    const std::vector<SessionParams> params(RTPPROXY_BULK_MAX, p);
    const Request request = make_alloc_many_request(kFamily, sel, params);
    EXPECT_LE(request.bytes().size(), Request::kBulkCapacity);
    // The list's nest length is 16 bits: one that wrapped would leave sessions out.
    const nlattr* list = message_attrs(request.header()).at(RTPPROXY_A_SESSION_LIST);
    EXPECT_GT(mnl_attr_get_payload_len(list), RTPPROXY_BULK_MAX * (kLabelMax + 4));
    const auto items = testutil::nested_list(list);
    ASSERT_EQ(items.size(), std::size_t{RTPPROXY_BULK_MAX});
    EXPECT_EQ(payload(nested_attrs(items.back()).at(RTPPROXY_SESS_A_LABEL)), *p.label);
    EXPECT_EQ(mnl_attr_get_u32(nested_attrs(items.back()).at(RTPPROXY_SESS_A_CLOCK_RATE)),
              kMaxClockRate);
    EXPECT_EQ(mnl_attr_get_u16(nested_attrs(items.back()).at(RTPPROXY_SESS_A_NFLOG_GROUP)), 65535);
    // What the comment of kBulkCapacity counts a session as, and the sessions it says the
    // list's 16-bit length holds.
    EXPECT_EQ(mnl_attr_get_len(items.back()), 456U);
    static_assert(143 * 456 + NLA_HDRLEN <= 0xffff && 144 * 456 + NLA_HDRLEN > 0xffff);
}

TEST(LabelFilterRequest, NoFilterSendsNone) {
    for (const Request& request : {make_session_table_request(kFamily, selector(), std::nullopt),
                                   make_sessions_request(kFamily, selector(), std::nullopt)}) {
        const Attrs top = message_attrs(request.header());
        EXPECT_FALSE(top.count(RTPPROXY_A_LABEL));
        EXPECT_FALSE(top.count(RTPPROXY_A_LABEL_PREFIX));
    }
}

TEST(LabelFilterRequest, BothSessionDumpsCarryTheLabelAndThePrefixFlag) {
    const LabelFilter exact{kOddLabel};
    const LabelFilter prefix{"callid;", true};
    for (const bool table : {true, false}) {
        const auto make = [&](const LabelFilter& filter) {
            return table
                       ? make_session_table_request(kFamily, selector(), SessionRange{0, 9}, filter)
                       : make_sessions_request(kFamily, selector(), SessionRange{0, 9}, filter);
        };
        const Request with_exact = make(exact);
        EXPECT_TRUE(with_exact.is_dump());
        const Attrs top = message_attrs(with_exact.header());
        EXPECT_EQ(payload(top.at(RTPPROXY_A_LABEL)), kOddLabel) << table;
        EXPECT_FALSE(top.count(RTPPROXY_A_LABEL_PREFIX)) << table;
        // The other filters stay.
        EXPECT_TRUE(top.count(RTPPROXY_A_SWITCHBOARD));
        EXPECT_EQ(mnl_attr_get_u32(top.at(RTPPROXY_A_SESS_ID_HI)), 9U);

        const Request with_prefix = make(prefix);
        const Attrs top_prefix = message_attrs(with_prefix.header());
        EXPECT_EQ(payload(top_prefix.at(RTPPROXY_A_LABEL)), "callid;") << table;
        ASSERT_TRUE(top_prefix.count(RTPPROXY_A_LABEL_PREFIX)) << table;
        EXPECT_EQ(mnl_attr_get_payload_len(top_prefix.at(RTPPROXY_A_LABEL_PREFIX)), 0);
    }
}

TEST(LabelFilterRequest, AnEmptyOrTooLongLabelIsRefusedWhenBuilt) {
    for (const bool prefix : {false, true}) {
        const LabelFilter empty{"", prefix};
        EXPECT_EQ(invalid_argument([&] {
                      make_session_table_request(kFamily, std::nullopt, std::nullopt, empty);
                  }),
                  "label filter is empty: it takes 1..128 bytes (no filter lists every session)");
        EXPECT_THROW(make_sessions_request(kFamily, std::nullopt, std::nullopt, empty),
                     std::invalid_argument);
        const LabelFilter too_long{std::string(kLabelMax + 1, 'x'), prefix};
        EXPECT_EQ(invalid_argument([&] {
                      make_sessions_request(kFamily, std::nullopt, std::nullopt, too_long);
                  }),
                  "label filter of 129 bytes is longer than the kernel keeps (128 bytes, "
                  "RTPPROXY_LABEL_MAX)");
        const LabelFilter longest{std::string(kLabelMax, 'x'), prefix};
        EXPECT_NO_THROW(make_session_table_request(kFamily, std::nullopt, std::nullopt, longest));
    }
}

// ---- replies ----

namespace {

// A GET_SESSION (or alloc) reply of session 0 with put_label(m) in its session nest.
template <class PutLabel>
void put_session_reply(MessageBuffer& m, PutLabel put_label) {
    m.begin(kFamily, 0, 1, true, RTPPROXY_CMD_GET_SESSION);
    nlattr* sb = m.nest(RTPPROXY_A_SWITCHBOARD);
    testutil::put_ipv4_gates(m);
    m.end_nest(sb);
    nlattr* session = m.nest(RTPPROXY_A_SESSION);
    mnl_attr_put_u32(m.nlh(), RTPPROXY_SESS_A_ID, 0);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_SESS_A_STATE, RTPPROXY_SESS_LIVE);
    put_label(m);
    m.end_nest(session);
    m.end();
}

Session session_with_label(const std::string& label) {
    MessageBuffer m;
    put_session_reply(m, [&](MessageBuffer& b) {
        mnl_attr_put(b.nlh(), RTPPROXY_SESS_A_LABEL, label.size(), label.data());
    });
    return parse_session_reply(m.nlh()).session;
}

rtpproxy_session_rec labelled_record(std::uint32_t id, const std::string& label) {
    rtpproxy_session_rec r = session_record(id);
    r.label_len = static_cast<std::uint32_t>(label.size());
    std::memcpy(r.label, label.data(), std::min(label.size(), sizeof(r.label)));
    return r;
}

std::vector<SessionEntry> parse_table(const std::vector<rtpproxy_session_rec>& recs,
                                      std::size_t rec_size = sizeof(rtpproxy_session_rec)) {
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", recs, rec_size);
    std::vector<SessionEntry> out;
    parse_session_table_reply(m.nlh(), out);
    return out;
}

}  // namespace

TEST(LabelReply, TheSessionsBytesAsTheKernelKeptThem) {
    EXPECT_EQ(session_with_label(kOddLabel).label, kOddLabel);
    EXPECT_EQ(session_with_label(std::string(kLabelMax, '\0')).label, std::string(kLabelMax, '\0'));
}

TEST(LabelReply, ASessionWithoutOneOrFromAnOlderModuleHasNone) {
    MessageBuffer m;
    put_session_reply(m, [](MessageBuffer&) {});
    const Session s = parse_session_reply(m.nlh()).session;
    EXPECT_TRUE(s.label.empty());
    EXPECT_EQ(s.state, SessionState::live);
}

TEST(LabelReply, LongerThanTheAbiAllowsIsMalformed) {
    const auto e =
        testutil::catch_system_error([&] { session_with_label(std::string(kLabelMax + 1, 'x')); });
    EXPECT_EQ(e.code().value(), EBADMSG);
    EXPECT_NE(std::string(e.what()).find("session label of 129 bytes"), std::string::npos)
        << e.what();
}

TEST(LabelTable, RecordsCarryTheirOwnLabel) {
    const auto out = parse_table({labelled_record(1, kOddLabel), session_record(2),
                                  labelled_record(3, std::string(kLabelMax, 'z'))});
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].session.label, kOddLabel);
    // The record after a labelled one has none of its own.
    EXPECT_TRUE(out[1].session.label.empty());
    EXPECT_EQ(out[1].session.id, 2U);
    EXPECT_EQ(out[2].session.label, std::string(kLabelMax, 'z'));
}

TEST(LabelTable, LargerRecordsOfANewerKernelKeepTheLabel) {
    const auto out = parse_table({labelled_record(1, "x"), labelled_record(2, "yz")},
                                 sizeof(rtpproxy_session_rec) + 16);
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(out[0].session.label, "x");
    EXPECT_EQ(out[1].session.label, "yz");
}

TEST(LabelTable, RecordsOfModulesWithoutLabelsHaveNone) {
    static_assert(RTPPROXY_SESSION_REC_V3_SIZE == 496);
    static_assert(RTPPROXY_SESSION_REC_V2_SIZE == 360 && RTPPROXY_SESSION_REC_V1_SIZE == 280);
    // Whatever lies beyond a record's size is not the record's: a label there is ignored.
    std::vector<rtpproxy_session_rec> recs = {labelled_record(1, "ghost"),
                                              labelled_record(2, std::string(200, 'g'))};
    recs[1].label_len = 200;
    for (const std::size_t size :
         {std::size_t{RTPPROXY_SESSION_REC_V2_SIZE}, std::size_t{RTPPROXY_SESSION_REC_V1_SIZE}}) {
        const auto out = parse_table(recs, size);
        ASSERT_EQ(out.size(), 2U) << size;
        for (std::uint32_t i = 0; i < 2; ++i) {
            EXPECT_EQ(out[i].session.id, i + 1) << size;
            EXPECT_TRUE(out[i].session.label.empty()) << size;
        }
    }
}

TEST(LabelTable, ALabelLongerThanTheAbiAllowsIsMalformed) {
    for (const std::uint32_t len : {129U, 200U, 0xffffffffU}) {
        rtpproxy_session_rec r = labelled_record(1, "x");
        r.label_len = len;
        MessageBuffer m;
        put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {r});
        std::vector<SessionEntry> out;
        const auto e =
            testutil::catch_system_error([&] { parse_session_table_reply(m.nlh(), out); });
        EXPECT_EQ(e.code().value(), EBADMSG) << len;
        EXPECT_TRUE(out.empty()) << len;
    }
}

TEST(LabelTable, ALabelRunningPastItsRecordIsMalformed) {
    // Records that end 8 bytes into the label: 8 bytes of label fit, 9 do not.
    const std::size_t size = offsetof(rtpproxy_session_rec, label) + 8;
    EXPECT_EQ(parse_table({labelled_record(1, "12345678")}, size).at(0).session.label, "12345678");
    MessageBuffer m;
    put_table(m, AF_INET, "10.0.1.1", "10.0.2.1", {labelled_record(1, "123456789")}, size);
    std::vector<SessionEntry> out;
    const auto e = testutil::catch_system_error([&] { parse_session_table_reply(m.nlh(), out); });
    EXPECT_EQ(e.code().value(), EBADMSG);
}

// ---- a module too old for the labels ----

TEST(TooOldModuleForLabels, TheLabelIsNamedFromTheOffset) {
    SessionParams params = labelled("callid;abc");
    params.relay.dscp = Dscp{46};
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(request, session_attrs(request).at(RTPPROXY_SESS_A_LABEL))),
        request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->code().value(), EINVAL);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the label option "
                         "(RTPPROXY_SESS_A_LABEL): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_LABEL});
    EXPECT_TRUE(too_old->stream_attributes().empty());
    EXPECT_TRUE(too_old->top_attributes().empty());
}

TEST(TooOldModuleForLabels, InAnUpdateThatRemovesItAndInTheSecondSessionOfABulkAlloc) {
    SessionParams params;
    params.label = "";
    const Request update = make_update_request(kFamily, selector(), std::nullopt, params);
    const auto refused = explain_unknown_attribute(
        unknown_attribute(offset_of(update, session_attrs(update).at(RTPPROXY_SESS_A_LABEL))),
        update);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_LABEL});

    SessionParams plain = labelled("");
    plain.label.reset();
    const std::vector<SessionParams> many = {plain, labelled("b")};
    const Request bulk = make_alloc_many_request(kFamily, selector(), many);
    const auto items =
        testutil::nested_list(message_attrs(bulk.header()).at(RTPPROXY_A_SESSION_LIST));
    const auto too_old = explain_unknown_attribute(
        unknown_attribute(offset_of(bulk, nested_attrs(items[1]).at(RTPPROXY_SESS_A_LABEL))), bulk);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(too_old->attributes(), std::vector<std::uint16_t>{RTPPROXY_SESS_A_LABEL});
}

TEST(TooOldModuleForLabels, WithoutAnOffsetTheLabelIsNamedWithTheOtherOptions) {
    SessionParams params = labelled("x");
    params.relay.dup_below = 128;
    params.stream(StreamIndex::rtp_b).rate = RateLimit{8000};
    const Request request = make_alloc_request(kFamily, selector(), params);
    const auto too_old = explain_unknown_attribute(unknown_attribute(std::nullopt), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the rate limit, dup-below and "
                         "label options (RTPPROXY_STREAM_A_RATE, RTPPROXY_SESS_A_DUP_BELOW, "
                         "RTPPROXY_SESS_A_LABEL): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->attributes(),
              (std::vector<std::uint16_t>{RTPPROXY_SESS_A_DUP_BELOW, RTPPROXY_SESS_A_LABEL}));
}

TEST(TooOldModuleForLabels, TheFilterOfEitherSessionDumpIsNamedFromTheOffset) {
    const LabelFilter filter{"callid;", true};
    for (const Request& request :
         {make_session_table_request(kFamily, selector(), SessionRange{0, 9}, filter),
          make_sessions_request(kFamily, selector(), SessionRange{0, 9}, filter)}) {
        const Attrs top = message_attrs(request.header());
        // The kernel stops at the first attribute it does not know: the label, before the flag.
        const auto too_old = explain_unknown_attribute(
            unknown_attribute(offset_of(request, top.at(RTPPROXY_A_LABEL))), request);
        ASSERT_TRUE(too_old);
        EXPECT_EQ(too_old->code().value(), EINVAL);
        EXPECT_EQ(std::string(too_old->what())
                      .rfind("the xt_RTPPROXY module is too old for the label filter option "
                             "(RTPPROXY_A_LABEL): update it: ",
                             0),
                  0U)
            << too_old->what();
        EXPECT_EQ(too_old->top_attributes(), std::vector<std::uint16_t>{RTPPROXY_A_LABEL});
        EXPECT_TRUE(too_old->attributes().empty());
        EXPECT_TRUE(too_old->stream_attributes().empty());

        const auto flag = explain_unknown_attribute(
            unknown_attribute(offset_of(request, top.at(RTPPROXY_A_LABEL_PREFIX))), request);
        ASSERT_TRUE(flag);
        EXPECT_EQ(flag->top_attributes(), std::vector<std::uint16_t>{RTPPROXY_A_LABEL_PREFIX});
        EXPECT_NE(std::string(flag->what()).find("label filter option (RTPPROXY_A_LABEL_PREFIX)"),
                  std::string::npos)
            << flag->what();
    }
}

TEST(TooOldModuleForLabels, WithoutAnOffsetTheFilterIsOneOption) {
    const Request request = make_session_table_request(kFamily, std::nullopt, std::nullopt,
                                                       LabelFilter{"callid;", true});
    const auto too_old = explain_unknown_attribute(unknown_attribute(std::nullopt), request);
    ASSERT_TRUE(too_old);
    EXPECT_EQ(std::string(too_old->what())
                  .rfind("the xt_RTPPROXY module is too old for the label filter option "
                         "(RTPPROXY_A_LABEL, RTPPROXY_A_LABEL_PREFIX): update it: ",
                         0),
              0U)
        << too_old->what();
    EXPECT_EQ(too_old->top_attributes(),
              (std::vector<std::uint16_t>{RTPPROXY_A_LABEL, RTPPROXY_A_LABEL_PREFIX}));
}

TEST(TooOldModuleForLabels, OtherAttributesOfADumpAreLeftAsTheKernelSaidThem) {
    const Request request =
        make_sessions_request(kFamily, selector(), SessionRange{0, 9}, LabelFilter{"callid;"});
    const Attrs top = message_attrs(request.header());
    for (const int type : {RTPPROXY_A_SWITCHBOARD, RTPPROXY_A_SESS_ID_LO, RTPPROXY_A_SESS_ID_HI})
        EXPECT_FALSE(
            explain_unknown_attribute(unknown_attribute(offset_of(request, top.at(type))), request))
            << type;
    // A module that knows the filter and refuses its value.
    EXPECT_FALSE(explain_unknown_attribute(
        unknown_attribute(offset_of(request, top.at(RTPPROXY_A_LABEL)), "Attribute failed policy"),
        request));
    // No filter in the dump: an unknown attribute is another one.
    const Request plain = make_sessions_request(kFamily, selector(), SessionRange{0, 9});
    EXPECT_FALSE(explain_unknown_attribute(unknown_attribute(std::nullopt), plain));
}
