// SPDX-License-Identifier: GPL-2.0
// iptrtpproxy's output formats, exactly as the man page documents them.
#include "format.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <set>
#include <sstream>
#include <tuple>
#include <utility>

using namespace iptrtpproxy;
using namespace xtrtpproxy;

namespace {

Switchboard switchboard(const char* addr_a, std::uint16_t port_a, const char* addr_b,
                        std::uint16_t port_b) {
    Switchboard sb;
    sb.gate_a = {Address::parse(addr_a), port_a};
    sb.gate_b = {Address::parse(addr_b), port_b};
    sb.family = sb.gate_a.addr.family();
    return sb;
}

}  // namespace

TEST(Format, Info) {
    Info info;
    info.version = "0.1.0";
    info.uptime_ms = 12345;
    info.switchboards = 1;
    info.sessions = 2;
    info.counters = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    EXPECT_EQ(format_info(info),
              "version=0.1.0\n"
              "uptime-ms=12345\n"
              "switchboards=1\n"
              "sessions=2\n"
              "packets=1\n"
              "bytes=2\n"
              "drop-no-session=3\n"
              "drop-source=4\n"
              "drop-expired=5\n"
              "drop-malformed=6\n"
              "drop-no-dest=7\n"
              "drop-xmit=8\n"
              "drop-loop=9\n"
              "sessions-created=10\n"
              "sessions-expired=11\n"
              "sessions-deleted=12\n"
              "duplicated=13\n"
              "drop-rate=14\n"
              "events-lost=15\n");
}

