// SPDX-License-Identifier: GPL-2.0
// The SDP parser and rewriter: what is read, what is rewritten, and that nothing else changes.
#include "sdp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace rtpproxyd::sdp;
using namespace std::string_literals;

namespace {

// Joins lines with the given line ending after each.
std::string join(const std::vector<std::string>& lines, const std::string& eol = "\r\n") {
    std::string out;
    for (const auto& line : lines) out += line + eol;
    return out;
}

// SIPp 3.6.1's uac offer.
const std::vector<std::string> kSippOffer = {
    "v=0",
    "o=user1 53655765 2353687637 IN IP4 10.0.1.2",
    "s=-",
    "c=IN IP4 10.0.1.2",
    "t=0 0",
    "m=audio 6000 RTP/AVP 0",
    "a=rtpmap:0 PCMU/8000",
};

Session parsed(const std::string& text) {
    ParseResult result = parse(text);
    if (!result) {
        ADD_FAILURE() << "refused: " << result.error.message() << "\n" << text;
        return {};
    }
    return std::move(*result.session);
}

std::string refusal(const std::string& text, const Limits& limits = {}) {
    const ParseResult result = parse(text, limits);
    if (result) {
        ADD_FAILURE() << "accepted:\n" << text;
        return "";
    }
    return result.error.message();
}

Endpoint endpoint(std::uint16_t port, const std::string& address = "10.0.0.1",
                  Family family = Family::ip4) {
    Endpoint e;
    e.family = family;
    e.address = address;
    e.port = port;
    return e;
}

std::string rewritten(const std::string& text, const std::vector<MediaPlan>& plans,
                      const RewriteOptions& options = {}) {
    const RewriteResult result = rewrite(parsed(text), plans, options);
    if (!result) {
        ADD_FAILURE() << "rewrite refused: " << result.error;
        return "";
    }
    return *result.sdp;
}

std::string rewrite_error(const std::string& text, const std::vector<MediaPlan>& plans) {
    const RewriteResult result = rewrite(parsed(text), plans);
    if (result) {
        ADD_FAILURE() << "rewrite accepted:\n" << *result.sdp;
        return "";
    }
    return result.error;
}

}  // namespace

TEST(Sdp, SippOfferIsParsed) {
    const Session s = parsed(join(kSippOffer));
    ASSERT_TRUE(s.origin);
    EXPECT_EQ(s.origin->username, "user1");
    EXPECT_EQ(s.origin->session_id, "53655765");
    EXPECT_EQ(s.origin->session_version, "2353687637");
    EXPECT_EQ(s.origin->family, Family::ip4);
    EXPECT_EQ(s.origin->address, "10.0.1.2");
    ASSERT_TRUE(s.connection);
    EXPECT_EQ(s.connection->family, Family::ip4);
    EXPECT_EQ(s.connection->address, "10.0.1.2");
    EXPECT_TRUE(s.connection->numeric);
    EXPECT_FALSE(s.connection->zero);
    ASSERT_EQ(s.media.size(), 1u);
    const Media& m = s.media[0];
    EXPECT_EQ(m.type, "audio");
    EXPECT_EQ(m.port, 6000);
    EXPECT_FALSE(m.port_count);
    EXPECT_EQ(m.proto, "RTP/AVP");
    EXPECT_EQ(m.formats, std::vector<std::string>{"0"});
    EXPECT_FALSE(m.connection);
    EXPECT_FALSE(m.rtcp);
    EXPECT_FALSE(m.rejected());
    EXPECT_EQ(s.connection_of(0), &*s.connection);
    EXPECT_EQ(s.connection_of(1), nullptr);
    EXPECT_EQ(s.direction_of(0), Direction::sendrecv);
    EXPECT_FALSE(s.held(0));
    EXPECT_EQ(s.line_ending(), "\r\n");
    EXPECT_EQ(s.lines.size(), 7u);
}

