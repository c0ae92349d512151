// SPDX-License-Identifier: GPL-2.0
// The ng protocol: framing, what Kamailio sends, key spellings, errors, and the reply bytes.
#include "ng_command.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

using namespace rtpproxyd;
using namespace rtpproxyd::ng;
using bencode::Value;
using namespace std::string_literals;

namespace {

const std::string kSdp =
    "v=0\r\no=user1 53655765 2353687637 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\n"
    "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

// The offer Kamailio 5.6 sent for rtpengine_offer("replace-origin"), keys in its order.
Value::Dictionary kamailio_offer() {
    return {
        {"supports", Value::List{Value("load limit")}},
        {"sdp", kSdp},
        {"replace", Value::List{Value("origin")}},
        {"call-id", "a84b4c76e66710@pc33"},
        {"received-from", Value::List{Value("IP4"), Value("127.0.0.2")}},
        {"from-tag", "1928301774"},
        {"command", "offer"},
    };
}

Value::Dictionary with(Value::Dictionary d, const std::string& key, Value value) {
    d.push_back({key, std::move(value)});
    return d;
}

Value::Dictionary without(Value::Dictionary d, const std::string& key) {
    std::erase_if(d, [&](const bencode::Entry& e) { return e.key == key; });
    return d;
}

Request request(const Value::Dictionary& d) {
    ParseResult r = parse_request(bencode::encode(Value(d)));
    if (!r) {
        ADD_FAILURE() << "refused: " << r.error_reason;
        return {};
    }
    return std::move(*r.request);
}

std::string reason(const std::string& dictionary) {
    const ParseResult r = parse_request(dictionary);
    if (r) {
        ADD_FAILURE() << "accepted: " << dictionary;
        return "";
    }
    return r.error_reason;
}
std::string reason(const Value::Dictionary& d) { return reason(bencode::encode(Value(d))); }

// The bytes of an error reply, its length prefix counted.
std::string error_bytes(const std::string& cookie, const std::string& reason) {
    return cookie + " d6:result5:error12:error-reason" + std::to_string(reason.size()) + ":" +
           reason + "e";
}

Value::Dictionary command(const std::string& name) { return {{"command", name}}; }

}  // namespace

TEST(NgCommand, KamailioOfferIsParsed) {
    const Datagram d = parse_datagram("1_27356_5 " + bencode::encode(Value(kamailio_offer())));
    EXPECT_EQ(d.cookie, "1_27356_5");
    ASSERT_TRUE(d.request) << d.reply;
    EXPECT_TRUE(d.reply.empty());
    EXPECT_FALSE(d.dropped());
    const Request& r = *d.request;
    EXPECT_EQ(r.command, Command::offer);
    EXPECT_EQ(r.call_id, "a84b4c76e66710@pc33");
    EXPECT_EQ(r.from_tag, "1928301774");
    EXPECT_EQ(r.to_tag, "");
    EXPECT_EQ(r.via_branch, "");
    EXPECT_TRUE(r.replace.origin);
    EXPECT_FALSE(r.replace.session_connection);
    ASSERT_TRUE(r.received_from);
    EXPECT_EQ(r.received_from->family, sdp::Family::ip4);
    EXPECT_EQ(r.received_from->address, "127.0.0.2");
    EXPECT_EQ(r.supports, std::vector<std::string>{"load limit"});
    EXPECT_TRUE(r.supports_load_limit());
    ASSERT_TRUE(r.sdp);
    EXPECT_EQ(r.sdp->text, kSdp);
    ASSERT_EQ(r.sdp->media.size(), 1u);
    EXPECT_EQ(r.sdp->media[0].port, 6000);
    EXPECT_FALSE(r.address_family);
    EXPECT_FALSE(r.tos);
    EXPECT_FALSE(r.flags.trust_address);
    EXPECT_TRUE(r.flags.other.empty());
}

