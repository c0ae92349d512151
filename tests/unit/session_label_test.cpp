// SPDX-License-Identifier: GPL-2.0
// The session label: SHA-256, the keys of Call-IDs and tags, and the label's text.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "session_label.hpp"
#include "sha256.hpp"

namespace {

using namespace rtpproxyd;

std::string hex(const Sha256Digest& digest) {
    std::string out;
    char buf[3];
    for (const auto byte : digest) {
        std::snprintf(buf, sizeof buf, "%02x", byte);
        out += buf;
    }
    return out;
}

TEST(Sha256, KnownAnswers) {
    // FIPS 180-4 examples, and lengths around the padding's block boundary.
    EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(hex(sha256(std::string(1000000, 'a'))),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_EQ(hex(sha256(std::string(64, 'a'))),
              "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(CallKey, ShortPrintableTokensStayAsTheyAre) {
    EXPECT_EQ(call_key("1-10054@127.0.0.2", kMaxLiteralCallId), "1-10054@127.0.0.2");
    EXPECT_EQ(call_key(std::string(kMaxLiteralTag, 't'), kMaxLiteralTag),
              std::string(kMaxLiteralTag, 't'));
}

TEST(CallKey, LongOddOrMarkedTokensAreHashed) {
    for (const std::string& token :
         {std::string(kMaxLiteralTag + 1, 't'), std::string("a b"), std::string("#abc"),
          std::string("caf\xc3\xa9"), std::string()}) {
        const std::string key = call_key(token, kMaxLiteralTag);
        EXPECT_EQ(key.size(), 23u) << token;
        EXPECT_EQ(key.front(), '#');
        EXPECT_EQ(key.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 1),
                  std::string::npos);
        EXPECT_EQ(key, call_key(token, kMaxLiteralTag)) << "stable";
    }
    EXPECT_NE(call_key(std::string(100, 'x'), 56), call_key(std::string(101, 'x'), 56));
    // The first 6 bits of SHA-256("") are 111000: '4'.
    EXPECT_EQ(call_key("", 10).substr(0, 2), "#4");
}

TEST(Label, RoundTripsAndFitsTheKernel) {
    SessionLabel label{call_key(std::string(300, 'c'), kMaxLiteralCallId),
                       std::string(kMaxLiteralTag, 'f'), std::string(kMaxLiteralTag, 't'),
                       kMaxMediaIndex, Side::b};
    label.call = std::string(kMaxLiteralCallId, 'c');
    const std::string text = encode_label(label);
    EXPECT_LE(text.size(), 128u);
    EXPECT_EQ(decode_label(text), label);

    SessionLabel unanswered{"abc@host", "ft1", "", 2, Side::a};
    EXPECT_EQ(encode_label(unanswered), "rtpp1 A2 abc@host ft1 #");
    EXPECT_EQ(decode_label("rtpp1 A2 abc@host ft1 #"), unanswered);
}

TEST(Label, OthersLabelsAreNotOurs) {
    for (const char* text :
         {"", "callid;a84b4c76e66710", "rtpp1 ", "rtpp1 A1 c f", "rtpp1 C1 c f t", "rtpp1 A0 c f t",
          "rtpp1 A01 c f t", "rtpp1 A1000 c f t", "rtpp1 Ax c f t", "rtpp1 A1 c f t extra",
          "rtpp1 A1 #short f t", "rtpp1 A1 c f  t"}) {
        EXPECT_FALSE(decode_label(text)) << text;
    }
}

}  // namespace