TEST(Sdp, SippOfferGetsTheRelayAndKeepsCrlf) {
    EXPECT_EQ(rewritten(join(kSippOffer), {MediaPlan::relay_to(endpoint(40000))}),
              "v=0\r\n"
              "o=user1 53655765 2353687637 IN IP4 10.0.1.2\r\n"
              "s=-\r\n"
              "c=IN IP4 10.0.0.1\r\n"
              "t=0 0\r\n"
              "m=audio 40000 RTP/AVP 0\r\n"
              "a=rtpmap:0 PCMU/8000\r\n"
              "a=rtcp:40001\r\n");
}

TEST(Sdp, LfOnlyStaysLfOnly) {
    const std::string out =
        rewritten(join(kSippOffer, "\n"), {MediaPlan::relay_to(endpoint(40000))});
    EXPECT_EQ(out,
              "v=0\n"
              "o=user1 53655765 2353687637 IN IP4 10.0.1.2\n"
              "s=-\n"
              "c=IN IP4 10.0.0.1\n"
              "t=0 0\n"
              "m=audio 40000 RTP/AVP 0\n"
              "a=rtpmap:0 PCMU/8000\n"
              "a=rtcp:40001\n");
    EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(Sdp, EachLineKeepsItsOwnEnding) {
    const std::string in =
        "v=0\r\no=- 1 1 IN IP4 10.0.1.2\ns=-\r\nc=IN IP4 10.0.1.2\nt=0 0\r\n"
        "m=audio 6000 RTP/AVP 0\na=sendrecv";  // the last line without any
    EXPECT_EQ(rewritten(in, {MediaPlan::relay_to(endpoint(40000))}),
              "v=0\r\no=- 1 1 IN IP4 10.0.1.2\ns=-\r\nc=IN IP4 10.0.0.1\nt=0 0\r\n"
              "m=audio 40000 RTP/AVP 0\na=sendrecv\r\na=rtcp:40001\r\n");
    RewriteOptions no_rtcp;
    no_rtcp.add_rtcp_attribute = false;
    EXPECT_EQ(rewritten(in, {MediaPlan::relay_to(endpoint(40000))}, no_rtcp),
              "v=0\r\no=- 1 1 IN IP4 10.0.1.2\ns=-\r\nc=IN IP4 10.0.0.1\nt=0 0\r\n"
              "m=audio 40000 RTP/AVP 0\na=sendrecv");
}

TEST(Sdp, EverythingElseIsByteIdentical) {
    const std::vector<std::string> lines = {
        "v=0",
        "o=- 3858213519 3858213520 IN IP4 192.0.2.10",
        "s=Talk  to me",
        "i=a session",
        "u=http://example.com/",
        "e=alice@example.com",
        "c=IN IP4 192.0.2.10",
        "b=AS:84",
        "t=0 0",
        "z=2882844526 -1h",
        "k=prompt",
        "a=group:BUNDLE 0",
        "a=msid-semantic: WMS",
        "m=audio  6000 RTP/AVP 8 0 101",  // two spaces: kept
        "i=voice",
        "b=TIAS:64000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=x-unknown:with:colons and spaces",
        "a=sendrecv",
        "a=ice-frobnicate",  // not an ICE attribute for all its name
    };
    std::vector<std::string> expected = lines;
    expected[6] = "c=IN IP4 203.0.113.5";
    expected[13] = "m=audio  50000 RTP/AVP 8 0 101";
    expected.push_back("a=rtcp:50001");
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(50000, "203.0.113.5"))}),
              join(expected));
}

