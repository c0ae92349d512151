// SPDX-License-Identifier: GPL-2.0
// rtpproxy's control protocol: the commands Kamailio and OpenSIPS send, every refusal's code,
// hostile bytes, and the replies.
#include "rtpproxy_command.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace rtpproxyd;
using namespace std::string_literals;

namespace {

ParseResult parse_udp(std::string_view bytes) { return parse_datagram(bytes, Cookie::expected); }
ParseResult parse_stream(std::string_view bytes) { return parse_datagram(bytes, Cookie::absent); }

// The command of a parse that must succeed, as T.
template <typename T>
T command_of(const ParseResult& parsed) {
    const auto* command = std::get_if<Command>(&parsed.result);
    if (command == nullptr) {
        ADD_FAILURE() << "refused with E" << error_code(std::get<Error>(parsed.result)) << " ("
                      << error_meaning(std::get<Error>(parsed.result)) << ")";
        return T{};
    }
    const T* typed = std::get_if<T>(command);
    if (typed == nullptr) {
        ADD_FAILURE() << "parsed as command #" << command->index();
        return T{};
    }
    return *typed;
}

template <typename T>
T udp(std::string_view bytes) {
    return command_of<T>(parse_udp(bytes));
}
template <typename T>
T stream(std::string_view bytes) {
    return command_of<T>(parse_stream(bytes));
}

// The E<n> a stream command is refused with; -1 if it is accepted.
int refusal(std::string_view bytes, Cookie cookie = Cookie::absent) {
    const auto parsed = parse_datagram(bytes, cookie);
    const auto* error = std::get_if<Error>(&parsed.result);
    return error == nullptr ? -1 : static_cast<int>(error_code(*error));
}

Address v4(const char* text) { return parse_address(text).value(); }

Tag tag(const char* name, std::optional<std::uint32_t> media = std::nullopt) {
    return Tag{name, media};
}

}  // namespace

// The three lines of notes section 1 "What Kamailio sends", captured from Kamailio 5.6.
TEST(RtpproxyCommand, KamailioUpdateLookupDelete) {
    const auto u = parse_udp("10025_4 Uc0 1-10054@127.0.0.2 127.0.0.2 7000 10054SIPpTag001;1");
    EXPECT_EQ(u.cookie, "10025_4");
    const auto update = command_of<Update>(u);
    EXPECT_EQ(update.call_id, "1-10054@127.0.0.2");
    EXPECT_EQ(update.remote_address, v4("127.0.0.2"));
    EXPECT_FALSE(update.remote_address.ipv6);
    EXPECT_EQ(update.remote_port, 7000);
    EXPECT_EQ(update.from_tag, tag("10054SIPpTag001", 1));
    EXPECT_FALSE(update.to_tag);
    EXPECT_FALSE(update.notify);
    EXPECT_EQ(update.modifiers.codecs, std::vector<std::uint8_t>{0});
    EXPECT_FALSE(update.modifiers.asymmetric);
    EXPECT_FALSE(update.modifiers.ipv6);

    const auto l = parse_udp(
        "10025_5 Lc0 1-10054@127.0.0.2 127.0.0.3 6000 10054SIPpTag001;1 10048SIPpTag011;1");
    EXPECT_EQ(l.cookie, "10025_5");
    const auto lookup = command_of<Lookup>(l);
    EXPECT_EQ(lookup.call_id, "1-10054@127.0.0.2");
    EXPECT_EQ(lookup.remote_address, v4("127.0.0.3"));
    EXPECT_EQ(lookup.remote_port, 6000);
    EXPECT_EQ(lookup.from_tag, tag("10054SIPpTag001", 1));
    EXPECT_EQ(lookup.to_tag, tag("10048SIPpTag011", 1));

    const auto d = parse_udp("10025_6 D 1-10054@127.0.0.2 10054SIPpTag001 10048SIPpTag011");
    EXPECT_EQ(d.cookie, "10025_6");
    const auto del = command_of<Delete>(d);
    EXPECT_FALSE(del.weak);
    EXPECT_EQ(del.call_id, "1-10054@127.0.0.2");
    // No ;N: the delete names every media of the call.
    EXPECT_EQ(del.from_tag, tag("10054SIPpTag001"));
    EXPECT_EQ(del.to_tag, tag("10048SIPpTag011"));

    // CANCEL or an early failure: the from-tag alone.
    const auto cancel = udp<Delete>("10025_7 D 1-10054@127.0.0.2 10054SIPpTag001\n");
    EXPECT_EQ(cancel.from_tag, tag("10054SIPpTag001"));
    EXPECT_FALSE(cancel.to_tag);
}