TEST(NgCommand, KamailioAnswerAndDeleteAreParsed) {
    Value::Dictionary answer = with(kamailio_offer(), "to-tag", "a6c85cf");
    answer = with(without(answer, "command"), "command", "answer");
    const Request a = request(answer);
    EXPECT_EQ(a.command, Command::answer);
    EXPECT_EQ(a.to_tag, "a6c85cf");

    // A BYE: call-id, via-branch, received-from, from-tag, command (sipwise/rtpengine#805).
    const Datagram d = parse_datagram(
        "0_16011_13 d7:call-id20:7cfuk85u3ajb64d8rf7m10:via-branch15:z9hG4bK5907631013:"
        "received-froml3:IP49:127.0.0.1e8:from-tag10:h1vt47m2se7:command6:deletee");
    ASSERT_TRUE(d.request) << d.reply;
    EXPECT_EQ(d.cookie, "0_16011_13");
    EXPECT_EQ(d.request->command, Command::delete_);
    EXPECT_EQ(d.request->call_id, "7cfuk85u3ajb64d8rf7m");
    EXPECT_EQ(d.request->via_branch, "z9hG4bK59076310");
    EXPECT_EQ(d.request->from_tag, "h1vt47m2se");
    EXPECT_FALSE(d.request->sdp);
    EXPECT_FALSE(d.request->flags.fatal);
}

TEST(NgCommand, TheUnknownCallDeleteReplyIsByteExact) {
    const Datagram d =
        parse_datagram("0_16011_13 d7:call-id3:abc8:from-tag3:xyz7:command6:deletee");
    ASSERT_TRUE(d.request);
    // kamailio/kamailio#855's wire example.
    EXPECT_EQ(frame(d.cookie, call_not_found_reply(*d.request)),
              "0_16011_13 d7:warning38:Call-ID not found or tags didn't match6:result2:oke");
    Request fatal = *d.request;
    fatal.flags.fatal = true;
    EXPECT_EQ(frame(d.cookie, call_not_found_reply(fatal)),
              "0_16011_13 d6:result5:error12:error-reason38:Call-ID not found or tags didn't "
              "matche");
    const Request with_flag = request({{"call-id", "abc"},
                                       {"from-tag", "x"},
                                       {"flags", Value::List{Value("fatal")}},
                                       {"command", "delete"}});
    EXPECT_TRUE(with_flag.flags.fatal);
}

TEST(NgCommand, RepliesAreByteExact) {
    // docs/ng_control_protocol.md's ping.
    const Datagram ping = parse_datagram("5323_1 d7:command4:pinge");
    ASSERT_TRUE(ping.request);
    EXPECT_EQ(ping.request->command, Command::ping);
    EXPECT_EQ(frame(ping.cookie, pong_reply()), "5323_1 d6:result4:ponge");

    EXPECT_EQ(frame("c", ok_reply()), "c d6:result2:oke");
    EXPECT_EQ(frame("c", ok_reply({{"sdp", "v=0\r\n"}})), "c d3:sdp5:v=0\r\n6:result2:oke");
    EXPECT_EQ(frame("c", warning_reply("careful", {{"created", 1402064111}})),
              "c d7:createdi1402064111e7:warning7:careful6:result2:oke");
    // As rtpengine answered when its ports ran out (Kamailio then tries the next node).
    EXPECT_EQ(frame("0_16011_12", error_reply(kRanOutOfPorts)),
              "0_16011_12 d6:result5:error12:error-reason16:Ran out of portse");
    EXPECT_EQ(frame("c", load_limit_reply(kSessionLimitReached)),
              "c d6:result10:load limit7:message30:Parallel session limit reachede");

    Request r = request(kamailio_offer());
    EXPECT_EQ(overload_reply(r), load_limit_reply(kSessionLimitReached));
    r.supports.clear();
    EXPECT_FALSE(r.supports_load_limit());
    EXPECT_EQ(frame("c", overload_reply(r)),
              "c d6:result5:error12:error-reason30:Parallel session limit reachede");
    r.supports = {"load-limit"};
    EXPECT_TRUE(r.supports_load_limit());
}

