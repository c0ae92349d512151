// SPDX-License-Identifier: GPL-2.0
// Bencode: round trips, the strict rules for integers and lengths, and the limits.
#include "bencode.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

using namespace rtpproxyd::bencode;
using namespace std::string_literals;

namespace {

// The reason decode() refuses input for, with its offset; a failure if it accepts it.
std::string refusal(const std::string& input, const Limits& limits = {}) {
    const DecodeResult result = decode(input, limits);
    if (result) {
        ADD_FAILURE() << "'" << input << "' accepted";
        return "";
    }
    return result.error.message();
}

Value round_trip(const std::string& bytes) {
    const DecodeResult result = decode(bytes);
    if (!result) {
        ADD_FAILURE() << "'" << bytes << "' refused: " << result.error.message();
        return {};
    }
    EXPECT_EQ(encode(*result.value), bytes);
    return *result.value;
}

}  // namespace

TEST(Bencode, StringsAreBytes) {
    EXPECT_EQ(*round_trip("5:hello").as_string(), "hello");
    EXPECT_EQ(*round_trip("0:").as_string(), "");
    EXPECT_EQ(*round_trip("4:\0\xff e"s).as_string(), "\0\xff e"s);
    // Digits and colons inside a string are just bytes.
    EXPECT_EQ(*round_trip("6:3:abce").as_string(), "3:abce");
    EXPECT_EQ(encode(Value(std::string(300, 'x'))), "300:" + std::string(300, 'x'));
}

