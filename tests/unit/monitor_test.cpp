// SPDX-License-Identifier: GPL-2.0
// The events listener against the running kernel's generic netlink controller, whose "notify"
// group every user may join: the lookup of the group, the receive buffer, what read() makes of
// a non-blocking socket and of a message not from the kernel. Skipped where netlink sockets
// cannot be opened.
#include "xtrtpproxy/monitor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "netlink_util.hpp"

using namespace xtrtpproxy;
using testutil::catch_system_error;

namespace {

// nlctrl's notify group, or a skip where there is no generic netlink.
std::optional<Monitor> open_monitor(std::optional<std::size_t> receive_buffer = std::nullopt) {
    try {
        return Monitor("nlctrl", "notify", receive_buffer);
    } catch (const std::system_error& e) {
        if (e.code().value() == EOPNOTSUPP) throw;
        return std::nullopt;
    }
}

#define OPEN_MONITOR(name, ...)            \
    auto name = open_monitor(__VA_ARGS__); \
    if (!name) GTEST_SKIP() << "no generic netlink here";

void make_non_blocking(int fd) {
    ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

}  // namespace

TEST(Monitor, JoinsTheGroupTheControllerNames) {
    OPEN_MONITOR(monitor);
    EXPECT_GE(monitor->fd(), 0);
    EXPECT_EQ(monitor->family_id(), GENL_ID_CTRL);
    // The controller's own group is its first: GENL_ID_CTRL, as it registers it.
    EXPECT_EQ(monitor->group_id(), static_cast<std::uint32_t>(GENL_ID_CTRL));
    std::uint32_t groups = 0;
    socklen_t len = sizeof(groups);
    ASSERT_EQ(getsockopt(monitor->fd(), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &groups, &len), 0);
    EXPECT_TRUE(groups & (1U << (monitor->group_id() - 1))) << groups;
}

TEST(Monitor, AGroupTheFamilyLacksIsTooOld) {
    try {
        Monitor monitor("nlctrl", "no-such-group");
        FAIL() << "joined a group that does not exist";
    } catch (const std::system_error& e) {
        if (e.code().value() != EOPNOTSUPP) GTEST_SKIP() << "no generic netlink here";
        EXPECT_NE(std::string(e.what()).find("no multicast group no-such-group"), std::string::npos)
            << e.what();
    }
}

TEST(Monitor, ReceiveBufferAsAsked) {
    OPEN_MONITOR(small, 4096);
    EXPECT_GE(small->receive_buffer(), 4096U);
    OPEN_MONITOR(large, 1 << 20);
    // Either what was asked, or (without CAP_NET_ADMIN) net.core.rmem_max.
    EXPECT_GT(large->receive_buffer(), small->receive_buffer());
    EXPECT_LE(large->receive_buffer(), std::size_t{1} << 20);
}

TEST(Monitor, ReceiveBufferOutOfRange) {
    if (!open_monitor()) GTEST_SKIP() << "no generic netlink here";
    EXPECT_THROW(Monitor("nlctrl", "notify", 0), std::invalid_argument);
    EXPECT_THROW(Monitor("nlctrl", "notify", Monitor::kMaxReceiveBuffer + 1),
                 std::invalid_argument);
}

TEST(Monitor, NothingWaitingOnANonBlockingSocket) {
    OPEN_MONITOR(monitor);
    make_non_blocking(monitor->fd());
    EXPECT_TRUE(monitor->read().empty());
}

TEST(Monitor, AMessageNotFromTheKernelIsNoEvent) {
    OPEN_MONITOR(monitor);
    make_non_blocking(monitor->fd());
    sockaddr_nl self{};
    socklen_t len = sizeof(self);
    ASSERT_EQ(getsockname(monitor->fd(), reinterpret_cast<sockaddr*>(&self), &len), 0);
    // An event as the module would send it, from a process instead.
    testutil::MessageBuffer m;
    m.begin(monitor->family_id(), 0, 0, true, RTPPROXY_CMD_EVENT);
    mnl_attr_put_u8(m.nlh(), RTPPROXY_A_EVENT, RTPPROXY_EVENT_SWITCHBOARD_DEL);
    m.end();
    const int sender = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
    ASSERT_GE(sender, 0);
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    to.nl_pid = self.nl_pid;
    const auto bytes = m.bytes();
    const ssize_t sent = sendto(sender, bytes.data(), bytes.size(), 0,
                                reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    const int error = errno;
    close(sender);
    if (sent < 0) GTEST_SKIP() << "cannot send to a netlink port here: " << error;
    // It is read (and so gone) without a word: it would be a broken event if it were parsed.
    EXPECT_TRUE(monitor->read().empty());
    EXPECT_TRUE(monitor->read().empty());
}

TEST(Monitor, Moves) {
    OPEN_MONITOR(monitor);
    const int fd = monitor->fd();
    Monitor moved(std::move(*monitor));
    EXPECT_EQ(moved.fd(), fd);
    EXPECT_EQ(monitor->fd(), -1);
}
