// SPDX-License-Identifier: GPL-2.0
// What the daemon answers to rtpproxy's commands, against a model of the kernel: the replies
// Kamailio and OpenSIPS read, and the E codes for what cannot be done.
#include <gtest/gtest.h>

#include "fake_session_store.hpp"
#include "rtpproxy_service.hpp"

namespace {

using namespace rtpproxyd;
using rtpproxyd::testing::FakeStore;
using xtrtpproxy::Address;

class RtpproxyServiceTest : public ::testing::Test {
  protected:
    std::string run(std::string_view text) {
        const ParseResult parsed = parse_datagram(text, Cookie::absent);
        if (const auto* error = std::get_if<Error>(&parsed.result)) return format_error(*error);
        return service.handle(std::get<Command>(parsed.result));
    }

    RelayPlan plan = RelayPlan::own({Address::parse("192.0.2.1"), {}}, {}, 40000, 40599);
    FakeStore store;
    CallTable calls{plan, store, SessionPolicy{}};
    RtpproxyServiceConfig config = [] {
        RtpproxyServiceConfig c;
        c.kernel_info = [] {
            xtrtpproxy::Info info;
            info.counters.packets = 1234;
            info.counters.sessions_expired = 2;
            return info;
        };
        return c;
    }();
    RtpproxyService service{calls, plan, config};
};

TEST_F(RtpproxyServiceTest, HandshakeAnswersWhatWorks) {
    EXPECT_EQ(run("V"), "20040107");
    EXPECT_EQ(run("VF 20050322"), "1");
    EXPECT_EQ(run("VF 20081102"), "1");
    EXPECT_EQ(run("VF 20071116"), "0");
    EXPECT_EQ(run("VF 20071218"), "0") << "no recording without -r";
    EXPECT_EQ(run("VF 20081224"), "0") << "no notifications without -n";
    EXPECT_EQ(run("VF 99999999"), "0");
}

TEST_F(RtpproxyServiceTest, OfferAnswerQueryDelete) {
    EXPECT_EQ(run("Uc0,8 c1 10.0.0.2 7000 ft;1"), "40300 192.0.2.1");
    EXPECT_EQ(run("Lc0 c1 10.0.1.2 6000 ft;1 tt;1"), "40000 192.0.2.1");
    EXPECT_EQ(run("Q c1 ft;1 tt;1"), "60 0 0 0 0");
    EXPECT_EQ(run("Qv c1 ft tt"), "ttl=60 pkts_ia=0 pkts_io=0 relayed=0 dropped=0");
    EXPECT_EQ(run("Q c1 ft tt relayed ttl"), "0 60");
    EXPECT_EQ(run("Q c1 ft tt nonsense"), "E62");
    EXPECT_EQ(run("D c1 tt ft"), "0") << "tags in either order";
    EXPECT_EQ(run("D c1 ft tt"), "E50");
    EXPECT_EQ(run("Q c1 ft tt"), "E50");
    EXPECT_TRUE(store.sessions.empty());
}

TEST_F(RtpproxyServiceTest, RefusalsCarryTheirCodes) {
    EXPECT_EQ(run("L nocall 10.0.1.2 6000 ft;1 tt;1"), "0") << "port 0: Kamailio's failed lookup";
    EXPECT_EQ(run("UE c1 10.0.0.2 7000 ft;1"), "E11");
    EXPECT_EQ(run("UI c1 10.0.0.2 7000 ft;1"), "E12");
    EXPECT_EQ(run("U c1 2001:db8::2 7000 ft;1"), "E36");
    EXPECT_EQ(run("U c1 10.0.0.2 7000 ft;1 unix:/run/n.sock tag"), "E75") << "no -n";
    EXPECT_EQ(run("P c1 prompt session ft"), "E50") << "no such call";
    EXPECT_EQ(run("R c1 ft"), "E50");
    run("U c1 10.0.0.2 7000 ft;1");
    EXPECT_EQ(run("P c1 prompt session ft"), "E60") << "nothing to play from";
    EXPECT_EQ(run("C c1 /tmp/x ft"), "E65");
    EXPECT_EQ(run("R c1 ft"), "E65") << "no recording without -r";
    EXPECT_EQ(run("S c1 ft"), "0");
    EXPECT_EQ(run("U6 c1 10.0.1.2 6000 tt;1 ft;1"), "40000 192.0.2.1")
        << "the 6 modifier is a hint; the address says IPv4";
}

TEST_F(RtpproxyServiceTest, FullSwitchboardIsE71) {
    store.capacity = 1;
    run("U c1 10.0.0.2 7000 ft;1");
    EXPECT_EQ(run("U c2 10.0.0.2 7000 ft;1"), "E71");
}

TEST_F(RtpproxyServiceTest, InfoStatisticsAndDeleteAll) {
    run("U c1 10.0.0.2 7000 ft;1");
    run("U c2 10.0.0.2 7002 ft;1");
    EXPECT_EQ(run("Ib"), "sessions created: 2\nactive sessions: 2\nactive calls: 2");
    EXPECT_NE(run("I").find("packets relayed: 1234"), std::string::npos);
    EXPECT_EQ(run("G nsess_created npkts_relayed nsess_timeout"), "2 1234 2");
    EXPECT_EQ(run("Gv nsess_active"), "nsess_active=2");
    EXPECT_EQ(run("G nope"), "E68");
    EXPECT_EQ(run("X"), "0");
    EXPECT_EQ(run("Ib"), "sessions created: 2\nactive sessions: 0\nactive calls: 0");
    EXPECT_TRUE(store.sessions.empty());
}

}  // namespace
