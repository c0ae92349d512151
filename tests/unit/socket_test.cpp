// SPDX-License-Identifier: GPL-2.0
// The socket against the running kernel's generic netlink controller ("nlctrl", in every kernel,
// open to every user): the descriptor, the receive timeout, the process check after fork(),
// and what a missing family says. Skipped where netlink sockets cannot be opened.
#include "xtrtpproxy/socket.hpp"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "netlink_util.hpp"
#include "xtrtpproxy/client.hpp"
#include "xtrtpproxy/message.hpp"

using namespace xtrtpproxy;
using testutil::catch_system_error;
using namespace std::chrono_literals;

namespace {

class SocketTest : public testing::Test {
  protected:
    void SetUp() override {
        try {
            socket_.emplace("nlctrl");
        } catch (const std::system_error& e) {
            GTEST_SKIP() << "no generic netlink here: " << e.what();
        }
    }
    Socket& socket() { return *socket_; }

    std::optional<Socket> socket_;
};

// A request the kernel takes without a word: a message type below NLMSG_MIN_TYPE is
// acknowledged only when asked to, and this one does not ask.
Request silent_request() { return Request(NLMSG_NOOP, 0, 0, 0); }

// The controller's answer about itself: a request that gets a reply.
void look_up_nlctrl(Socket& socket) {
    Request request = make_get_family_request("nlctrl");
    FamilyInfo family;
    socket.execute(request, "lookup",
                   [&](const nlmsghdr* nlh) { family = parse_family_reply(nlh); });
    EXPECT_EQ(family.id, GENL_ID_CTRL);
}

}  // namespace

TEST_F(SocketTest, DescriptorIsTheNetlinkSocket) {
    EXPECT_EQ(socket().family_id(), GENL_ID_CTRL);
    ASSERT_GE(socket().fd(), 0);
    int protocol = -1;
    socklen_t len = sizeof(protocol);
    ASSERT_EQ(getsockopt(socket().fd(), SOL_SOCKET, SO_PROTOCOL, &protocol, &len), 0);
    EXPECT_EQ(protocol, NETLINK_GENERIC);

    Socket moved(std::move(socket()));
    EXPECT_GE(moved.fd(), 0);
    EXPECT_EQ(socket().fd(), -1);
}

TEST_F(SocketTest, DefaultReceiveTimeout) {
    EXPECT_EQ(socket().receive_timeout(), Socket::kDefaultReceiveTimeout);
    EXPECT_EQ(Socket::kDefaultReceiveTimeout, 5000ms);
    timeval tv{};
    socklen_t len = sizeof(tv);
    ASSERT_EQ(getsockopt(socket().fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
    EXPECT_EQ(tv.tv_sec, 5);
    EXPECT_EQ(tv.tv_usec, 0);
}

TEST_F(SocketTest, AnAnswerThatNeverComesTimesOut) {
    socket().set_receive_timeout(150ms);
    EXPECT_EQ(socket().receive_timeout(), 150ms);
    Request request = silent_request();
    const auto start = std::chrono::steady_clock::now();
    const auto e =
        catch_system_error([&] { socket().execute(request, "noop", [](const nlmsghdr*) {}); });
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(e.code().value(), ETIMEDOUT);
    EXPECT_NE(std::string(e.what()).find("within 150 ms"), std::string::npos) << e.what();
    EXPECT_GE(waited, 100ms);
    EXPECT_LT(waited, 4s);
    // The socket is still good for the next request.
    look_up_nlctrl(socket());
}

TEST_F(SocketTest, ZeroWaitsForEverAndNegativeIsRefused) {
    socket().set_receive_timeout(0ms);
    timeval tv{1, 1};
    socklen_t len = sizeof(tv);
    ASSERT_EQ(getsockopt(socket().fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
    EXPECT_EQ(tv.tv_sec, 0);
    EXPECT_EQ(tv.tv_usec, 0);
    EXPECT_THROW(socket().set_receive_timeout(-1ms), std::invalid_argument);
    look_up_nlctrl(socket());
}

TEST_F(SocketTest, AChildAfterForkIsRefused) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // No gtest assertions here: the exit status says what happened.
        int status = 3;
        try {
            look_up_nlctrl(socket());
            status = 1;
        } catch (const std::system_error& e) {
            const std::string what = e.what();
            status = e.code().value() == EBADFD &&
                             what.find("the child must open its own Client") != std::string::npos
                         ? 0
                         : 2;
        }
        _exit(status);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the child used the socket, 2: another error";
    // The parent's socket is untouched.
    look_up_nlctrl(socket());
}

TEST_F(SocketTest, ClientGivesTheDescriptorAndTheTimeout) {
    const int fd = socket().fd();
    Client client(std::move(socket()));
    EXPECT_EQ(client.fd(), fd);
    EXPECT_EQ(client.receive_timeout(), Socket::kDefaultReceiveTimeout);
    client.set_receive_timeout(250ms);
    EXPECT_EQ(client.receive_timeout(), 250ms);
    EXPECT_EQ(client.socket().receive_timeout(), 250ms);
}

TEST_F(SocketTest, UnknownFamily) {
    const auto e = catch_system_error([] { Socket("xtrp_nofamily"); });
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_EQ(std::string(e.what()).rfind("generic netlink family xtrp_nofamily not found", 0), 0U)
        << e.what();
}

TEST_F(SocketTest, ModuleNotLoadedSaysWhatToDo) {
    try {
        Socket rtpproxy;
        GTEST_SKIP() << "the xt_RTPPROXY module is loaded here";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ENOENT);
        EXPECT_EQ(std::string(e.what()).rfind("the xt_RTPPROXY kernel module is not loaded (no "
                                              "generic netlink family xt_rtpproxy): run 'modprobe "
                                              "xt_RTPPROXY' (as root)",
                                              0),
                  0U)
            << e.what();
    }
}