TEST(RtpproxyCommand, KamailioOtherCommands) {
    const auto record = udp<Record>("1_1 R callid ft tt");
    EXPECT_EQ(record.call_id, "callid");
    EXPECT_EQ(record.from_tag, tag("ft"));
    EXPECT_EQ(record.to_tag, tag("tt"));
    EXPECT_FALSE(record.single_file);

    const auto query = udp<Query>("1_2 Q callid ft;1 tt");
    EXPECT_EQ(query.from_tag, tag("ft", 1));
    EXPECT_EQ(query.to_tag, tag("tt"));
    EXPECT_FALSE(query.verbose);
    EXPECT_TRUE(query.stats.empty());

    const auto play = udp<Play>("1_3 P3 callid /var/moh.wav session ft;1 tt;1");
    EXPECT_EQ(play.count, 3u);
    EXPECT_EQ(play.prompt, "/var/moh.wav");
    EXPECT_EQ(play.codecs, "session");
    EXPECT_EQ(play.from_tag, tag("ft", 1));
    EXPECT_EQ(play.to_tag, tag("tt", 1));
    EXPECT_EQ(udp<Play>("1_3 P callid p 0,8 ft").count, 1u);
    EXPECT_FALSE(udp<Play>("1_3 P callid p 0,8 ft").to_tag);

    const auto stop = udp<NoPlay>("1_4 S callid ft;1 tt;1");
    EXPECT_EQ(stop.from_tag, tag("ft", 1));
    EXPECT_EQ(stop.to_tag, tag("tt", 1));
}

TEST(RtpproxyCommand, VersionHandshake) {
    const auto v = parse_udp("10025_1 V\n");
    EXPECT_EQ(v.cookie, "10025_1");
    command_of<Version>(v);
    EXPECT_EQ(udp<VersionFeature>("10025_2 VF 20050322").date, "20050322");
    EXPECT_EQ(udp<VersionFeature>("10025_3 vf 20071116").date, "20071116");
    // Any text is a legal date; it is answered 0.
    EXPECT_EQ(stream<VersionFeature>("VF hello").date, "hello");

    EXPECT_EQ(format_version(), "20040107");
    const auto supported = FeatureSet::kernel_relay();
    EXPECT_EQ(format_feature_reply("20040107", supported), "1");
    EXPECT_EQ(format_feature_reply("20050322", supported), "1");  // else Kamailio disables us
    EXPECT_EQ(format_feature_reply("20081102", supported), "1");
    EXPECT_EQ(format_feature_reply("20071116", supported), "0");  // no re-packetisation
    // What OpenSIPS asks on top, none of it implemented by default; 20191015 in particular
    // would make it append && subcommands.
    for (const char* date : {"20090810", "20081224", "20080403", "20150617", "20150420", "20170313",
                             "20071218", "20191015"})
        EXPECT_EQ(format_feature_reply(date, supported), "0") << date;
    EXPECT_EQ(format_feature_reply("hello", supported), "0");
    EXPECT_EQ(format_feature_reply("", supported), "0");
}

TEST(RtpproxyCommand, FeatureSetHoldsOnlyKnownDates) {
    FeatureSet set;
    for (const auto& feature : kKnownFeatures) EXPECT_FALSE(set.contains(feature.date));
    EXPECT_TRUE(set.add("20080403"));
    EXPECT_TRUE(set.contains("20080403"));
    EXPECT_FALSE(set.contains("20071218"));
    EXPECT_FALSE(set.add("20991231"));
    EXPECT_FALSE(set.contains("20991231"));
    EXPECT_FALSE(set.add("2008040"));
    for (const auto& feature : kKnownFeatures) EXPECT_TRUE(set.add(feature.date));
    for (const auto& feature : kKnownFeatures) EXPECT_TRUE(set.contains(feature.date));
    // The table itself: the dates the notes list, each once.
    for (const char* date :
         {"20040107", "20050322", "20060704", "20071116", "20071218", "20080403", "20081102",
          "20081224", "20090810", "20150330", "20150420", "20150617", "20170313", "20191015"}) {
        int seen = 0;
        for (const auto& feature : kKnownFeatures) seen += feature.date == date;
        EXPECT_EQ(seen, 1) << date;
    }
}