TEST(NgCommand, KeySpellingsAreNormalised) {
    for (const std::string key : {"address-family", "address family", "address_family",
                                  "Address-Family", "ADDRESS FAMILY"}) {
        const Request r = request(with(kamailio_offer(), key, "IP6"));
        ASSERT_TRUE(r.address_family) << key;
        EXPECT_EQ(*r.address_family, sdp::Family::ip6) << key;
    }
    const Request r = request({
        {"Call_ID", "c"},
        {"from tag", "f"},
        {"to_tag", "t"},
        {"via branch", "v"},
        {"received from", Value::List{Value("IP6"), Value("2001:db8::7")}},
        {"media-address", "192.0.2.9"},
        {"transport_protocol", "RTP/SAVPF"},
        {"delete-delay", 30},
        {"record-call", "on"},
        {"rtcp_mux", Value::List{Value("demux")}},
        {"ice", "remove"},
        {"tos", 184},
        {"label", "caller"},
        {"direction", Value::List{Value("internal"), Value("external")}},
        {"command", "delete"},
    });
    EXPECT_EQ(r.call_id, "c");
    EXPECT_EQ(r.from_tag, "f");
    EXPECT_EQ(r.to_tag, "t");
    EXPECT_EQ(r.via_branch, "v");
    EXPECT_EQ(r.received_from->family, sdp::Family::ip6);
    EXPECT_EQ(r.received_from->address, "2001:db8::7");
    EXPECT_EQ(r.media_address->family, sdp::Family::ip4);
    EXPECT_EQ(r.media_address->address, "192.0.2.9");
    EXPECT_EQ(r.transport_protocol, "RTP/SAVPF");
    EXPECT_EQ(r.delete_delay, 30);
    EXPECT_EQ(r.record_call, true);
    EXPECT_EQ(r.rtcp_mux, std::vector<std::string>{"demux"});
    EXPECT_EQ(r.ice, "remove");
    EXPECT_EQ(r.tos, 184);
    EXPECT_EQ(r.label, "caller");
    EXPECT_EQ(r.direction, (std::vector<std::string>{"internal", "external"}));
}

TEST(NgCommand, AKeyGivenTwiceIsAnError) {
    EXPECT_EQ(
        reason(with(with(kamailio_offer(), "address-family", "IP6"), "address family", "IP4")),
        "Duplicate key \"address family\"");
    EXPECT_EQ(reason(with(kamailio_offer(), "call-id", "other")), "Duplicate key \"call-id\"");
    // Keys not read here may repeat.
    EXPECT_TRUE(parse_request(
        bencode::encode(Value(with(with(kamailio_offer(), "future", 1), "future", 2)))));
}

TEST(NgCommand, UnknownKeysAreIgnored) {
    Value::Dictionary d =
        with(kamailio_offer(), "codec", Value::Dictionary{{"strip", Value::List{Value("PCMA")}}});
    d = with(d, "future-key", 1);
    d = with(d, "calls-id", Value::List{});
    d = with(d, std::string(1000, 'k'), "long");
    EXPECT_EQ(request(d).call_id, "a84b4c76e66710@pc33");
}

TEST(NgCommand, FlagsAndReplaceWordsAreNormalised) {
    const Request r = request(
        with(with(without(kamailio_offer(), "replace"), "flags",
                  Value::List{Value("trust-address"), Value("SIP-source-address"),
                              Value("asymmetric"), Value("strict source"), Value("port_latching"),
                              Value("no-rtcp-attribute"), Value("full rtcp attribute"),
                              Value("media-handover"), Value("symmetric"), Value("Record-Call"),
                              Value("reset"), Value("fast"), Value("no port latching"),
                              Value("loop-protect"), Value("codec-strip-PCMA")}),
             "replace", Value::List{Value("session-connection"), Value("SDP version")}));
    EXPECT_TRUE(r.flags.trust_address);
    EXPECT_TRUE(r.flags.sip_source_address);
    EXPECT_TRUE(r.flags.asymmetric);
    EXPECT_TRUE(r.flags.strict_source);
    EXPECT_TRUE(r.flags.port_latching);
    EXPECT_TRUE(r.flags.no_rtcp_attribute);
    EXPECT_TRUE(r.flags.full_rtcp_attribute);
    EXPECT_TRUE(r.flags.media_handover);
    EXPECT_TRUE(r.flags.symmetric);
    EXPECT_TRUE(r.flags.record_call);
    EXPECT_TRUE(r.flags.reset);
    EXPECT_TRUE(r.flags.fast);
    EXPECT_TRUE(r.flags.no_port_latching);
    EXPECT_FALSE(r.flags.fatal);
    EXPECT_EQ(r.flags.other, (std::vector<std::string>{"loop-protect", "codec-strip-PCMA"}));
    EXPECT_FALSE(r.replace.origin);
    EXPECT_TRUE(r.replace.session_connection);
    EXPECT_EQ(r.replace.other, std::vector<std::string>{"SDP version"});
}