TEST(Format, Switchboard) {
    Switchboard sb = switchboard("10.0.0.1", 50000, "10.0.0.1", 50200);
    sb.max_sess = 100;
    sb.expires_timeout = 60;
    sb.resurrection_timeout = 30;
    sb.rules = 3;
    sb.live = 2;
    sb.expired = 1;
    sb.counters = {10, 1600, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
    EXPECT_EQ(format_switchboard(sb),
              "record=switchboard addr-a=10.0.0.1 port-a=50000 addr-b=10.0.0.1 port-b=50200 "
              "max-sess=100 expires-timeout=60 resurrection-timeout=30 rules=3 live=2 expired=1 "
              "packets=10 bytes=1600 drop-no-session=1 drop-source=2 drop-expired=3 "
              "drop-malformed=4 drop-no-dest=5 drop-xmit=6 drop-loop=7 duplicated=11 "
              "dscp=sender max-ttl=0 dup-below=0 drop-rate=12 sessions-created=8 "
              "sessions-expired=9 sessions-deleted=10 events-lost=13\n");
    // The rule's relay defaults.
    sb.relay_defaults.dscp = xtrtpproxy::Dscp{46};
    sb.relay_defaults.max_ttl = 8;
    sb.relay_defaults.dup_below = 128;
    EXPECT_TRUE(format_switchboard(sb).ends_with(
        "drop-loop=7 duplicated=11 dscp=46 max-ttl=8 dup-below=128 drop-rate=12 "
        "sessions-created=8 sessions-expired=9 sessions-deleted=10 events-lost=13\n"));
}

TEST(Format, StreamMinimal) {
    Stream stream;
    stream.gate_port = 50006;
    EXPECT_EQ(format_stream(0, stream),
              "    record=stream stream=rtp-a gate-port=50006 client=- learned=0 always-learn=0 "
              "packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0\n");
}

TEST(Format, StreamFull) {
    Stream stream;
    stream.gate_port = 50207;
    stream.client = Endpoint{Address::parse("2001:db8::7"), 7079};
    stream.learn_ms = 900;
    stream.learned = true;
    stream.always_learn = true;
    stream.packets = 5;
    stream.bytes = 800;
    stream.drops = 1;
    stream.last_ms = 20;
    stream.dups = 4;
    stream.rate = 8000;
    stream.burst = 1600;
    EXPECT_EQ(format_stream(3, stream),
              "    record=stream stream=rtcp-b gate-port=50207 client=[2001:db8::7]:7079 "
              "learn-ms=900 learned=1 always-learn=1 packets=5 bytes=800 drops=1 last-ms=20 "
              "dups=4 rate=8000 burst=1600\n");
}

TEST(Format, Session) {
    Session session;
    session.id = 3;
    session.state = SessionState::expired;
    session.age_ms = 70000;
    session.idle_ms = 61000;
    for (std::size_t i = 0; i < kStreams; ++i)
        session.streams[i].gate_port = static_cast<std::uint16_t>(50006 + i);
    session.streams[0].client = Endpoint{Address::parse("192.168.1.5"), 7078};
    EXPECT_EQ(format_session(session),
              "  record=session id=3 state=expired age-ms=70000 idle-ms=61000 dscp=sender "
              "max-ttl=0 mark=0x0/0x0 dup-below=0 nflog-group=- nflog-copy=-\n"
              "    record=stream stream=rtp-a gate-port=50006 client=192.168.1.5:7078 learned=0 "
              "always-learn=0 packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0\n"
              "    record=stream stream=rtcp-a gate-port=50007 client=- learned=0 always-learn=0 "
              "packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0\n"
              "    record=stream stream=rtp-b gate-port=50008 client=- learned=0 always-learn=0 "
              "packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0\n"
              "    record=stream stream=rtcp-b gate-port=50009 client=- learned=0 always-learn=0 "
              "packets=0 bytes=0 drops=0 dups=0 rate=0 burst=0\n");
    session.state = SessionState::live;
    EXPECT_EQ(format_session(session).rfind("  record=session id=3 state=live ", 0), 0U);
}

TEST(Format, SessionRelayOptionsAfterTheOlderKeys) {
    Session session;
    session.id = 4;
    session.state = SessionState::live;
    session.relay.dscp = Dscp{46};
    session.relay.max_ttl = 16;
    session.relay.mark = {0x10, 0xff};
    session.relay.dup_below = 128;
    session.streams[0].dups = 7;
    const std::string out = format_session(session);
    EXPECT_EQ(out.substr(0, out.find('\n') + 1),
              "  record=session id=4 state=live age-ms=0 idle-ms=0 dscp=46 max-ttl=16 "
              "mark=0x10/0xff dup-below=128 nflog-group=- nflog-copy=-\n");
    EXPECT_NE(out.find(" stream=rtp-a gate-port=0 client=- learned=0 always-learn=0 packets=0 "
                       "bytes=0 drops=0 dups=7 rate=0 burst=0\n"),
              std::string::npos)
        << out;
    session.relay.mark = {0xdeadbeef, Mark::kAllBits};
    session.relay.dscp = Dscp{0};
    EXPECT_NE(format_session(session).find(" dscp=0 max-ttl=16 mark=0xdeadbeef/0xffffffff "),
              std::string::npos);
}

TEST(Format, SessionLabelLastOnlyWhenItHasOne) {
    Session session;
    session.id = 5;
    session.state = SessionState::live;
    EXPECT_EQ(format_session(session).find("label="), std::string::npos);
    session.label = std::string("callid;a b=c%\0\xff", 15);
    const std::string out = format_session(session);
    EXPECT_EQ(out.substr(0, out.find('\n') + 1),
              "  record=session id=5 state=live age-ms=0 idle-ms=0 dscp=sender max-ttl=0 "
              "mark=0x0/0x0 dup-below=0 nflog-group=- nflog-copy=- "
              "label=callid;a%20b%3Dc%25%00%FF\n");
    // Not on the stream lines.
    EXPECT_EQ(out.find("label=", out.find('\n')), std::string::npos);
}

TEST(Format, AllocLabelLastOnlyWhenItHasOne) {
    SessionEntry entry{switchboard("10.0.0.1", 50000, "10.0.0.1", 50200), {}};
    entry.session.id = 1;
    EXPECT_EQ(format_alloc(entry).find("label="), std::string::npos);
    entry.session.label = "callid;x y";
    EXPECT_EQ(format_alloc(entry),
              "sess-id=1 addr-a=10.0.0.1 gate-rtp-port-a=50002 gate-rtcp-port-a=50003 "
              "addr-b=10.0.0.1 gate-rtp-port-b=50202 gate-rtcp-port-b=50203 "
              "label=callid;x%20y\n");
}

namespace {

// An RTP stream's quality after some datagrams, SSRC 0x1234: its text is padded to 8 digits.
Quality some_quality() {
    Quality q;
    q.ssrc = 0x1234;
    q.ssrc_changes = 1;
    q.payload_type = 8;
    q.expected = 1000;
    q.lost = 12;
    q.duplicates = 3;
    q.reordered = 4;
    q.jitter = 13;
    q.not_rtp = 5;
    return q;
}

}  // namespace

TEST(Format, RtpStreamQualityAfterTheOlderKeys) {
    Stream stream;
    stream.gate_port = 50006;
    stream.packets = 1005;
    stream.quality = some_quality();
    // 13 units at 8 kHz: 1.625 ms.
    EXPECT_EQ(format_stream(0, stream, 8000),
              "    record=stream stream=rtp-a gate-port=50006 client=- learned=0 always-learn=0 "
              "packets=1005 bytes=0 drops=0 dups=0 rate=0 burst=0 ssrc=0x00001234 "
              "ssrc-changes=1 pt=8 expected=1000 lost=12 duplicates=3 reordered=4 jitter=13 "
              "jitter-ms=1.6 not-rtp=5\n");
    stream.quality->ssrc = 0xdeadbeef;
    EXPECT_NE(format_stream(2, stream, 8000).find(" ssrc=0xdeadbeef "), std::string::npos);
    stream.quality->ssrc = 0;
    EXPECT_NE(format_stream(2, stream, 8000).find(" ssrc=0x00000000 "), std::string::npos);
}

TEST(Format, RtpStreamBeforeItsFirstRtpDatagramHasNoSsrcAndNoPayloadType) {
    Stream stream;
    stream.quality = Quality{};
    stream.quality->not_rtp = 2;
    EXPECT_TRUE(format_stream(2, stream, 48000)
                    .ends_with(" rate=0 burst=0 ssrc-changes=0 expected=0 lost=0 duplicates=0 "
                               "reordered=0 jitter=0 jitter-ms=0.0 not-rtp=2\n"));
}

TEST(Format, JitterInMillisecondsOnlyWithTheClockRate) {
    Stream stream;
    stream.quality = some_quality();
    EXPECT_NE(format_stream(0, stream, 0).find(" jitter=13 not-rtp=5\n"), std::string::npos);
    EXPECT_EQ(format_stream(0, stream, 0).find("jitter-ms"), std::string::npos);
    // jitter * 1000 / clock rate, rounded to one decimal.
    for (const auto& [jitter, rate, text] : {std::tuple{160U, 8000U, "20.0"},
                                             {13U, 8000U, "1.6"},
                                             {12U, 8000U, "1.5"},
                                             {1U, 48000U, "0.0"},
                                             {45U, 90000U, "0.5"},
                                             {4U, 90000U, "0.0"},
                                             {5U, 90000U, "0.1"},
                                             {0U, 1000U, "0.0"},
                                             {4294967295U, 1000U, "4294967295.0"},
                                             {4294967295U, 1000000U, "4294967.3"}}) {
        stream.quality->jitter = jitter;
        const std::string line = format_stream(0, stream, rate);
        EXPECT_NE(
            line.find(" jitter=" + std::to_string(jitter) + " jitter-ms=" + text + " not-rtp="),
            std::string::npos)
            << line;
    }
}

TEST(Format, SessionClockRateAfterDupBelowBeforeTheLabelAndOnlyTheRtpStreamsQuality) {
    Session session;
    session.id = 6;
    session.state = SessionState::live;
    session.clock_rate = 48000;
    session.label = "c1";
    session.streams[0].quality = some_quality();
    session.streams[2].quality = Quality{};
    session.streams[2].quality->jitter = 960;
    const std::string out = format_session(session);
    EXPECT_EQ(out.substr(0, out.find('\n') + 1),
              "  record=session id=6 state=live age-ms=0 idle-ms=0 dscp=sender max-ttl=0 "
              "mark=0x0/0x0 dup-below=0 clock-rate=48000 nflog-group=- nflog-copy=- "
              "label=c1\n");
    // The session's clock rate reaches its streams' jitter-ms: 13 and 960 units at 48 kHz.
    EXPECT_NE(out.find(" stream=rtp-a gate-port=0 client=- learned=0 always-learn=0 packets=0 "
                       "bytes=0 drops=0 dups=0 rate=0 burst=0 ssrc=0x00001234 ssrc-changes=1 pt=8 "
                       "expected=1000 lost=12 duplicates=3 reordered=4 jitter=13 jitter-ms=0.3 "
                       "not-rtp=5\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(" stream=rtp-b gate-port=0 client=- learned=0 always-learn=0 packets=0 "
                       "bytes=0 drops=0 dups=0 rate=0 burst=0 ssrc-changes=0 expected=0 lost=0 "
                       "duplicates=0 reordered=0 jitter=960 jitter-ms=20.0 not-rtp=0\n"),
              std::string::npos)
        << out;
    // The RTCP streams have none of the keys.
    for (const char* stream : {"rtcp-a", "rtcp-b"}) {
        const auto line = out.find(std::string(" stream=") + stream + " ");
        ASSERT_NE(line, std::string::npos) << stream;
        EXPECT_TRUE(out.substr(line, out.find('\n', line) - line).ends_with(" rate=0 burst=0"))
            << out;
    }
    // A module without call quality: no clock rate, no quality.
    session.clock_rate = 0;
    for (auto& stream : session.streams) stream.quality.reset();
    const std::string old = format_session(session);
    EXPECT_EQ(old.find("clock-rate="), std::string::npos) << old;
    EXPECT_EQ(old.find("jitter"), std::string::npos) << old;
    EXPECT_EQ(old.find("ssrc"), std::string::npos) << old;
}

TEST(Format, SessionRecordingAfterTheClockRateBeforeTheLabel) {
    Session session;
    session.id = 7;
    session.state = SessionState::live;
    session.clock_rate = 8000;
    session.label = "c1";
    session.recording = Recording{5, Recording::kReceived};
    const auto first_line = [&] {
        const std::string out = format_session(session);
        return out.substr(0, out.find('\n') + 1);
    };
    EXPECT_EQ(first_line(),
              "  record=session id=7 state=live age-ms=0 idle-ms=0 dscp=sender max-ttl=0 "
              "mark=0x0/0x0 dup-below=0 clock-rate=8000 nflog-group=5 nflog-copy=received "
              "label=c1\n");
    // The copies as --nflog-copy takes them; other bits (a newer module's) as their number.
    for (const auto& [copy, text] : {std::pair{Recording::kSent, "sent"},
                                     {Recording::kBoth, "both"},
                                     {std::uint8_t{4}, "4"}}) {
        session.recording->copy = copy;
        EXPECT_NE(first_line().find(std::string(" nflog-copy=") + text + " label=c1\n"),
                  std::string::npos)
            << first_line();
    }
    // Group 0 is a group like any other: not "not recording".
    session.recording = Recording{0, Recording::kBoth};
    EXPECT_NE(first_line().find(" clock-rate=8000 nflog-group=0 nflog-copy=both label=c1\n"),
              std::string::npos)
        << first_line();
    session.recording = Recording{65535, Recording::kReceived};
    EXPECT_NE(first_line().find(" nflog-group=65535 nflog-copy=received "), std::string::npos)
        << first_line();
    // Not recording (and a module without recording): both keys, each -, without a label last.
    session.recording.reset();
    session.label.clear();
    EXPECT_TRUE(first_line().ends_with(" clock-rate=8000 nflog-group=- nflog-copy=-\n"))
        << first_line();
    // Not on the stream lines.
    const std::string out = format_session(session);
    EXPECT_EQ(out.find("nflog", out.find('\n')), std::string::npos) << out;
}

TEST(Format, ListGroupsSessionsUnderTheirSwitchboard) {
    const Switchboard one = switchboard("10.0.0.1", 50000, "10.0.0.1", 50200);
    const Switchboard two = switchboard("10.0.0.1", 40000, "10.0.0.2", 40000);
    SessionEntry a{two, {}};
    a.session.id = 1;
    a.session.state = SessionState::live;
    SessionEntry b{one, {}};
    b.session.id = 2;
    b.session.state = SessionState::live;
    SessionEntry orphan{switchboard("10.9.9.9", 2, "10.9.9.9", 4), {}};
    const std::string out = format_list({one, two}, {a, b, orphan}, true);
    const auto pos_one = out.find("port-a=50000");
    const auto pos_b = out.find("session id=2");
    const auto pos_two = out.find("port-a=40000");
    const auto pos_a = out.find("session id=1");
    EXPECT_LT(pos_one, pos_b);
    EXPECT_LT(pos_b, pos_two);
    EXPECT_LT(pos_two, pos_a);
    EXPECT_EQ(out.find("session id=0"), std::string::npos);

    const std::string bare = format_list({one, two}, {a, b}, false);
    EXPECT_EQ(bare, format_switchboard(one) + format_switchboard(two));
    EXPECT_EQ(format_list({}, {a}, true), "");
}

TEST(Format, AllocFromStreamGatePorts) {
    SessionEntry entry{switchboard("10.0.0.1", 50000, "10.0.0.1", 50200), {}};
    entry.session.id = 3;
    entry.session.streams[0].gate_port = 50006;
    entry.session.streams[1].gate_port = 50007;
    entry.session.streams[2].gate_port = 50206;
    entry.session.streams[3].gate_port = 50207;
    EXPECT_EQ(format_alloc(entry),
              "sess-id=3 addr-a=10.0.0.1 gate-rtp-port-a=50006 gate-rtcp-port-a=50007 "
              "addr-b=10.0.0.1 gate-rtp-port-b=50206 gate-rtcp-port-b=50207\n");
}

TEST(Format, AllocComputesPortsWhenNotReported) {
    SessionEntry entry{switchboard("fd00::1", 40000, "fd00::2", 40000), {}};
    entry.session.id = 7;
    EXPECT_EQ(format_alloc(entry),
              "sess-id=7 addr-a=fd00::1 gate-rtp-port-a=40014 gate-rtcp-port-a=40015 "
              "addr-b=fd00::2 gate-rtp-port-b=40014 gate-rtcp-port-b=40015\n");
}

TEST(Format, ListLongerThanOneWrittenPieceIsWhole) {
    const Switchboard sb = switchboard("10.0.0.1", 20000, "10.0.0.2", 30000);
    std::vector<SessionEntry> sessions(2000);
    std::string expected = format_switchboard(sb);
    for (std::uint32_t id = 0; id < sessions.size(); ++id) {
        sessions[id].switchboard = sb;
        sessions[id].session.id = id;
        sessions[id].session.state = SessionState::live;
        sessions[id].session.streams[0].client = Endpoint{Address::parse("10.0.1.2"), 4000};
        expected += format_session(sessions[id].session);
    }
    ASSERT_GT(expected.size(), 3 * 64 * 1024U);  // several pieces of write_list
    std::ostringstream out;
    write_list(out, {sb}, sessions, true);
    EXPECT_EQ(out.str(), expected);
    EXPECT_EQ(format_list({sb}, sessions, true), expected);
}

namespace {

// Every word of every line after the indentation: key=value, the first one record=KIND.
void expect_key_value_records(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string word;
        bool first = true;
        while (words >> word) {
            const auto eq = word.find('=');
            EXPECT_TRUE(eq != std::string::npos && eq > 0) << "'" << word << "' in: " << line;
            if (first) {
                EXPECT_EQ(word.rfind("record=", 0), 0U) << line;
            }
            first = false;
        }
    }
}

}  // namespace