TEST(RtpproxyCommand, KamailioModifierOrder) {
    const auto update = stream<Update>("UIE6Z20c0,8,101 cid 2001:db8::1 7000 ft;1");
    const auto& m = update.modifiers;
    EXPECT_EQ(m.sender_network, Network::internal);
    EXPECT_EQ(m.receiver_network, Network::external);
    EXPECT_TRUE(m.ipv6);
    EXPECT_EQ(m.ptime, 20u);
    EXPECT_EQ(m.codecs, (std::vector<std::uint8_t>{0, 8, 101}));
    EXPECT_TRUE(update.remote_address.ipv6);
    EXPECT_EQ(format_address(update.remote_address), "2001:db8::1");

    const auto ei = stream<Update>("UEI6 cid ::1 7000 ft;1").modifiers;
    EXPECT_EQ(ei.sender_network, Network::external);
    EXPECT_EQ(ei.receiver_network, Network::internal);
    const auto one = stream<Update>("UI cid 1.2.3.4 7000 ft;1").modifiers;
    EXPECT_EQ(one.sender_network, Network::internal);
    EXPECT_FALSE(one.receiver_network);
}

TEST(RtpproxyCommand, ModifiersRepeatAndIgnoreCase) {
    // Kamailio's 6 accumulates across the streams of one SDP and stays on the IPv4 ones: the
    // address's own family wins.
    const auto update = stream<Update>("U66c8 cid 10.0.0.1 7000 ft;2");
    EXPECT_TRUE(update.modifiers.ipv6);
    EXPECT_FALSE(update.remote_address.ipv6);
    EXPECT_EQ(update.from_tag, tag("ft", 2));

    const auto lower = stream<Update>("uasw6z30c0 cid 10.0.0.1 7000 ft").modifiers;
    const auto upper = stream<Update>("UASW6Z30C0 cid 10.0.0.1 7000 ft").modifiers;
    EXPECT_EQ(lower, upper);
    EXPECT_EQ(lower.asymmetric, false);  // S came last
    EXPECT_TRUE(lower.weak);
    EXPECT_EQ(lower.ptime, 30u);

    EXPECT_EQ(stream<Update>("USA cid 10.0.0.1 7000 ft").modifiers.asymmetric, true);
    EXPECT_EQ(stream<Update>("UZ10Z40 cid 10.0.0.1 7000 ft").modifiers.ptime, 40u);
    EXPECT_EQ(stream<Update>("UZ020 cid 10.0.0.1 7000 ft").modifiers.ptime, 20u);
    EXPECT_EQ(stream<Update>("UZ999 cid 10.0.0.1 7000 ft").modifiers.ptime, 999u);
    EXPECT_EQ(stream<Update>("UZ1 cid 10.0.0.1 7000 ft").modifiers.ptime, 1u);
    EXPECT_TRUE(stream<Lookup>("Ln cid 10.0.0.1 7000 ft tt").modifiers.new_port);
    EXPECT_TRUE(stream<Lookup>("lN cid 10.0.0.1 7000 ft tt").modifiers.new_port);
    EXPECT_FALSE(stream<Lookup>("L cid 10.0.0.1 7000 ft tt").modifiers.new_port);
    // Empty elements of a codec list are skipped.
    EXPECT_EQ(stream<Update>("Uc,0,,8, cid 10.0.0.1 7000 ft").modifiers.codecs,
              (std::vector<std::uint8_t>{0, 8}));
    EXPECT_EQ(stream<Update>("Uc127Z20 cid 10.0.0.1 7000 ft").modifiers.codecs,
              (std::vector<std::uint8_t>{127}));
}

TEST(RtpproxyCommand, LocalAndRouteAddressModifiers) {
    const auto m = stream<Update>("UL192.0.2.1R[2001:db8::7]6 cid ::1 7000 ft").modifiers;
    EXPECT_EQ(m.local_address, v4("192.0.2.1"));
    ASSERT_TRUE(m.route_to);
    EXPECT_EQ(format_address(*m.route_to), "2001:db8::7");
    EXPECT_TRUE(m.ipv6);
    const auto l = stream<Update>("Ul[::1]c0 cid ::1 7000 ft").modifiers;
    ASSERT_TRUE(l.local_address);
    EXPECT_TRUE(l.local_address->ipv6);
    EXPECT_EQ(l.codecs, std::vector<std::uint8_t>{0});
    EXPECT_EQ(stream<Update>("Ur10.1.1.1 cid 10.0.0.1 7000 ft").modifiers.route_to, v4("10.1.1.1"));
}