TEST(Sdp, RejectedMediaKeepsPortZeroAndGetsNothing) {
    const std::vector<std::string> lines = {
        "v=0",
        "o=- 1 1 IN IP4 10.0.1.2",
        "s=-",
        "c=IN IP4 10.0.1.2",
        "t=0 0",
        "m=audio 6000 RTP/AVP 0",
        "a=rtpmap:0 PCMU/8000",
        "m=video 0 RTP/AVP 31",  // rejected
        "a=rtpmap:31 H261/90000",
        "m=audio 6002 RTP/AVP 8",
    };
    const Session s = parsed(join(lines));
    ASSERT_EQ(s.media.size(), 3u);
    EXPECT_FALSE(s.media[0].rejected());
    EXPECT_TRUE(s.media[1].rejected());
    EXPECT_FALSE(s.media[2].rejected());

    // relay_every_media allocates for the two live sections only, in order.
    const RewriteResult all = relay_every_media(join(lines), Family::ip4, "10.0.0.1", 40000);
    ASSERT_TRUE(all) << all.error;
    EXPECT_EQ(*all.sdp, join({
                            "v=0",
                            "o=- 1 1 IN IP4 10.0.1.2",
                            "s=-",
                            "c=IN IP4 10.0.0.1",
                            "t=0 0",
                            "m=audio 40000 RTP/AVP 0",
                            "a=rtpmap:0 PCMU/8000",
                            "a=rtcp:40001",
                            "m=video 0 RTP/AVP 31",
                            "a=rtpmap:31 H261/90000",
                            "m=audio 40002 RTP/AVP 8",
                            "a=rtcp:40003",
                        }));
    // And the relay cannot be asked to carry a rejected section.
    EXPECT_EQ(rewrite_error(join(lines), {MediaPlan::relay_to(endpoint(40000)),
                                          MediaPlan::relay_to(endpoint(40002)),
                                          MediaPlan::relay_to(endpoint(40004))}),
              "media section 2 is rejected (port 0) and cannot be relayed");
}

TEST(Sdp, TheDaemonCanRejectASection) {
    const std::vector<std::string> lines = {"v=0",
                                            "o=- 1 1 IN IP4 10.0.1.2",
                                            "s=-",
                                            "c=IN IP4 10.0.1.2",
                                            "t=0 0",
                                            "m=audio 6000 RTP/AVP 0",
                                            "m=application 5060 TCP/BFCP *"};
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000)), MediaPlan::reject()}),
              join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "a=rtcp:40001", "m=application 0 TCP/BFCP *"}));
}

TEST(Sdp, AKeptSectionDoesNotFollowTheSessionConnection) {
    const std::vector<std::string> lines = {"v=0",
                                            "o=- 1 1 IN IP4 10.0.1.2",
                                            "s=-",
                                            "c=IN IP4 10.0.1.2",
                                            "t=0 0",
                                            "m=audio 6000 RTP/AVP 0",
                                            "m=application 5060 TCP/BFCP *",
                                            "a=setup:passive"};
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000)), MediaPlan::keep()}),
              join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "a=rtcp:40001", "m=application 5060 TCP/BFCP *",
                    "c=IN IP4 10.0.1.2", "a=setup:passive"}));
}

TEST(Sdp, Ipv6ConnectionsAndBridging) {
    const std::vector<std::string> lines = {
        "v=0",   "o=- 1 1 IN IP6 2001:db8::5", "s=-", "c=IN IP6 2001:db8::5",
        "t=0 0", "m=audio 6000 RTP/AVP 0",
    };
    const Session s = parsed(join(lines));
    EXPECT_EQ(s.connection->family, Family::ip6);
    EXPECT_EQ(s.connection->address, "2001:db8::5");
    EXPECT_TRUE(s.connection->numeric);
    EXPECT_EQ(s.origin->family, Family::ip6);

    RewriteOptions origin;
    origin.replace_origin = true;
    EXPECT_EQ(rewritten(join(lines),
                        {MediaPlan::relay_to(endpoint(40000, "2001:db8::1", Family::ip6))}, origin),
              join({"v=0", "o=- 1 1 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "a=rtcp:40001"}));
    // IPv6 to IPv4: the family changes with the address.
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000))}, origin),
              join({"v=0", "o=- 1 1 IN IP4 10.0.0.1", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "a=rtcp:40001"}));
    // And a relay address must be one of the family it claims.
    EXPECT_EQ(rewrite_error(join(lines), {MediaPlan::relay_to(endpoint(40000, "2001:db8::1"))}),
              "media section 1: relay address '2001:db8::1' is not a numeric IP4 address");
}