TEST(Format, ListIsKeyValueOnly) {
    Switchboard sb = switchboard("10.0.0.1", 50000, "10.0.0.1", 50200);
    SessionEntry entry{sb, {}};
    entry.session.state = SessionState::live;
    auto& stream = entry.session.streams[2];
    stream.client = Endpoint{Address::parse("2001:db8::7"), 5004};
    stream.learned = true;
    stream.always_learn = true;
    stream.learn_ms = 10;
    stream.last_ms = 20;
    // A label of blanks and '=' is still one key=value word.
    entry.session.label = " = a=b ";
    entry.session.clock_rate = 90000;
    entry.session.recording = Recording{5, Recording::kBoth};
    stream.quality = some_quality();
    const std::string out = format_list({sb}, {entry}, true);
    expect_key_value_records(out);
    EXPECT_NE(out.find(" nflog-group=5 nflog-copy=both "), std::string::npos) << out;
    EXPECT_NE(out.find(" label=%20%3D%20a%3Db%20\n"), std::string::npos) << out;
    EXPECT_NE(out.find(" learned=1 always-learn=1 "), std::string::npos) << out;
}

TEST(Format, InfoIsOneKeyValuePerLine) {
    std::istringstream lines(format_info(Info{}));
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ++count;
        EXPECT_EQ(line.find(' '), std::string::npos) << line;
        EXPECT_NE(line.find('='), std::string::npos) << line;
    }
    EXPECT_EQ(count, 19);
}