TEST(NgCommand, RequiredKeysPerCommand) {
    EXPECT_EQ(reason(without(kamailio_offer(), "sdp")), "No SDP body in message");
    EXPECT_EQ(reason(without(kamailio_offer(), "call-id")), "No call-id in message");
    EXPECT_EQ(reason(without(kamailio_offer(), "from-tag")), "No from-tag in message");
    // Empty or not a string reads as missing.
    EXPECT_EQ(reason(with(without(kamailio_offer(), "call-id"), "call-id", "")),
              "No call-id in message");
    EXPECT_EQ(reason(with(without(kamailio_offer(), "from-tag"), "from-tag", 7)),
              "No from-tag in message");
    EXPECT_EQ(reason(with(without(kamailio_offer(), "sdp"), "sdp", Value::List{})),
              "No SDP body in message");

    Value::Dictionary answer = with(without(kamailio_offer(), "command"), "command", "answer");
    EXPECT_EQ(reason(answer), "No to-tag in message");

    EXPECT_EQ(reason(command("delete")), "No call-id in message");
    EXPECT_EQ(reason(with(command("delete"), "call-id", "c")), "No from-tag in message");
    EXPECT_EQ(request(with(with(command("delete"), "call-id", "c"), "from-tag", "f")).command,
              Command::delete_);
    EXPECT_EQ(reason(command("query")), "No call-id in message");
    EXPECT_EQ(request(with(command("query"), "call-id", "c")).command, Command::query);

    EXPECT_EQ(request(command("ping")).command, Command::ping);
    EXPECT_EQ(request(command("statistics")).command, Command::statistics);
    const Request list = request(command("list"));
    EXPECT_EQ(list.command, Command::list);
    EXPECT_FALSE(list.limit);
    EXPECT_EQ(request(with(command("list"), "limit", 5)).limit, 5);
    EXPECT_EQ(reason(with(command("list"), "limit", 0)),
              "Invalid value for \"limit\": expected an integer > 0");
    // A ping's other keys are not looked at.
    EXPECT_EQ(request(with(command("ping"), "TOS", "high")).command, Command::ping);
}

TEST(NgCommand, TheCommandMustBeOneWeAnswer) {
    EXPECT_EQ(reason(Value::Dictionary{{"call-id", "c"}}),
              "Dictionary contains no key \"command\"");
    EXPECT_EQ(reason(Value::Dictionary{}), "Dictionary contains no key \"command\"");
    EXPECT_EQ(reason(command("")), "Unrecognized command");
    EXPECT_EQ(reason(Value::Dictionary{{"command", 1}}), "Dictionary contains no key \"command\"");
    EXPECT_EQ(reason(command("block DTMF")), "Unrecognized command");
    EXPECT_EQ(reason(command("start recording")), "No call-id in message");
    EXPECT_EQ(reason(command("Offer")), "Unrecognized command");
    EXPECT_EQ(reason(command("ping\0"s)), "Unrecognized command");
    for (const Command c :
         {Command::ping, Command::offer, Command::answer, Command::delete_, Command::query,
          Command::list, Command::statistics, Command::start_recording, Command::stop_recording}) {
        const ParseResult r =
            parse_request(bencode::encode(Value(command(std::string(command_name(c))))));
        EXPECT_TRUE(r.request ? r.request->command == c : r.error_reason.rfind("No ", 0) == 0)
            << command_name(c);
    }
    EXPECT_EQ(command_name(Command::delete_), "delete");
}