TEST(Sdp, HoldIsKeptAsHold) {
    const std::vector<std::string> session_hold = {
        "v=0",
        "o=- 1 2 IN IP4 10.0.1.2",
        "s=-",
        "c=IN IP4 0.0.0.0",
        "t=0 0",
        "m=audio 6000 RTP/AVP 0",
        "a=rtcp:6001 IN IP4 0.0.0.0",
    };
    const Session s = parsed(join(session_hold));
    EXPECT_TRUE(s.connection->zero);
    EXPECT_TRUE(s.held(0));
    EXPECT_EQ(rewritten(join(session_hold), {MediaPlan::relay_to(endpoint(40000))}),
              join({"v=0", "o=- 1 2 IN IP4 10.0.1.2", "s=-", "c=IN IP4 0.0.0.0", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "a=rtcp:40001 IN IP4 0.0.0.0"}));

    // One section held at media level, the other not.
    const std::vector<std::string> media_hold = {
        "v=0",        "o=- 1 2 IN IP6 2001:db8::5", "s=-",         "c=IN IP6 2001:db8::5",
        "t=0 0",      "m=audio 6000 RTP/AVP 0",     "c=IN IP6 ::", "m=video 6002 RTP/AVP 31",
        "a=sendonly",
    };
    const Session m = parsed(join(media_hold));
    EXPECT_TRUE(m.held(0));
    EXPECT_FALSE(m.held(1));
    EXPECT_EQ(m.direction_of(1), Direction::sendonly);
    const Endpoint relay = endpoint(40000, "2001:db8::1", Family::ip6);
    Endpoint video = relay;
    video.port = 40002;
    EXPECT_EQ(rewritten(join(media_hold), {MediaPlan::relay_to(relay), MediaPlan::relay_to(video)}),
              join({"v=0", "o=- 1 2 IN IP6 2001:db8::5", "s=-", "c=IN IP6 2001:db8::1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "c=IN IP6 ::", "a=rtcp:40001",
                    "m=video 40002 RTP/AVP 31", "a=sendonly", "a=rtcp:40003"}));
}

TEST(Sdp, IceIsStripped) {
    const std::vector<std::string> lines = {
        "v=0",
        "o=- 1 1 IN IP4 10.0.1.2",
        "s=-",
        "a=ice-lite",
        "a=ice-options:trickle",
        "c=IN IP4 10.0.1.2",
        "t=0 0",
        "a=ice-ufrag:sess",
        "m=audio 6000 RTP/AVP 0",
        "a=ice-ufrag:F7gI",
        "a=ice-pwd:x9cml/YzichV2+XlhiMu8g",
        "a=candidate:1 1 UDP 2130706431 10.0.1.2 6000 typ host",
        "a=candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.2 rport 6000",
        "a=remote-candidates:1 192.0.2.3 45664",
        "a=ice-mismatch",
        "a=end-of-candidates",
        "a=rtpmap:0 PCMU/8000",
        "a=icecream",
    };
    const Session s = parsed(join(lines));
    EXPECT_TRUE(s.ice);
    EXPECT_TRUE(s.media[0].ice);
    const std::string expected =
        join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
              "m=audio 40000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=icecream", "a=rtcp:40001"});
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000))}), expected);

    RewriteOptions keep_ice;
    keep_ice.strip_ice = false;
    std::vector<std::string> kept = lines;
    kept[5] = "c=IN IP4 10.0.0.1";
    kept[8] = "m=audio 40000 RTP/AVP 0";
    kept.push_back("a=rtcp:40001");
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000))}, keep_ice), join(kept));
}

TEST(Sdp, AnIceAttributeAsTheLastLineGoesWithoutItsMissingEnding) {
    const std::string in = join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.1.2",
                                 "t=0 0", "m=audio 6000 RTP/AVP 0"}) +
                           "a=end-of-candidates";
    RewriteOptions no_rtcp;
    no_rtcp.add_rtcp_attribute = false;
    EXPECT_EQ(rewritten(in, {MediaPlan::relay_to(endpoint(40000))}, no_rtcp),
              join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0"}));
}