namespace {

// A session event as the kernel tells it: learned on rtp-a, with a label to escape.
Event session_event(EventKind kind) {
    Event event;
    event.kind = kind;
    event.gates = switchboard("10.0.0.1", 20000, "10.0.0.2", 30000);
    Session& session = event.session.emplace();
    session.id = 3;
    session.state = SessionState::live;
    session.age_ms = 1500;
    session.idle_ms = 20;
    session.label = "c1;tag a=b";
    for (std::size_t i = 0; i < kStreams; ++i)
        session.streams[i].gate_port = static_cast<std::uint16_t>((i < 2 ? 20006 : 30006) + i % 2);
    Stream& rtp_a = session.streams[0];
    rtp_a.client = Endpoint{Address::parse("192.0.2.5"), 4000};
    rtp_a.learned = true;
    rtp_a.packets = 3;
    rtp_a.bytes = 480;
    rtp_a.last_ms = 20;
    session.streams[2].client = Endpoint{Address::parse("198.51.100.7"), 6000};
    session.streams[3].learn_ms = 800;
    return event;
}

// The same from a module with call quality: rtp-a after 3 RTP datagrams, rtp-b before any.
Event quality_event(EventKind kind) {
    Event event = session_event(kind);
    Session& session = *event.session;
    session.clock_rate = 8000;
    Quality& rtp_a = session.streams[0].quality.emplace();
    rtp_a.ssrc = 0xabc;
    rtp_a.payload_type = 0;
    rtp_a.expected = 4;
    rtp_a.lost = 1;
    rtp_a.jitter = 80;
    session.streams[2].quality.emplace();
    return event;
}

}  // namespace