TEST(Bencode, IntegersUseAll64Bits) {
    EXPECT_EQ(*round_trip("i0e").as_integer(), 0);
    EXPECT_EQ(*round_trip("i42e").as_integer(), 42);
    EXPECT_EQ(*round_trip("i-1e").as_integer(), -1);
    EXPECT_EQ(*round_trip("i9223372036854775807e").as_integer(),
              std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(*round_trip("i-9223372036854775808e").as_integer(),
              std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(encode(Value(std::numeric_limits<std::int64_t>::min())), "i-9223372036854775808e");
}

TEST(Bencode, ListsAndDictionariesKeepTheirOrder) {
    const Value list = round_trip("l5:helloi-7eli1eedee");
    ASSERT_TRUE(list.is_list());
    ASSERT_EQ(list.as_list()->size(), 4u);
    EXPECT_EQ(list.as_list()->at(1), Value(-7));
    EXPECT_EQ(list.as_list()->at(2), Value(Value::List{Value(1)}));
    EXPECT_EQ(list.as_list()->at(3), Value(Value::Dictionary{}));

    // Unsorted keys (rtpengine does not sort, and neither does Kamailio) stay unsorted.
    const Value dict = round_trip("d7:warning2:no6:result2:oke");
    ASSERT_TRUE(dict.is_dictionary());
    EXPECT_EQ(dict.as_dictionary()->at(0).key, "warning");
    EXPECT_EQ(dict.as_dictionary()->at(1).key, "result");
    EXPECT_EQ(*dict.find("result"), Value("ok"));
    EXPECT_EQ(dict.find("nope"), nullptr);
    EXPECT_EQ(Value("x").find("x"), nullptr);
    EXPECT_EQ(round_trip("le"), Value(Value::List{}));
}

TEST(Bencode, DuplicateKeysAreKeptAndFindReturnsTheFirst) {
    const Value dict = round_trip("d1:ai1e1:bi2e1:ai3ee");
    ASSERT_EQ(dict.as_dictionary()->size(), 3u);
    EXPECT_EQ(*dict.find("a"), Value(1));
}

TEST(Bencode, KamailioOfferShapeDecodes) {
    const std::string sdp = "v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\n";
    const std::string wire = "d8:supportsl10:load limite3:sdp" + std::to_string(sdp.size()) + ":" +
                             sdp +
                             "7:replacel6:origine7:call-id4:abcd13:received-froml3:IP4"
                             "9:127.0.0.2e8:from-tag3:xyz7:command5:offere";
    const Value v = round_trip(wire);
    EXPECT_EQ(*v.find("sdp"), Value(sdp));
    EXPECT_EQ(*v.find("received-from"), Value(Value::List{Value("IP4"), Value("127.0.0.2")}));
    EXPECT_EQ(*v.find("command"), Value("offer"));
}

TEST(Bencode, EncodeBuildsWhatDecodeReads) {
    const Value v(Value::Dictionary{
        {"b", Value::List{Value("x"), Value(0), Value(Value::Dictionary{{"k", "v"}})}},
        {"a", -12},
    });
    EXPECT_EQ(encode(v), "d1:bl1:xi0ed1:k1:vee1:ai-12ee");
    EXPECT_EQ(*decode(encode(v)).value, v);
    std::string out = "cookie ";
    encode_to(Value("ok"), out);
    EXPECT_EQ(out, "cookie 2:ok");
}

TEST(Bencode, IntegersFollowTheRules) {
    EXPECT_EQ(refusal("i03e"), "integer with a leading zero at byte 0");
    EXPECT_EQ(refusal("i00e"), "integer with a leading zero at byte 0");
    EXPECT_EQ(refusal("i-03e"), "integer with a leading zero at byte 0");
    EXPECT_EQ(refusal("i-0e"), "negative zero at byte 0");
    EXPECT_EQ(refusal("ie"), "integer without digits at byte 0");
    EXPECT_EQ(refusal("i-e"), "integer without digits at byte 0");
    EXPECT_EQ(refusal("i+1e"), "unexpected byte in integer at byte 1");
    EXPECT_EQ(refusal("i1.5e"), "unexpected byte in integer at byte 2");
    EXPECT_EQ(refusal("i--1e"), "unexpected byte in integer at byte 2");
    EXPECT_EQ(refusal("i 1e"), "unexpected byte in integer at byte 1");
    EXPECT_EQ(refusal("i9223372036854775808e"), "integer out of 64-bit range at byte 0");
    EXPECT_EQ(refusal("i-9223372036854775809e"), "integer out of 64-bit range at byte 0");
    EXPECT_EQ(refusal("i99999999999999999999999999e"), "integer out of 64-bit range at byte 0");
    EXPECT_EQ(refusal("l4:abcdi012ee"), "integer with a leading zero at byte 7");
}

TEST(Bencode, StringLengthsFollowTheRules) {
    EXPECT_EQ(refusal("01:a"), "string length with a leading zero at byte 0");
    EXPECT_EQ(refusal("00:"), "string length with a leading zero at byte 0");
    EXPECT_EQ(refusal("5:abc"), "string length 5 but only 3 bytes left at byte 0");
    EXPECT_EQ(refusal("1:"), "string length 1 but only 0 bytes left at byte 0");
    // A huge length prefix is refused without being believed (or overflowing).
    EXPECT_EQ(refusal("99999999999999999999999999999:a"), "string longer than the input at byte 0");
    EXPECT_EQ(refusal("18446744073709551616:a"), "string longer than the input at byte 0");
    EXPECT_EQ(refusal("3"), "string length without ':' at byte 0");
    EXPECT_EQ(refusal("3x:abc"), "unexpected byte in string length at byte 1");
    EXPECT_EQ(refusal("-1:a"), "expected a value (i, l, d or a digit) at byte 0");
}

TEST(Bencode, UnterminatedValuesAreRefused) {
    EXPECT_EQ(refusal(""), "empty input at byte 0");
    EXPECT_EQ(refusal("i12"), "unterminated integer at byte 0");
    EXPECT_EQ(refusal("i"), "unterminated integer at byte 0");
    EXPECT_EQ(refusal("l"), "unterminated list at byte 0");
    EXPECT_EQ(refusal("li1e"), "unterminated list at byte 0");
    EXPECT_EQ(refusal("d"), "unterminated dictionary at byte 0");
    EXPECT_EQ(refusal("d1:a"), "dictionary key without a value at byte 0");
    EXPECT_EQ(refusal("d1:ae"), "dictionary key without a value at byte 4");
    EXPECT_EQ(refusal("d1:ai1e"), "unterminated dictionary at byte 0");
    EXPECT_EQ(refusal("ll1:a"), "unterminated list at byte 1");
}

TEST(Bencode, MalformedStructureIsRefused) {
    EXPECT_EQ(refusal("e"), "expected a value (i, l, d or a digit) at byte 0");
    EXPECT_EQ(refusal("x"), "expected a value (i, l, d or a digit) at byte 0");
    EXPECT_EQ(refusal("{\"command\":\"ping\"}"), "expected a value (i, l, d or a digit) at byte 0");
    EXPECT_EQ(refusal("di1ei2ee"), "dictionary key is not a string at byte 1");
    EXPECT_EQ(refusal("dl1:ae1:be"), "dictionary key is not a string at byte 1");
    EXPECT_EQ(refusal("lxe"), "expected a value (i, l, d or a digit) at byte 1");
}

TEST(Bencode, TrailingBytesAreRefused) {
    EXPECT_EQ(refusal("i1ex"), "trailing bytes after the value at byte 3");
    EXPECT_EQ(refusal("dee"), "trailing bytes after the value at byte 2");
    EXPECT_EQ(refusal("1:ab"), "trailing bytes after the value at byte 3");
    EXPECT_EQ(refusal("d1:ai1ee\n"), "trailing bytes after the value at byte 8");
    EXPECT_EQ(refusal("lei0e"), "trailing bytes after the value at byte 2");
}

TEST(Bencode, NestingIsBounded) {
    const auto nested = [](std::size_t depth) {
        return std::string(depth, 'l') + std::string(depth, 'e');
    };
    EXPECT_TRUE(decode(nested(32)));
    EXPECT_EQ(refusal(nested(33)), "lists and dictionaries nested deeper than 32 at byte 32");
    // A depth bomb stops at the limit: no stack overflow, whatever the input's length.
    EXPECT_EQ(refusal(std::string(1'000'000, 'l')),
              "lists and dictionaries nested deeper than 32 at byte 32");
    EXPECT_EQ(refusal(std::string(100'000, 'd')), "dictionary key is not a string at byte 1");
    std::string dicts;
    for (int i = 0; i < 40; ++i) dicts += "d1:a";
    EXPECT_EQ(refusal(dicts), "lists and dictionaries nested deeper than 32 at byte 128");

    Limits shallow;
    shallow.max_depth = 2;
    EXPECT_FALSE(decode("lle", shallow));
    EXPECT_TRUE(decode("llee", shallow));
    EXPECT_EQ(refusal("llleee", shallow), "lists and dictionaries nested deeper than 2 at byte 2");
    EXPECT_TRUE(decode("i5e", shallow));
}

TEST(Bencode, ElementsAreBounded) {
    Limits few;
    few.max_elements = 4;
    EXPECT_TRUE(decode("li1ei2ei3ee", few));
    EXPECT_EQ(refusal("li1ei2ei3ei4ee", few), "more than 4 values at byte 10");
    // Keys count too.
    EXPECT_TRUE(decode("d1:ai1ee", few));
    EXPECT_EQ(refusal("d1:ai1e1:bi2ee", few), "more than 4 values at byte 10");

    std::string many = "l";
    for (int i = 0; i < 70'000; ++i) many += "i0e";
    many += "e";
    EXPECT_EQ(refusal(many), "more than 65536 values at byte 196606");
}

TEST(Bencode, EveryPrefixOfAValidMessageIsRefused) {
    const std::string wire =
        "d7:command5:offer8:supportsl10:load limite5:flagsl13:trust-addresse3:TOSi184e"
        "12:delete delayi-3e3:sdp4:v=0\ne";
    ASSERT_TRUE(decode(wire));
    for (std::size_t n = 0; n < wire.size(); ++n) EXPECT_FALSE(decode(wire.substr(0, n))) << n;
}