TEST(Sdp, ExistingRtcpAttributesAreReplaced) {
    const std::vector<std::string> lines = {
        "v=0",
        "o=- 1 1 IN IP4 10.0.1.2",
        "s=-",
        "t=0 0",
        "m=audio 6000 RTP/AVP 0",
        "c=IN IP4 10.0.1.2",
        "a=rtcp:6001",
        "a=ptime:20",
        "m=audio 7000 RTP/AVP 0",
        "c=IN IP4 10.0.1.3",
        "a=rtcp:7001 IN IP4 10.0.1.3",
        "a=rtcp-mux",
    };
    const Session s = parsed(join(lines));
    ASSERT_TRUE(s.media[0].rtcp);
    EXPECT_EQ(s.media[0].rtcp->port, 6001);
    EXPECT_FALSE(s.media[0].rtcp->connection);
    EXPECT_FALSE(s.media[0].rtcp_mux);
    ASSERT_TRUE(s.media[1].rtcp);
    EXPECT_EQ(s.media[1].rtcp->port, 7001);
    ASSERT_TRUE(s.media[1].rtcp->connection);
    EXPECT_EQ(s.media[1].rtcp->connection->address, "10.0.1.3");
    EXPECT_TRUE(s.media[1].rtcp_mux);
    EXPECT_FALSE(s.connection);

    // The second relays rtcp-mux: its RTCP port is its RTP port.
    Endpoint muxed = endpoint(40002, "2001:db8::1", Family::ip6);
    muxed.rtcp_port = 40002;
    EXPECT_EQ(
        rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000)), MediaPlan::relay_to(muxed)}),
        join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "t=0 0", "m=audio 40000 RTP/AVP 0",
              "c=IN IP4 10.0.0.1", "a=rtcp:40001", "a=ptime:20", "m=audio 40002 RTP/AVP 0",
              "c=IN IP6 2001:db8::1", "a=rtcp:40002 IN IP6 2001:db8::1", "a=rtcp-mux"}));
}

TEST(Sdp, ABlankAfterTheColonIsStillTheShortRtcpForm) {
    // Found by daemon_fuzz: the form was judged by the fields of the whole line.
    const std::vector<std::string> lines = {"v=0", "c=IN IP4 10.0.0.1", "t=0 0",
                                            "m=audio 6000 RTP/AVP 0", "a=rtcp: 6001"};
    EXPECT_FALSE(parsed(join(lines)).media[0].rtcp->connection);
    EXPECT_EQ(
        rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000))}),
        join({"v=0", "c=IN IP4 10.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 0", "a=rtcp:40001"}));
}

TEST(Sdp, OriginOnlyOnRequest) {
    EXPECT_NE(rewritten(join(kSippOffer), {MediaPlan::relay_to(endpoint(40000))})
                  .find("\r\no=user1 53655765 2353687637 IN IP4 10.0.1.2\r\n"),
              std::string::npos);
    RewriteOptions origin;
    origin.replace_origin = true;
    EXPECT_EQ(rewritten(join(kSippOffer), {MediaPlan::relay_to(endpoint(40000))}, origin),
              "v=0\r\n"
              "o=user1 53655765 2353687637 IN IP4 10.0.0.1\r\n"
              "s=-\r\n"
              "c=IN IP4 10.0.0.1\r\n"
              "t=0 0\r\n"
              "m=audio 40000 RTP/AVP 0\r\n"
              "a=rtpmap:0 PCMU/8000\r\n"
              "a=rtcp:40001\r\n");
    // Nothing relayed, nothing to put there.
    const std::string rejected = join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.1.2",
                                       "t=0 0", "m=audio 0 RTP/AVP 0"});
    EXPECT_EQ(rewritten(rejected, {MediaPlan::keep()}, origin), rejected);
}