TEST(FormatEvent, SessionEventHasTheListKeysWithStreamPrefixes) {
    EXPECT_EQ(format_event(session_event(EventKind::deleted), 0),
              "event=deleted addr-a=10.0.0.1 port-a=20000 addr-b=10.0.0.2 port-b=30000 id=3 "
              "state=live age-ms=1500 idle-ms=20 dscp=sender max-ttl=0 mark=0x0/0x0 dup-below=0 "
              "nflog-group=- nflog-copy=- label=c1;tag%20a%3Db "
              "rtp-a-gate-port=20006 rtp-a-client=192.0.2.5:4000 rtp-a-learned=1 "
              "rtp-a-always-learn=0 rtp-a-packets=3 rtp-a-bytes=480 rtp-a-drops=0 "
              "rtp-a-last-ms=20 rtp-a-dups=0 rtp-a-rate=0 rtp-a-burst=0 "
              "rtcp-a-gate-port=20007 rtcp-a-client=- rtcp-a-learned=0 rtcp-a-always-learn=0 "
              "rtcp-a-packets=0 rtcp-a-bytes=0 rtcp-a-drops=0 rtcp-a-dups=0 rtcp-a-rate=0 "
              "rtcp-a-burst=0 "
              "rtp-b-gate-port=30006 rtp-b-client=198.51.100.7:6000 rtp-b-learned=0 "
              "rtp-b-always-learn=0 rtp-b-packets=0 rtp-b-bytes=0 rtp-b-drops=0 rtp-b-dups=0 "
              "rtp-b-rate=0 rtp-b-burst=0 "
              "rtcp-b-gate-port=30007 rtcp-b-client=- rtcp-b-learn-ms=800 rtcp-b-learned=0 "
              "rtcp-b-always-learn=0 rtcp-b-packets=0 rtcp-b-bytes=0 rtcp-b-drops=0 "
              "rtcp-b-dups=0 rtcp-b-rate=0 rtcp-b-burst=0\n");
}

