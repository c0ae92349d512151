// SPDX-License-Identifier: GPL-2.0
// Dumps flagged NLM_F_DUMP_INTR are restarted from scratch, and given up on eventually.
#include "xtrtpproxy/dump.hpp"

#include <gtest/gtest.h>

using xtrtpproxy::retry_dump;

TEST(RetryDump, ConsistentFirstTime) {
    int calls = 0;
    const auto items = retry_dump<int>("list", 5, [&](std::vector<int>& out) {
        ++calls;
        out = {1, 2, 3};
        return true;
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(items, (std::vector<int>{1, 2, 3}));
}

TEST(RetryDump, RestartsWithAnEmptyList) {
    int calls = 0;
    const auto items = retry_dump<int>("list", 5, [&](std::vector<int>& out) {
        EXPECT_TRUE(out.empty());
        out.push_back(++calls);
        return calls == 3;
    });
    EXPECT_EQ(items, (std::vector<int>{3}));
}

TEST(RetryDump, GivesUpWithEagain) {
    int calls = 0;
    try {
        retry_dump<int>("session list", 4, [&](std::vector<int>&) {
            ++calls;
            return false;
        });
        FAIL() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EAGAIN);
        EXPECT_NE(std::string(e.what()).find("session list: interrupted"), std::string::npos);
    }
    EXPECT_EQ(calls, 4);
}