TEST(Sdp, MediaLevelConnectionsAreSetOrAdded) {
    // The session-level c= gets the first section's relay address; a section relayed
    // elsewhere gets a c= of its own, after m= and i=.
    const std::vector<std::string> lines = {
        "v=0",
        "o=- 1 1 IN IP4 10.0.1.2",
        "s=-",
        "c=IN IP4 10.0.1.2",
        "t=0 0",
        "m=audio 6000 RTP/AVP 0",
        "m=video 6002 RTP/AVP 31",
        "i=camera",
        "b=AS:512",
        "a=rtpmap:31 H261/90000",
    };
    EXPECT_EQ(
        rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000)),
                                MediaPlan::relay_to(endpoint(40002, "10.9.9.9"))}),
        join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
              "m=audio 40000 RTP/AVP 0", "a=rtcp:40001", "m=video 40002 RTP/AVP 31", "i=camera",
              "c=IN IP4 10.9.9.9", "b=AS:512", "a=rtpmap:31 H261/90000", "a=rtcp:40003"}));
    // Same address: the session-level c= covers it.
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000)),
                                      MediaPlan::relay_to(endpoint(40002))}),
              join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                    "m=audio 40000 RTP/AVP 0", "a=rtcp:40001", "m=video 40002 RTP/AVP 31",
                    "i=camera", "b=AS:512", "a=rtpmap:31 H261/90000", "a=rtcp:40003"}));
}

TEST(Sdp, MulticastSuffixAndPortCount) {
    const std::vector<std::string> lines = {
        "v=0",   "o=- 1 1 IN IP4 10.0.1.2",    "s=-", "c=IN IP4 224.2.1.1/127/3",
        "t=0 0", "m=video 49170/2 RTP/AVP 31",
    };
    const Session s = parsed(join(lines));
    EXPECT_EQ(s.connection->address, "224.2.1.1");
    EXPECT_EQ(s.connection->suffix, "/127/3");
    EXPECT_EQ(s.media[0].port, 49170);
    EXPECT_EQ(s.media[0].port_count, 2u);
    EXPECT_EQ(rewritten(join(lines), {MediaPlan::relay_to(endpoint(40000))}),
              join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.0.1", "t=0 0",
                    "m=video 40000/2 RTP/AVP 31", "a=rtcp:40001"}));
}

TEST(Sdp, HostNamesParseButAreNotNumeric) {
    const Session s =
        parsed(join({"v=0", "o=- 1 1 IN IP4 host.example.com", "s=-", "c=IN IP4 host.example.com",
                     "t=0 0", "m=audio 6000 RTP/AVP 0"}));
    EXPECT_FALSE(s.connection->numeric);
    EXPECT_FALSE(s.connection->zero);
}

TEST(Sdp, TrailingBlankLinesAreKept) {
    const std::string in = join(kSippOffer) + "\r\n\r\n";
    const Session s = parsed(in);
    EXPECT_EQ(s.lines.size(), 9u);
    EXPECT_EQ(rewritten(in, {MediaPlan::relay_to(endpoint(40000))}),
              "v=0\r\n"
              "o=user1 53655765 2353687637 IN IP4 10.0.1.2\r\n"
              "s=-\r\n"
              "c=IN IP4 10.0.0.1\r\n"
              "t=0 0\r\n"
              "m=audio 40000 RTP/AVP 0\r\n"
              "a=rtpmap:0 PCMU/8000\r\n"
              "a=rtcp:40001\r\n"
              "\r\n\r\n");
}