TEST(FormatEvent, TheClockRateAndTheRtpStreamsQualityWithTheirPrefixes) {
    EXPECT_EQ(format_event(quality_event(EventKind::freed), 0),
              "event=freed addr-a=10.0.0.1 port-a=20000 addr-b=10.0.0.2 port-b=30000 id=3 "
              "state=live age-ms=1500 idle-ms=20 dscp=sender max-ttl=0 mark=0x0/0x0 dup-below=0 "
              "clock-rate=8000 nflog-group=- nflog-copy=- label=c1;tag%20a%3Db "
              "rtp-a-gate-port=20006 rtp-a-client=192.0.2.5:4000 rtp-a-learned=1 "
              "rtp-a-always-learn=0 rtp-a-packets=3 rtp-a-bytes=480 rtp-a-drops=0 "
              "rtp-a-last-ms=20 rtp-a-dups=0 rtp-a-rate=0 rtp-a-burst=0 rtp-a-ssrc=0x00000abc "
              "rtp-a-ssrc-changes=0 rtp-a-pt=0 rtp-a-expected=4 rtp-a-lost=1 "
              "rtp-a-duplicates=0 rtp-a-reordered=0 rtp-a-jitter=80 rtp-a-jitter-ms=10.0 "
              "rtp-a-not-rtp=0 "
              "rtcp-a-gate-port=20007 rtcp-a-client=- rtcp-a-learned=0 rtcp-a-always-learn=0 "
              "rtcp-a-packets=0 rtcp-a-bytes=0 rtcp-a-drops=0 rtcp-a-dups=0 rtcp-a-rate=0 "
              "rtcp-a-burst=0 "
              "rtp-b-gate-port=30006 rtp-b-client=198.51.100.7:6000 rtp-b-learned=0 "
              "rtp-b-always-learn=0 rtp-b-packets=0 rtp-b-bytes=0 rtp-b-drops=0 rtp-b-dups=0 "
              "rtp-b-rate=0 rtp-b-burst=0 rtp-b-ssrc-changes=0 rtp-b-expected=0 rtp-b-lost=0 "
              "rtp-b-duplicates=0 rtp-b-reordered=0 rtp-b-jitter=0 rtp-b-jitter-ms=0.0 "
              "rtp-b-not-rtp=0 "
              "rtcp-b-gate-port=30007 rtcp-b-client=- rtcp-b-learn-ms=800 rtcp-b-learned=0 "
              "rtcp-b-always-learn=0 rtcp-b-packets=0 rtcp-b-bytes=0 rtcp-b-drops=0 "
              "rtcp-b-dups=0 rtcp-b-rate=0 rtcp-b-burst=0\n");
}