TEST(NgCommand, OptionalKeysMustHaveTheirTypes) {
    const auto offer_with = [](const std::string& key, Value value) {
        return reason(with(kamailio_offer(), key, std::move(value)));
    };
    EXPECT_EQ(offer_with("TOS", "high"), "Invalid value for \"TOS\": expected an integer");
    EXPECT_EQ(offer_with("TOS", "0184"), "Invalid value for \"TOS\": expected an integer");
    EXPECT_EQ(request(with(kamailio_offer(), "TOS", "184")).tos, 184);
    EXPECT_EQ(request(with(kamailio_offer(), "TOS", -1)).tos, -1);
    EXPECT_EQ(offer_with("delete delay", -1),
              "Invalid value for \"delete delay\": expected a number of seconds >= 0");
    EXPECT_EQ(request(with(kamailio_offer(), "delete-delay", "0")).delete_delay, 0);
    EXPECT_EQ(offer_with("record call", "maybe"),
              "Invalid value for \"record call\": expected yes, no, on or off");
    EXPECT_EQ(request(with(kamailio_offer(), "record call", "off")).record_call, false);
    EXPECT_EQ(request(with(kamailio_offer(), "record call", "yes")).record_call, true);
    EXPECT_EQ(offer_with("via-branch", 5), "Invalid value for \"via-branch\": expected a string");
    EXPECT_EQ(offer_with("to-tag", Value::List{}),
              "Invalid value for \"to-tag\": expected a string");
    EXPECT_EQ(offer_with("flags", "trust-address"),
              "Invalid value for \"flags\": expected a list of strings");
    EXPECT_EQ(offer_with("flags", Value::List{Value("a"), Value(1)}),
              "Invalid value for \"flags\": expected a list of strings");
    EXPECT_EQ(offer_with("direction", Value::List{Value("a"), Value("b"), Value("c")}),
              "Invalid value for \"direction\": expected at most two interfaces");
    EXPECT_EQ(offer_with("address family", "IPv6"),
              "Invalid value for \"address family\": expected \"IP4\" or \"IP6\"");
    EXPECT_EQ(offer_with("media address", "relay.example.com"),
              "Invalid value for \"media address\": expected a numeric IPv4 or IPv6 address");
    EXPECT_EQ(offer_with("media address", "10.0.0.1\0"s),
              "Invalid value for \"media address\": expected a numeric IPv4 or IPv6 address");
    EXPECT_EQ(request(with(kamailio_offer(), "media address", "2001:db8::1")).media_address->family,
              sdp::Family::ip6);
    const std::string received_from =
        "Invalid value for \"received from\": expected [\"IP4\" or \"IP6\", a numeric address of "
        "it]";
    const auto offer_received_from = [&](Value value) {
        return reason(with(without(kamailio_offer(), "received-from"), "received-from", value));
    };
    EXPECT_EQ(offer_received_from(Value::List{Value("IP4")}), received_from);
    EXPECT_EQ(offer_received_from(Value::List{Value("IP6"), Value("127.0.0.1")}), received_from);
    EXPECT_EQ(offer_received_from(Value::List{Value("IP4"), Value("x.x.x.x")}), received_from);
    EXPECT_EQ(offer_received_from(Value::List{Value("IP4"), Value("1.2.3.4"), Value("x")}),
              received_from);
    EXPECT_EQ(offer_received_from("127.0.0.1"), received_from);
}

TEST(NgCommand, TheSdpMustParse) {
    EXPECT_EQ(reason(with(without(kamailio_offer(), "sdp"), "sdp", "o=- 1 1 IN IP4 1.2.3.4\r\n")),
              "Failed to parse SDP: SDP does not start with v= (line 1)");
    EXPECT_EQ(reason(with(without(kamailio_offer(), "sdp"), "sdp",
                          "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 123456 RTP/AVP 0\r\n")),
              "Failed to parse SDP: m= port is not a number from 0 to 65535 (line 3)");
}

TEST(NgCommand, FramingSplitsAtTheFirstSpace) {
    const auto m = split_message("abc d3:sdp1: e");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->cookie, "abc");
    EXPECT_EQ(m->dictionary, "d3:sdp1: e");
    EXPECT_FALSE(split_message("d7:command4:pinge"));
    EXPECT_FALSE(split_message(" d7:command4:pinge"));
    EXPECT_FALSE(split_message(""));
    EXPECT_TRUE(split_message(std::string(kMaxCookie, 'c') + " de"));
    EXPECT_FALSE(split_message(std::string(kMaxCookie + 1, 'c') + " de"));
    const auto empty = split_message("abc ");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->dictionary, "");

    // Without a cookie there is nothing to answer: dropped.
    EXPECT_TRUE(parse_datagram("d7:command4:pinge").dropped());
    EXPECT_TRUE(parse_datagram(" d7:command4:pinge").dropped());
    EXPECT_TRUE(parse_datagram("").dropped());
}