TEST(RtpproxyCommand, TagsAndMediaIndex) {
    const auto update = stream<Update>("U cid 10.0.0.1 0 a;b;12 c;x");
    EXPECT_EQ(update.from_tag, tag("a;b", 12));
    EXPECT_EQ(update.to_tag, tag("c;x"));  // not digits after the ';'
    EXPECT_EQ(stream<Delete>("D cid t; u;").from_tag, tag("t;"));
    EXPECT_EQ(stream<Delete>("D cid ;7").from_tag, tag("", 7));
    EXPECT_EQ(stream<Delete>("D cid t;999999999").from_tag, tag("t", 999999999));
    EXPECT_EQ(stream<Delete>("D cid t;1234567890").from_tag, tag("t;1234567890"));
    EXPECT_EQ(stream<Delete>("D cid t;+1").from_tag, tag("t;+1"));
    // Call-ids are opaque: Kamailio's flags 1/2/3/b append ";<branch>".
    EXPECT_EQ(stream<Delete>("D cid;z9hG4bK776 t").call_id, "cid;z9hG4bK776");
}

TEST(RtpproxyCommand, OpenSipsCookiesAndStreams) {
    const auto u = parse_udp("12345_6789_17 Uc0,101 abc@host 10.0.0.1 5004 ft;1 tt;1\n");
    EXPECT_EQ(u.cookie, "12345_6789_17");
    EXPECT_EQ(command_of<Update>(u).to_tag, tag("tt", 1));

    // tcp:/cunix: lines, no cookie, \n or \r\n.
    EXPECT_EQ(stream<Delete>("D abc@host ft tt\n").to_tag, tag("tt"));
    EXPECT_EQ(stream<Delete>("D abc@host ft tt\r\n").to_tag, tag("tt"));
    EXPECT_EQ(parse_stream("D abc@host ft\n").cookie, "");
    // Notify socket and tag: 8 arguments with a to-tag, 7 without (then none).
    const auto notify = stream<Update>("U cid 10.0.0.1 5004 ft tt unix:/run/n.sock tag%20one");
    EXPECT_EQ(notify.to_tag, tag("tt"));
    EXPECT_EQ(notify.notify, (Notify{"unix:/run/n.sock", "tag one"}));
    const auto seven = stream<Update>("U cid 10.0.0.1 5004 ft %%CC_SELF%% t%2f%2F");
    EXPECT_FALSE(seven.to_tag);
    EXPECT_EQ(seven.notify, (Notify{"%%CC_SELF%%", "t//"}));
    // OpenSIPS's recording commands.
    const auto copy = stream<Copy>("Cs cid udp:10.0.0.9:5000 ft tt");
    EXPECT_TRUE(copy.single_file);
    EXPECT_FALSE(copy.reply_port);
    EXPECT_EQ(copy.target, "udp:10.0.0.9:5000");
    EXPECT_EQ(copy.from_tag, tag("ft"));
    EXPECT_EQ(copy.to_tag, tag("tt"));
    EXPECT_TRUE(stream<Copy>("CpS cid /tmp/x ft").reply_port);
    EXPECT_FALSE(stream<Copy>("C cid /tmp/x ft").to_tag);
    EXPECT_TRUE(stream<Record>("Rs cid ft").single_file);
    EXPECT_FALSE(stream<NoRecord>("N cid ft tt").all);
    EXPECT_TRUE(stream<NoRecord>("Na cid ft tt").all);
    EXPECT_TRUE(stream<NoRecord>("nA cid ft").all);
}

TEST(RtpproxyCommand, UnixCommandsWithoutNewline) {
    // Kamailio's unix: socket: no cookie, no newline, one read.
    command_of<Version>(parse_stream("V"));
    EXPECT_EQ(stream<VersionFeature>("VF 20081102").date, "20081102");
    EXPECT_EQ(stream<Update>("Uc0 cid 127.0.0.2 7000 ft;1").remote_port, 7000);
    EXPECT_EQ(stream<Delete>("D cid ft").call_id, "cid");
    // Without a cookie expected the first token is the command.
    EXPECT_EQ(refusal("10025_1 V", Cookie::absent), 0);
}

TEST(RtpproxyCommand, OtherCommands) {
    const auto q = stream<Query>("Qv cid ft tt ttl npkts_ina rtpa_nlost");
    EXPECT_TRUE(q.verbose);
    EXPECT_EQ(q.stats, (std::vector<std::string>{"ttl", "npkts_ina", "rtpa_nlost"}));
    const auto info = stream<Info>("Ibl");
    EXPECT_TRUE(info.brief);
    EXPECT_TRUE(info.load);
    EXPECT_FALSE(stream<Info>("I").brief);
    command_of<DeleteAll>(parse_stream("X"));
    const auto g = stream<Statistics>("Gv nsess_created npkts_rcvd");
    EXPECT_TRUE(g.verbose);
    EXPECT_EQ(g.names, (std::vector<std::string>{"nsess_created", "npkts_rcvd"}));
    EXPECT_TRUE(stream<Statistics>("G").names.empty());
    EXPECT_TRUE(stream<Delete>("Dw cid ft").weak);
    EXPECT_TRUE(stream<Delete>("DWw cid ft").weak);
    EXPECT_EQ(stream<Play>("P0 cid p 0 ft").count, 0u);
    EXPECT_EQ(stream<Play>("P2147483647 cid p 0 ft").count, 2147483647u);
}