TEST(FormatEvent, TheRecordingBetweenTheClockRateAndTheLabel) {
    Event event = quality_event(EventKind::session_new);
    event.session->recording = Recording{12, Recording::kSent};
    const std::string line = format_event(event, 0);
    EXPECT_NE(line.find(" dup-below=0 clock-rate=8000 nflog-group=12 nflog-copy=sent "
                        "label=c1;tag%20a%3Db rtp-a-gate-port=20006 "),
              std::string::npos)
        << line;
}

TEST(FormatEvent, EverySessionEventByItsName) {
    for (const auto& [kind, name] : {std::pair{EventKind::session_new, "session-new"},
                                     {EventKind::expired, "expired"},
                                     {EventKind::resurrected, "resurrected"},
                                     {EventKind::deleted, "deleted"},
                                     {EventKind::freed, "freed"}}) {
        const std::string line = format_event(session_event(kind), 0);
        EXPECT_EQ(line.rfind(std::string("event=") + name + " addr-a=10.0.0.1 ", 0), 0U) << line;
        EXPECT_EQ(line.find(" stream="), std::string::npos) << line;
    }
}

TEST(FormatEvent, LearnedNamesItsStreamFirst) {
    Event event = session_event(EventKind::learned);
    event.stream = StreamIndex::rtp_a;
    const std::string line = format_event(event, 0);
    EXPECT_EQ(line.rfind("event=learned stream=rtp-a addr-a=10.0.0.1 port-a=20000 ", 0), 0U)
        << line;
    EXPECT_NE(line.find(" rtp-a-client=192.0.2.5:4000 "), std::string::npos) << line;
    event.stream = StreamIndex::rtcp_b;
    EXPECT_EQ(format_event(event, 0).rfind("event=learned stream=rtcp-b ", 0), 0U);
}