TEST(Sdp, MalformedSdpIsRefusedWithAReason) {
    EXPECT_EQ(refusal(""), "empty SDP");
    EXPECT_EQ(refusal("\r\n\r\n"), "SDP without lines");
    EXPECT_EQ(refusal(join({"o=- 1 1 IN IP4 10.0.1.2", "s=-"})),
              "SDP does not start with v= (line 1)");
    EXPECT_EQ(refusal(join({"v=0", "s=-", "v=0"})), "v= after the first line (line 3)");
    EXPECT_EQ(refusal(join({"v=0", "hello"})), "line is not <letter>=<value> (line 2)");
    EXPECT_EQ(refusal(join({"v=0", "=x"})), "line is not <letter>=<value> (line 2)");
    EXPECT_EQ(refusal(join({"v=0", "S=-"})), "line is not <letter>=<value> (line 2)");
    EXPECT_EQ(refusal(join({"v=0", "s"})), "line is not <letter>=<value> (line 2)");
    EXPECT_EQ(refusal(join({"v=0", "", "s=-"})), "empty line (line 2)");
    EXPECT_EQ(refusal("v=0\r\ns=-\rt=0 0\r\n"), "carriage return without a line feed (line 2)");
    EXPECT_EQ(refusal("v=0\r\ns=\0\r\n"s), "NUL byte (line 2)");

    const auto with_media = [](const std::string& m) {
        return join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.1.2", "t=0 0", m});
    };
    EXPECT_EQ(refusal(with_media("m=audio 65536 RTP/AVP 0")),
              "m= port is not a number from 0 to 65535 (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio abc RTP/AVP 0")),
              "m= port is not a number from 0 to 65535 (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio -1 RTP/AVP 0")),
              "m= port is not a number from 0 to 65535 (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio 99999999999999999999 RTP/AVP 0")),
              "m= port is not a number from 0 to 65535 (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio /2 RTP/AVP 0")),
              "m= port is not a number from 0 to 65535 (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio 6000/0 RTP/AVP 0")),
              "m= port count is not a number from 1 (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP")),
              "m= needs <media> <port> <proto> <format>... (line 6)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP 0\r\na=rtcp:x")),
              "a=rtcp port is not a number from 0 to 65535 (line 7)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP 0\r\na=rtcp")),
              "a=rtcp without a port (line 7)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP 0\r\na=rtcp:6001 IN IP4")),
              "a=rtcp needs <port> [IN <family> <address>] (line 7)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP 0\r\na=rtcp:6001 IN IP5 10.0.1.2")),
              "unknown address family (not IP4 or IP6) (line 7)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.5")),
              "second c= line at the same level (line 8)");
    EXPECT_EQ(refusal(with_media("m=audio 6000 RTP/AVP 0\r\no=- 1 1 IN IP4 10.0.1.2")),
              "o= inside a media section (line 7)");

    const auto with_c = [](const std::string& c) {
        return join(
            {"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", c, "t=0 0", "m=audio 6000 RTP/AVP 0"});
    };
    EXPECT_EQ(refusal(with_c("c=IN IP5 10.0.1.2")),
              "unknown address family (not IP4 or IP6) (line 4)");
    EXPECT_EQ(refusal(with_c("c=IN ip4 10.0.1.2")),
              "unknown address family (not IP4 or IP6) (line 4)");
    EXPECT_EQ(refusal(with_c("c=ATM NSAP 47.0091")), "unknown network type (not IN) (line 4)");
    EXPECT_EQ(refusal(with_c("c=IN IP4")), "connection needs IN <family> <address> (line 4)");
    EXPECT_EQ(refusal(with_c("c=IN IP4 1.2.3.4 5")),
              "connection needs IN <family> <address> (line 4)");
    EXPECT_EQ(refusal(with_c("c=IN IP4 /127")), "empty address (line 4)");
    EXPECT_EQ(refusal(with_c("c=IN IP4 10.0.1.2\r\nc=IN IP4 10.0.1.3")),
              "second c= line at the same level (line 5)");
    EXPECT_EQ(refusal(join({"v=0", "o=- 1 1 IN IP4", "s=-"})),
              "o= needs <username> <sess-id> <sess-version> IN <family> <address> (line 2)");
    EXPECT_EQ(refusal(join({"v=0", "o=- 1 1 IN IPX 10.0.1.2", "s=-"})),
              "unknown address family (not IP4 or IP6) (line 2)");
    EXPECT_EQ(refusal(join({"v=0", "o=- 1 1 IN IP4 1.2.3.4", "o=- 1 1 IN IP4 1.2.3.4"})),
              "second o= line (line 3)");
    // RFC 8866 5.7: a live section needs a c= somewhere; a rejected one does not.
    EXPECT_EQ(refusal(join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "t=0 0", "m=audio 0 RTP/AVP 0",
                            "m=audio 6000 RTP/AVP 0"})),
              "media section without c= and no session-level c= (line 6)");
    EXPECT_TRUE(
        parse(join({"v=0", "o=- 1 1 IN IP4 10.0.1.2", "s=-", "t=0 0", "m=audio 0 RTP/AVP 0"})));
}