TEST(RtpproxyCommand, Ports) {
    EXPECT_EQ(stream<Update>("U cid 10.0.0.1 0 ft").remote_port, 0);  // m= port 0
    EXPECT_EQ(stream<Update>("U cid 10.0.0.1 1 ft").remote_port, 1);
    EXPECT_EQ(stream<Update>("U cid 10.0.0.1 65535 ft").remote_port, 65535);
    EXPECT_EQ(stream<Update>("U cid 10.0.0.1 007000 ft").remote_port, 7000);
    for (const char* port :
         {"65536", "70000", "99999999999999999999", "-1", "+5", "12a", "0x10", "1.0", "\xb7"})
        EXPECT_EQ(refusal("U cid 10.0.0.1 "s + port + " ft"), 37) << port;
    EXPECT_EQ(refusal("L cid 10.0.0.1 65536 ft tt"), 37);
}

TEST(RtpproxyCommand, RemoteAddresses) {
    const auto hold = stream<Update>("U cid 0.0.0.0 7000 ft");
    EXPECT_TRUE(hold.remote_address.unspecified());
    EXPECT_TRUE(stream<Update>("U6 cid :: 7000 ft").remote_address.unspecified());
    EXPECT_FALSE(stream<Update>("U cid 0.0.0.1 7000 ft").remote_address.unspecified());
    EXPECT_EQ(format_address(stream<Update>("U cid ::ffff:10.0.0.1 7000 ft").remote_address),
              "::ffff:10.0.0.1");
    for (const char* address : {"host.example.com", "[::1]", "fe80::1%eth0", "1.2.3", "1.2.3.4.5",
                                "256.1.1.1", "01.2.3.4x", "1::2::3", "", "::1::"})
        EXPECT_EQ(refusal("U cid "s + (*address ? address : "x") + " 7000 ft"), 37) << address;
}

