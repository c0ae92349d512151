// SPDX-License-Identifier: GPL-2.0
// The ABI header compiles as C++ with the same layout as in C.
#include <gtest/gtest.h>
#include <linux/netfilter/xt_RTPPROXY.h>

#include <cstddef>
#include <type_traits>

#include "abi_asserts.h"

static_assert(std::is_standard_layout_v<xt_rtpproxy_tginfo>);
static_assert(std::is_trivially_copyable_v<xt_rtpproxy_tginfo>);
static_assert(alignof(xt_rtpproxy_tginfo) == 8);

TEST(Abi, NamesAreStrings) {
    EXPECT_STREQ(XT_RTPPROXY_NAME, "RTPPROXY");
    EXPECT_STREQ(XT_RTPPROXY_GENL_NAME, "xt_rtpproxy");
}

TEST(Abi, ZeroInitialisedInfoIsAllZero) {
    const xt_rtpproxy_tginfo info{};
    const auto* bytes = reinterpret_cast<const unsigned char*>(&info);
    for (std::size_t i = 0; i < sizeof(info); ++i) EXPECT_EQ(bytes[i], 0) << i;
}