TEST(Sdp, LimitsBoundTheInput) {
    Limits small;
    small.max_bytes = 20;
    EXPECT_EQ(refusal(join(kSippOffer), small), "SDP of 127 bytes, more than 20");
    Limits lines;
    lines.max_lines = 6;
    EXPECT_EQ(refusal(join(kSippOffer), lines), "SDP of more than 6 lines");
    Limits media;
    media.max_media = 2;
    std::vector<std::string> three = kSippOffer;
    three.push_back("m=audio 6002 RTP/AVP 0");
    EXPECT_TRUE(parse(join(three), media));
    three.push_back("m=audio 6004 RTP/AVP 0");
    EXPECT_EQ(refusal(join(three), media), "more than 2 media sections (line 9)");
    // The defaults: 64 KiB.
    EXPECT_EQ(refusal(join(kSippOffer) + "a=x:" + std::string(70'000, 'y') + "\r\n"),
              "SDP of 70133 bytes, more than 65536");
}

TEST(Sdp, PlansMustFitTheSdp) {
    const std::string sdp = join(kSippOffer);
    EXPECT_EQ(rewrite_error(sdp, {}), "0 media plans for 1 media sections");
    EXPECT_EQ(rewrite_error(sdp, {MediaPlan::keep(), MediaPlan::keep()}),
              "2 media plans for 1 media sections");
    EXPECT_EQ(rewrite_error(sdp, {MediaPlan::relay_to(endpoint(40000, "relay.example.com"))}),
              "media section 1: relay address 'relay.example.com' is not a numeric IP4 address");
    EXPECT_EQ(rewrite_error(sdp, {MediaPlan::relay_to(endpoint(40000, "10.0.0.1\r\nm=x"))}),
              "media section 1: relay address '10.0.0.1\r\nm=x' is not a numeric IP4 address");
    EXPECT_EQ(rewrite_error(sdp, {MediaPlan::relay_to(endpoint(40000, "10.0.0.1\0"s))}),
              "media section 1: relay address '10.0.0.1\0' is not a numeric IP4 address"s);
    EXPECT_EQ(rewrite_error(sdp, {MediaPlan::relay_to(endpoint(0))}),
              "media section 1: relay port 0");
    EXPECT_EQ(rewrite_error(sdp, {MediaPlan::relay_to(endpoint(65535))}),
              "media section 1: no port after 65535 for RTCP");
    Endpoint top = endpoint(65535);
    top.rtcp_port = 65535;
    EXPECT_TRUE(rewrite(parsed(sdp), {MediaPlan::relay_to(top)}));
    // Keep everything: the SDP comes back as it was.
    EXPECT_EQ(rewritten(sdp, {MediaPlan::keep()}), sdp);
}

TEST(Sdp, RelayEveryMediaReportsParseErrors) {
    const RewriteResult r =
        relay_every_media("v=0\r\nm=audio x RTP/AVP 0\r\n", Family::ip4, "10.0.0.1", 40000);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error, "m= port is not a number from 0 to 65535 (line 2)");
    // Past the last port: rejected rather than wrapped.
    std::vector<std::string> two = kSippOffer;
    two.push_back("m=audio 6002 RTP/AVP 0");
    const RewriteResult top = relay_every_media(join(two), Family::ip4, "10.0.0.1", 65534);
    ASSERT_TRUE(top) << top.error;
    EXPECT_NE(top.sdp->find("\r\nm=audio 65534 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                            "a=rtcp:65535\r\nm=audio 0 RTP/AVP 0\r\n"),
              std::string::npos)
        << *top.sdp;
}