TEST(RtpproxyCommand, ErrorCodes) {
    // E0
    EXPECT_EQ(refusal("Y cid"), 0);
    EXPECT_EQ(refusal("7 cid"), 0);
    EXPECT_EQ(refusal("\xff"), 0);
    EXPECT_EQ(refusal("hello"), 0);
    // E1
    for (const char* command : {"U cid 10.0.0.1 7000",
                                "U cid 10.0.0.1 7000 a b c d e",
                                "L cid 10.0.0.1 7000",
                                "L cid 10.0.0.1 7000 a b c",
                                "D cid",
                                "D cid a b c",
                                "R cid",
                                "R cid a b c",
                                "C cid t",
                                "C cid t a b c",
                                "N cid",
                                "N cid a b c",
                                "P cid p c",
                                "P cid p c a b c",
                                "S cid",
                                "S cid a b c",
                                "Q cid",
                                "V 1",
                                "VF",
                                "VF 1 2",
                                "I x",
                                "X x"})
        EXPECT_EQ(refusal(command), 1) << command;
    // Only the first letter names the command, as in sippy: an ng message sent here by
    // mistake is a P or a D with the wrong number of arguments.
    EXPECT_EQ(refusal("ping"), 1);
    EXPECT_EQ(refusal("d7:command4:pinge", Cookie::absent), 1);
    // E2
    for (const char* command : {"Vx", "VFx 20050322", "Sx cid ft", "Xa", "Sa cid ft tt"})
        EXPECT_EQ(refusal(command), 2) << command;
    // E3: subcommands are never accepted (20191015 not announced).
    EXPECT_EQ(refusal("U cid 10.0.0.1 7000 ft && G"), 3);
    EXPECT_EQ(refusal("V && V"), 3);
    // E5
    EXPECT_EQ(refusal(""), 5);
    EXPECT_EQ(refusal(" \r\n\t "), 5);
    EXPECT_EQ(refusal("&& V"), 5);
    EXPECT_EQ(refusal("V &&"), 5);
    EXPECT_EQ(refusal("U cid 10.0.0.1 7000 ft && && G"), 5);
    EXPECT_EQ(refusal("D cid f\0t"s), 5);
    // E6, E7
    EXPECT_EQ(refusal("Rp cid ft"), 6);
    EXPECT_EQ(refusal("Naa cid ft"), 6);
    EXPECT_EQ(refusal("Rx cid ft"), 7);
    EXPECT_EQ(refusal("Cx cid t ft"), 7);
    EXPECT_EQ(refusal("Nx cid ft"), 7);
    // E8, E9
    EXPECT_EQ(refusal("Dx cid ft"), 8);
    EXPECT_EQ(refusal("Dwa cid ft"), 8);
    EXPECT_EQ(refusal("Gx"), 9);
    // E10
    EXPECT_EQ(refusal("U cid 10.0.0.1 7000 ft tt sock ta%g0"), 10);
    EXPECT_EQ(refusal("U cid 10.0.0.1 7000 ft sock ta%2"), 10);
    EXPECT_EQ(refusal("U cid 10.0.0.1 7000 ft sock %"), 10);
    // E11, E12: a third I/E.
    EXPECT_EQ(refusal("UIEE cid 10.0.0.1 7000 ft"), 11);
    EXPECT_EQ(refusal("UEII cid 10.0.0.1 7000 ft"), 12);
    // E13
    for (const char* mods : {"Z", "Z0", "Z1000", "Zx", "Z-20", "Z+20", "Z99999999999"})
        EXPECT_EQ(refusal("U"s + mods + " cid 10.0.0.1 7000 ft"), 13) << mods;
    // E14
    for (const char* mods : {"c", "cx", "c0c8", "c128", "c0,256", "c99999999999"})
        EXPECT_EQ(refusal("U"s + mods + " cid 10.0.0.1 7000 ft"), 14) << mods;
    // E15, E16
    for (const char* mods : {"L", "Lx", "L[", "L[::1", "L[]", "L[1.2.3.4]"})
        EXPECT_EQ(refusal("U"s + mods + " cid 10.0.0.1 7000 ft"), 15) << mods;
    for (const char* mods : {"R", "Rx", "R[::1", "R[g]"})
        EXPECT_EQ(refusal("U"s + mods + " cid 10.0.0.1 7000 ft"), 16) << mods;
    // E17
    for (const char* mods : {"Px", "P-1", "P2147483648", "P1x"})
        EXPECT_EQ(refusal(mods + " cid p 0 ft"s), 17) << mods;
    // E18, E19
    EXPECT_EQ(refusal("Ix"), 18);
    EXPECT_EQ(refusal("Qx cid ft"), 19);
    // E31, E32
    EXPECT_EQ(refusal("UL1.2.3 cid 10.0.0.1 7000 ft"), 31);
    EXPECT_EQ(refusal("UL300.1.1.1 cid 10.0.0.1 7000 ft"), 31);
    EXPECT_EQ(refusal("UL[1::2::3] cid 10.0.0.1 7000 ft"), 31);
    EXPECT_EQ(refusal("UR1..1.1 cid 10.0.0.1 7000 ft"), 32);
    // E35
    for (const char* mods : {"x", "q", "Z20y", "c0,8;", "%", "\x80"})
        EXPECT_EQ(refusal("U"s + mods + " cid 10.0.0.1 7000 ft"), 35) << mods;
    EXPECT_EQ(refusal("Lx cid 10.0.0.1 7000 ft tt"), 35);
    // E37 is in Ports and RemoteAddresses.
}

TEST(RtpproxyCommand, ChecksComeInSippysOrder) {
    EXPECT_EQ(refusal("Yx"), 0);                             // unknown command before the rest
    EXPECT_EQ(refusal("Sx cid"), 1);                         // argument count before modifiers
    EXPECT_EQ(refusal("Sx cid ft && G"), 2);                 // modifiers before subcommands
    EXPECT_EQ(refusal("Ux cid 10.0.0.1 7000 ft && G"), 3);   // subcommands before the rest
    EXPECT_EQ(refusal("Ux cid host 7000 ft"), 35);           // modifiers before the address
    EXPECT_EQ(refusal("Ux cid 10.0.0.1 7000 ft s t%"), 10);  // notify tag first
}

