// SPDX-License-Identifier: GPL-2.0
// The capability decision, on capability sets built from text (no privileges needed).
#include "caps.hpp"

#include <gtest/gtest.h>

using namespace iptrtpproxy;

namespace {

NetAdminStatus status_of(const char* text) {
    cap_t caps = cap_from_text(text);
    EXPECT_NE(caps, nullptr) << text;
    const NetAdminStatus status = net_admin_status(caps);
    cap_free(caps);
    return status;
}

}  // namespace

TEST(Caps, Effective) {
    EXPECT_EQ(status_of("cap_net_admin=ep"), NetAdminStatus::effective);
    EXPECT_EQ(status_of("all=ep"), NetAdminStatus::effective);
}

TEST(Caps, PermittedOnly) { EXPECT_EQ(status_of("cap_net_admin=p"), NetAdminStatus::permitted); }

TEST(Caps, Missing) {
    EXPECT_EQ(status_of("="), NetAdminStatus::missing);
    EXPECT_EQ(status_of("cap_net_raw,cap_sys_admin=ep"), NetAdminStatus::missing);
    EXPECT_EQ(status_of("cap_net_admin=i"), NetAdminStatus::missing);
}

TEST(Caps, MessageSaysWhatToDo) {
    const std::string message = missing_net_admin_message("/usr/sbin/iptrtpproxy");
    EXPECT_NE(message.find("CAP_NET_ADMIN"), std::string::npos);
    EXPECT_NE(message.find("setcap cap_net_admin+ep /usr/sbin/iptrtpproxy"), std::string::npos);
    EXPECT_NE(message.find("root"), std::string::npos);
}
