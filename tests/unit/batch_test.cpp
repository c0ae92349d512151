// SPDX-License-Identifier: GPL-2.0
// Batch lines: how they split into words, and which lines run when one fails.
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "batch.hpp"

using iptrtpproxy::batch_words;
using iptrtpproxy::run_batch;

TEST(Batch, Words) {
    using Words = std::vector<std::string>;
    EXPECT_EQ(batch_words("alloc --addr-a 10.0.0.1"), (Words{"alloc", "--addr-a", "10.0.0.1"}));
    EXPECT_EQ(batch_words("  \tdelete   --sess-id-lo 3\r"), (Words{"delete", "--sess-id-lo", "3"}));
    EXPECT_EQ(batch_words(""), Words{});
    EXPECT_EQ(batch_words("   "), Words{});
    EXPECT_EQ(batch_words("# alloc"), Words{});
    EXPECT_EQ(batch_words("  # alloc"), Words{});
    EXPECT_EQ(batch_words("list"), Words{"list"});
}

namespace {

// Runs the batch; every line's first word is the status it returns.
struct Recorder {
    std::vector<std::string> ran;
    int run(const std::string& text, bool force) {
        std::istringstream in(text);
        return run_batch(in, "f", force, [this](const auto& words, const std::string& where) {
            ran.push_back(where);
            return std::stoi(words.at(0));
        });
    }
};

}  // namespace

TEST(Batch, StopsAtTheFirstFailure) {
    Recorder r;
    EXPECT_EQ(r.run("0\n\n# note\n0 x\n2\n0\n", false), 2);
    EXPECT_EQ(r.ran, (std::vector<std::string>{"f:1", "f:4", "f:5"}));
}

TEST(Batch, ForceRunsEverythingAndReturnsTheWorst) {
    Recorder r;
    EXPECT_EQ(r.run("1\n2\n0\n1", true), 2);
    EXPECT_EQ(r.ran.size(), 4U);
    Recorder ok;
    EXPECT_EQ(ok.run("0\n0\n", true), 0);
    Recorder empty;
    EXPECT_EQ(empty.run("", false), 0);
    EXPECT_TRUE(empty.ran.empty());
}

TEST(Batch, AnExceptionEndsItEvenWithForce) {
    std::istringstream in("0\nthrow\n0\n");
    std::vector<std::string> ran;
    EXPECT_THROW(run_batch(in, "f", true,
                           [&](const auto& words, const std::string& where) {
                               ran.push_back(where);
                               if (words.at(0) == "throw") throw std::runtime_error("output lost");
                               return 0;
                           }),
                 std::runtime_error);
    EXPECT_EQ(ran, (std::vector<std::string>{"f:1", "f:2"}));
    std::string rest;
    std::getline(in, rest);
    EXPECT_EQ(rest, "0");  // the line after it was not even read
}