TEST(RtpproxyCommand, EveryErrorHasItsCode) {
    EXPECT_EQ(error_code(Error::unknown_command), 0u);
    EXPECT_EQ(error_code(Error::too_long), 5u);
    EXPECT_EQ(error_code(Error::reply_too_big), 25u);
    EXPECT_EQ(error_code(Error::no_route), 33u);
    EXPECT_EQ(error_code(Error::route_not_local), 34u);
    EXPECT_EQ(error_code(Error::no_local_address_for_family), 36u);
    EXPECT_EQ(error_code(Error::session_not_found), 50u);
    EXPECT_EQ(error_code(Error::play_failed), 60u);
    EXPECT_EQ(error_code(Error::query_failed), 62u);
    EXPECT_EQ(error_code(Error::copy_failed), 65u);
    EXPECT_EQ(error_code(Error::stats_failed), 68u);
    EXPECT_EQ(error_code(Error::no_ports), 71u);
    EXPECT_EQ(error_code(Error::notify_disabled), 75u);
    EXPECT_EQ(error_code(Error::out_of_memory), 81u);
    EXPECT_EQ(error_code(Error::overload), 98u);
    EXPECT_EQ(error_code(Error::shutting_down), 99u);
    for (int e = 0; e <= static_cast<int>(Error::shutting_down); ++e)
        EXPECT_FALSE(error_meaning(static_cast<Error>(e)).empty()) << e;
    EXPECT_EQ(format_error(Error::session_not_found), "E50");
    EXPECT_EQ(format_error(Error::unknown_command), "E0");
}

TEST(RtpproxyCommand, CookieAlone) {
    const auto alone = parse_udp("10025_1");
    EXPECT_EQ(alone.cookie, "10025_1");
    EXPECT_EQ(std::get<Error>(alone.result), Error::syntax);
    const auto newline = parse_udp("10025_1 \n");
    EXPECT_EQ(newline.cookie, "10025_1");
    EXPECT_EQ(std::get<Error>(newline.result), Error::syntax);
    // A command sent without the cookie a UDP socket expects: its first token is taken as
    // the cookie, as sippy does.
    const auto bare = parse_udp("V");
    EXPECT_EQ(bare.cookie, "V");
    EXPECT_EQ(std::get<Error>(bare.result), Error::syntax);
    // Refused commands keep their cookie, so that the reply reaches the waiting process.
    const auto refused = parse_udp("4_2 Y x");
    EXPECT_EQ(refused.cookie, "4_2");
    EXPECT_EQ(std::get<Error>(refused.result), Error::unknown_command);
    EXPECT_EQ(parse_udp("4_3 D c f\0t"s).cookie, "4_3");
}

TEST(RtpproxyCommand, EmptyInput) {
    const auto udp_empty = parse_udp("");
    EXPECT_EQ(udp_empty.cookie, "");
    EXPECT_EQ(std::get<Error>(udp_empty.result), Error::syntax);
    EXPECT_EQ(std::get<Error>(parse_stream("").result), Error::syntax);
    EXPECT_EQ(std::get<Error>(parse_stream("\n").result), Error::syntax);
    EXPECT_EQ(std::get<Error>(parse_stream("\r\n").result), Error::syntax);
}

TEST(RtpproxyCommand, SeparatorsCollapse) {
    const auto d = stream<Delete>("  D \t cid\t\tft  \r\n tt \n\n");
    EXPECT_EQ(d.call_id, "cid");
    EXPECT_EQ(d.to_tag, tag("tt"));
    EXPECT_EQ(parse_udp("\t 9_9   V").cookie, "9_9");
}

TEST(RtpproxyCommand, OverlongInput) {
    const std::string call_id(kMaxCommandBytes, 'c');
    const auto parsed = parse_udp("77_1 D " + call_id + " ft");
    EXPECT_EQ(std::get<Error>(parsed.result), Error::too_long);
    EXPECT_EQ(refusal("D " + call_id), 5);
    EXPECT_EQ(parsed.cookie, "77_1");  // still answerable
    // A first token running past the limit is no cookie.
    EXPECT_EQ(parse_udp(std::string(kMaxCommandBytes + 1, 'x')).cookie, "");
    // Exactly at the limit is fine.
    std::string longest = "D " + std::string(kMaxCommandBytes - 4, 'c') + " f";
    ASSERT_EQ(longest.size(), kMaxCommandBytes);
    EXPECT_EQ(stream<Delete>(longest).from_tag, tag("f"));
    longest += '\n';
    EXPECT_EQ(refusal(longest), 5);
}

TEST(RtpproxyCommand, TokenLimit) {
    std::string g = "G";
    for (std::size_t i = 1; i < kMaxTokens; ++i) g += " s";
    EXPECT_EQ(stream<Statistics>(g).names.size(), kMaxTokens - 1);
    EXPECT_EQ(refusal(g + " s"), 5);
    // The cookie does not count.
    EXPECT_EQ(command_of<Statistics>(parse_udp("1_1 " + g)).names.size(), kMaxTokens - 1);
}

