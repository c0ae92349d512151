// SPDX-License-Identifier: GPL-2.0
// The text form of session labels: list's output and --label's input, and their round trip.
#include "label_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "options.hpp"
#include "xtrtpproxy/types.hpp"

using namespace iptrtpproxy;
using namespace std::string_literals;

namespace {

std::string decode(const std::string& text) { return label_from_text("label", text); }

std::string usage_error(const std::string& text) {
    try {
        decode(text);
    } catch (const UsageError& e) {
        return e.what();
    }
    ADD_FAILURE() << "'" << text << "' accepted";
    return "";
}

}  // namespace

TEST(LabelText, PrintableBytesStandForThemselves) {
    EXPECT_EQ(label_to_text("callid;a84b4c76e66710@pc33.example.com;from-tag=1928301774"),
              "callid;a84b4c76e66710@pc33.example.com;from-tag%3D1928301774");
    EXPECT_EQ(label_to_text("!~\"#&'()*+,-./:<>?[\\]^_`{|}"), "!~\"#&'()*+,-./:<>?[\\]^_`{|}");
    EXPECT_EQ(label_to_text(""), "");
}

TEST(LabelText, EveryOtherByteIsUpperCaseHex) {
    EXPECT_EQ(label_to_text("%"), "%25");
    EXPECT_EQ(label_to_text(" "), "%20");
    // A value of the output format never holds '=' (iptrtpproxy(8), OUTPUT FORMAT).
    EXPECT_EQ(label_to_text("="), "%3D");
    EXPECT_EQ(label_to_text("\0"s), "%00");
    EXPECT_EQ(label_to_text("\xff"), "%FF");
    EXPECT_EQ(label_to_text("\x7f\x1b\t\n\xc3\xa9"), "%7F%1B%09%0A%C3%A9");
    EXPECT_EQ(label_to_text("a b=c%d"), "a%20b%3Dc%25d");
}

TEST(LabelText, DecodingTakesEitherCaseAndBytesAsGiven) {
    EXPECT_EQ(decode("%25"), "%");
    EXPECT_EQ(decode("%3d%3D"), "==");
    EXPECT_EQ(decode("%ff%Fe%00"), "\xff\xfe\0"s);
    // Bytes that need no escape on input: a shell's quoted blank, '=', UTF-8.
    EXPECT_EQ(decode("a b=c\xc3\xa9"), "a b=c\xc3\xa9");
    EXPECT_EQ(decode(""), "");
}

TEST(LabelText, EveryByteRoundTrips) {
    std::string all;
    for (int byte = 0; byte < 256; ++byte) all += static_cast<char>(byte);
    const std::string text = label_to_text(all.substr(0, 128));
    EXPECT_EQ(text.find_first_of(" ="), std::string::npos) << text;
    EXPECT_EQ(decode(text), all.substr(0, 128));
    EXPECT_EQ(decode(label_to_text(all.substr(128))), all.substr(128));
    for (const std::string& label : {"%"s, " "s, "="s, "\0"s, "\xff"s, "callid;x%20y tag=3"s})
        EXPECT_EQ(decode(label_to_text(label)), label) << label;
}

TEST(LabelText, BadPercentSequencesAreUsageErrors) {
    for (const char* text : {"%", "%2", "abc%", "%G0", "%0G", "a%zz", "%%41", "% 41", "%-1"})
        EXPECT_NE(usage_error(text).find("is not followed by two hex digits"), std::string::npos)
            << text;
    EXPECT_EQ(usage_error("ab%4"),
              "invalid label 'ab%4' for --label: the '%' at character 3 is not followed by two "
              "hex digits (a '%' itself is %25)");
}

TEST(LabelText, TheLongestLabelIsCountedInDecodedBytes) {
    EXPECT_EQ(decode(std::string(128, 'x')).size(), xtrtpproxy::kLabelMax);
    std::string escaped;
    for (int i = 0; i < 128; ++i) escaped += "%41";
    EXPECT_EQ(decode(escaped), std::string(128, 'A'));
    EXPECT_EQ(usage_error(escaped + "B"),
              "label for --label is 129 bytes long once decoded, more than the 128 the kernel "
              "keeps");
    EXPECT_NE(usage_error(std::string(129, 'x')).find("129 bytes"), std::string::npos);
}
