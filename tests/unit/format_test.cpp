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
    info.counters = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    EXPECT_EQ(format_info(info),
              "version: 0.1.0\n"
              "uptime-ms: 12345\n"
              "switchboards: 1\n"
              "sessions: 2\n"
              "packets: 1\n"
              "bytes: 2\n"
              "drop-no-session: 3\n"
              "drop-source: 4\n"
              "drop-expired: 5\n"
              "drop-malformed: 6\n"
              "drop-no-dest: 7\n"
              "drop-xmit: 8\n"
              "sessions-created: 9\n"
              "sessions-expired: 10\n"
              "sessions-deleted: 11\n");
}

TEST(Format, Switchboard) {
    Switchboard sb = switchboard("10.0.0.1", 50000, "10.0.0.1", 50200);
    sb.max_sess = 100;
    sb.expires_timeout = 60;
    sb.resurrection_timeout = 30;
    sb.rules = 3;
    sb.live = 2;
    sb.expired = 1;
    sb.counters = {10, 1600, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    EXPECT_EQ(format_switchboard(sb),
              "switchboard addr-a=10.0.0.1 port-a=50000 addr-b=10.0.0.1 port-b=50200 max-sess=100 "
              "expires-timeout=60 resurrection-timeout=30 rules=3 live=2 expired=1 packets=10 "
              "bytes=1600 drop-no-session=1 drop-source=2 drop-expired=3 drop-malformed=4 "
              "drop-no-dest=5 drop-xmit=6\n");
}

TEST(Format, StreamMinimal) {
    Stream stream;
    stream.gate_port = 50006;
    EXPECT_EQ(format_stream(0, stream),
              "    rtp-a gate-port=50006 client=- packets=0 bytes=0 drops=0\n");
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
    EXPECT_EQ(format_stream(3, stream),
              "    rtcp-b gate-port=50207 client=[2001:db8::7]:7079 learn-ms=900 learned "
              "always-learn packets=5 bytes=800 drops=1 last-ms=20\n");
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
              "  session id=3 state=expired age-ms=70000 idle-ms=61000\n"
              "    rtp-a gate-port=50006 client=192.168.1.5:7078 packets=0 bytes=0 drops=0\n"
              "    rtcp-a gate-port=50007 client=- packets=0 bytes=0 drops=0\n"
              "    rtp-b gate-port=50008 client=- packets=0 bytes=0 drops=0\n"
              "    rtcp-b gate-port=50009 client=- packets=0 bytes=0 drops=0\n");
    session.state = SessionState::live;
    EXPECT_EQ(format_session(session).rfind("  session id=3 state=live ", 0), 0U);
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
              "sess-id=3 addr-a=10.0.0.1 rtp-port-a=50006 rtcp-port-a=50007 addr-b=10.0.0.1 "
              "rtp-port-b=50206 rtcp-port-b=50207\n");
}

TEST(Format, AllocComputesPortsWhenNotReported) {
    SessionEntry entry{switchboard("fd00::1", 40000, "fd00::2", 40000), {}};
    entry.session.id = 7;
    EXPECT_EQ(format_alloc(entry),
              "sess-id=7 addr-a=fd00::1 rtp-port-a=40014 rtcp-port-a=40015 addr-b=fd00::2 "
              "rtp-port-b=40014 rtcp-port-b=40015\n");
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
