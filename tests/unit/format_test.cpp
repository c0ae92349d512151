// SPDX-License-Identifier: GPL-2.0
// iptrtpproxy's output formats, exactly as the man page documents them.
#include "format.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <sstream>

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
    info.counters = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
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
              "drop-rate=14\n");
}

TEST(Format, Switchboard) {
    Switchboard sb = switchboard("10.0.0.1", 50000, "10.0.0.1", 50200);
    sb.max_sess = 100;
    sb.expires_timeout = 60;
    sb.resurrection_timeout = 30;
    sb.rules = 3;
    sb.live = 2;
    sb.expired = 1;
    sb.counters = {10, 1600, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    EXPECT_EQ(format_switchboard(sb),
              "record=switchboard addr-a=10.0.0.1 port-a=50000 addr-b=10.0.0.1 port-b=50200 "
              "max-sess=100 expires-timeout=60 resurrection-timeout=30 rules=3 live=2 expired=1 "
              "packets=10 bytes=1600 drop-no-session=1 drop-source=2 drop-expired=3 "
              "drop-malformed=4 drop-no-dest=5 drop-xmit=6 drop-loop=7 duplicated=11 "
              "dscp=sender max-ttl=0 dup-below=0 drop-rate=12\n");
    // The rule's relay defaults.
    sb.relay_defaults.dscp = xtrtpproxy::Dscp{46};
    sb.relay_defaults.max_ttl = 8;
    sb.relay_defaults.dup_below = 128;
    EXPECT_TRUE(format_switchboard(sb).ends_with(
        "drop-loop=7 duplicated=11 dscp=46 max-ttl=8 dup-below=128 drop-rate=12\n"));
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
              "max-ttl=0 mark=0x0/0x0 dup-below=0\n"
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
              "mark=0x10/0xff dup-below=128\n");
    EXPECT_NE(out.find(" stream=rtp-a gate-port=0 client=- learned=0 always-learn=0 packets=0 "
                       "bytes=0 drops=0 dups=7 rate=0 burst=0\n"),
              std::string::npos)
        << out;
    session.relay.mark = {0xdeadbeef, Mark::kAllBits};
    session.relay.dscp = Dscp{0};
    EXPECT_NE(format_session(session).find(" dscp=0 max-ttl=16 mark=0xdeadbeef/0xffffffff "),
              std::string::npos);
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
    const std::string out = format_list({sb}, {entry}, true);
    expect_key_value_records(out);
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
    EXPECT_EQ(count, 18);
}