TEST(NgCommand, BadDatagramsGetErrorReplies) {
    EXPECT_EQ(parse_datagram("abc ").reply,
              "abc d6:result5:error12:error-reason25:Invalid data (no payload)e");
    EXPECT_EQ(parse_datagram("abc \n").reply,
              "abc d6:result5:error12:error-reason25:Invalid data (no payload)e");
    EXPECT_EQ(parse_datagram("abc d7:command4:ping").reply,
              error_bytes("abc", "Could not decode dictionary: unterminated dictionary at byte 0"));
    EXPECT_EQ(parse_datagram("abc d7:command4:pingei1e").reply,
              error_bytes("abc",
                          "Could not decode dictionary: trailing bytes after the value at "
                          "byte 17"));
    EXPECT_EQ(parse_datagram("abc i5e").reply,
              error_bytes("abc", "Could not decode dictionary: the message is not a dictionary"));
    EXPECT_EQ(
        parse_datagram("abc {\"command\":\"ping\"}").reply,
        error_bytes("abc", "Could not decode dictionary: JSON is not supported, only bencode"));
    EXPECT_EQ(parse_datagram("abc d7:command6:recorde").reply,
              "abc d6:result5:error12:error-reason20:Unrecognized commande");
    const Datagram big = parse_datagram("abc " + std::string(kMaxMessage, 'd'));
    EXPECT_EQ(big.reply, "abc d6:result5:error12:error-reason17:Message too largee");
    // Too deep for a request.
    EXPECT_EQ(parse_datagram("abc d1:alllllllllleeeeeeeeeee").reply,
              error_bytes("abc",
                          "Could not decode dictionary: lists and dictionaries nested "
                          "deeper than 8 at byte 11"));
    // Blanks after the dictionary (netcat's newline) are not an error.
    const Datagram nl = parse_datagram("abc d7:command4:pinge\r\n");
    ASSERT_TRUE(nl.request) << nl.reply;
    EXPECT_EQ(nl.request->command, Command::ping);
    // The cookie is repeated whatever it holds.
    EXPECT_EQ(parse_datagram("\x01\xff\r\n de").reply.substr(0, 5), "\x01\xff\r\n ");
}

TEST(NgCommand, NoPrefixOfARequestIsARequest) {
    const std::string datagram = "7_1_2 " + bencode::encode(Value(kamailio_offer()));
    ASSERT_TRUE(parse_datagram(datagram).request);
    for (std::size_t n = 0; n < datagram.size(); ++n) {
        const Datagram d = parse_datagram(datagram.substr(0, n));
        EXPECT_FALSE(d.request) << n;
        if (n > 6) {
            EXPECT_EQ(d.reply.rfind("7_1_2 d6:result5:error12:error-reason", 0), 0u) << n;
        }
    }
}

TEST(NgCommand, ArbitraryBytesGiveADropARequestOrAnErrorReply) {
    // A cheap stand-in for the fuzzer: mutated requests, every outcome well-formed.
    const std::string base = "7_1_2 " + bencode::encode(Value(kamailio_offer()));
    std::uint64_t state = 0x9e3779b97f4a7c15;
    const auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int i = 0; i < 5000; ++i) {
        std::string m = base;
        for (int flips = 1 + static_cast<int>(next() % 4); flips > 0; --flips)
            m[next() % m.size()] = static_cast<char>(next());
        const Datagram d = parse_datagram(m);
        if (d.dropped()) continue;
        if (d.request) {
            EXPECT_TRUE(d.reply.empty());
            continue;
        }
        ASSERT_EQ(d.reply.rfind(d.cookie + " d6:result5:error12:error-reason", 0), 0u) << d.reply;
        const auto reply = bencode::decode(d.reply.substr(d.cookie.size() + 1));
        ASSERT_TRUE(reply) << d.reply;
    }
}