TEST(RtpproxyCommand, GarbageBytes) {
    EXPECT_EQ(refusal("\0"s), 5);
    EXPECT_EQ(refusal("\0"s, Cookie::expected), 5);
    EXPECT_EQ(refusal("V\0"s), 5);
    EXPECT_EQ(refusal("\x80\x81\xfe\xff"), 0);
    EXPECT_EQ(refusal("1_1 \xc3\xa9", Cookie::expected), 0);
    // High bytes are legal inside opaque tokens.
    EXPECT_EQ(stream<Delete>("D \xe2\x82\xac\x01 \xff\xfe").call_id, "\xe2\x82\xac\x01");
    EXPECT_EQ(parse_udp("\xff\x01 V").cookie, "\xff\x01");

    // Random bytes, and random commands built from the protocol's alphabet: never a crash,
    // never an exception, always a cookie that is a prefix token.
    std::mt19937 random(20040107);
    const std::string alphabet = "UuLlDdVvFfQqPpSsRrCcNnXxGgIiAaWwZzEe6 0123456789.,:;[]%&\n\r\t";
    for (int round = 0; round < 20000; ++round) {
        std::string bytes(random() % 80, '\0');
        for (char& c : bytes)
            c = round % 2 == 0 ? static_cast<char>(random() & 0xff)
                               : alphabet[random() % alphabet.size()];
        for (const Cookie cookie : {Cookie::absent, Cookie::expected}) {
            const auto parsed = parse_datagram(bytes, cookie);
            if (cookie == Cookie::absent) {
                EXPECT_EQ(parsed.cookie, "");
            }
            EXPECT_LE(parsed.cookie.size(), bytes.size());
        }
    }
}

TEST(RtpproxyCommand, ParseAddress) {
    EXPECT_EQ(parse_address("127.0.0.1")->bytes[0], 127);
    EXPECT_TRUE(parse_address("2001:db8::1")->ipv6);
    EXPECT_FALSE(parse_address(" 1.2.3.4"));
    EXPECT_FALSE(parse_address("1.2.3.4 "));
    EXPECT_FALSE(parse_address(std::string(100, '1')));
    EXPECT_FALSE(parse_address("1.2.3.4\0"s));
    EXPECT_EQ(format_address(*parse_address("2001:0DB8:0::0001")), "2001:db8::1");
}

TEST(RtpproxyCommand, Replies) {
    EXPECT_EQ(frame_reply("10025_4", format_port_reply(40000, v4("127.0.0.9"))),
              "10025_4 40000 127.0.0.9\n");
    EXPECT_EQ(frame_reply("", format_port_reply(40000, *parse_address("2001:db8::9"))),
              "40000 2001:db8::9 6\n");
    EXPECT_EQ(frame_reply("10025_6", format_ok()), "10025_6 0\n");
    EXPECT_EQ(frame_reply("10025_1", format_version()), "10025_1 20040107\n");
    EXPECT_EQ(frame_reply("10025_2", format_feature_reply("20050322", FeatureSet::kernel_relay())),
              "10025_2 1\n");
    EXPECT_EQ(frame_reply("10025_7", format_error(Error::session_not_found)), "10025_7 E50\n");
    EXPECT_EQ(frame_reply("", format_error(Error::syntax)), "E5\n");
    // A multi-line body (I) already ends in a newline.
    EXPECT_EQ(frame_reply("1_1", "sessions created: 0\nactive sessions: 0\n"),
              "1_1 sessions created: 0\nactive sessions: 0\n");
    EXPECT_EQ(frame_reply("", ""), "\n");
    EXPECT_EQ(format_port_reply(0, v4("0.0.0.0")), "0 0.0.0.0");
    EXPECT_EQ(format_port_reply(65535, v4("10.0.0.1")), "65535 10.0.0.1");
}

// The reply to a command round-trips: what the daemon sends is what Kamailio parses.
TEST(RtpproxyCommand, ParsedUpdateAnswersWithItsCookie) {
    const auto parsed = parse_udp("10025_4 Uc0 1-10054@127.0.0.2 127.0.0.2 7000 10054SIPpTag001;1");
    EXPECT_EQ(frame_reply(parsed.cookie, format_port_reply(40000, v4("127.0.0.9"))),
              "10025_4 40000 127.0.0.9\n");
    const auto refused = parse_udp("10025_9 U 1-10054@127.0.0.2 127.0.0.2 70000 t;1");
    EXPECT_EQ(frame_reply(refused.cookie, format_error(std::get<Error>(refused.result))),
              "10025_9 E37\n");
}