TEST(FormatEvent, SwitchboardEventHasTheListRecordsKeys) {
    Switchboard sb = switchboard("fd00::1", 40000, "fd00::2", 42000);
    sb.max_sess = 4;
    sb.rules = 0;
    sb.counters.sessions_created = 1;
    sb.counters.events_lost = 2;
    Event event;
    event.kind = EventKind::switchboard_del;
    event.gates = sb;
    event.switchboard = sb;
    const std::string record = format_switchboard(sb);
    EXPECT_EQ(format_event(event, 0),
              "event=switchboard-del" + record.substr(std::string("record=switchboard").size()));
    EXPECT_NE(format_event(event, 0).find(" sessions-created=1 "), std::string::npos);
    event.kind = EventKind::switchboard_new;
    EXPECT_EQ(format_event(event, 0).rfind("event=switchboard-new addr-a=fd00::1 port-a=40000 ", 0),
              0U);
}

TEST(FormatEvent, LostTellsTheBufferThatRanFull) {
    EXPECT_EQ(format_event(Event{}, 4096), "event=lost rcvbuf=4096\n");
    // Only a lost line has it.
    EXPECT_EQ(format_event(session_event(EventKind::freed), 4096).find("rcvbuf"),
              std::string::npos);
}

TEST(FormatEvent, IsKeyValueOnly) {
    Event event = quality_event(EventKind::learned);
    event.stream = StreamIndex::rtp_b;
    event.session->label = std::string(" =\n\0", 4);
    event.session->recording = Recording{1, Recording::kReceived};
    std::istringstream words(format_event(event, 0));
    std::string word;
    std::set<std::string> keys;
    while (words >> word) {
        const auto eq = word.find('=');
        ASSERT_TRUE(eq != std::string::npos && eq > 0) << word;
        EXPECT_TRUE(keys.insert(word.substr(0, eq)).second) << "key twice: " << word;
    }
    EXPECT_TRUE(keys.count("label"));
    EXPECT_TRUE(keys.count("rtp-b-jitter-ms"));
    EXPECT_TRUE(keys.count("nflog-group"));
    EXPECT_TRUE(keys.count("nflog-copy"));
}
