// SPDX-License-Identifier: GPL-2.0
// The call table against a model of the kernel's sessions: offers, answers, re-INVITEs from
// either side, deletes, the kernel's own endings and the rebuild after a restart.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "call_table.hpp"
#include "fake_session_store.hpp"

namespace {

using namespace rtpproxyd;
using rtpproxyd::testing::FakeStore;
using xtrtpproxy::Address;
using xtrtpproxy::StreamIndex;

const Address v4 = Address::parse("192.0.2.1");
const Address v6 = Address::parse("2001:db8::1");

StreamRequestParams offer(std::string_view call, std::string_view from,
                          std::optional<std::string_view> to, const char* ip, std::uint16_t port,
                          std::uint16_t media = 1) {
    StreamRequestParams r;
    r.call_id = call;
    r.sender_tag = from;
    r.other_tag = to;
    r.media = media;
    r.remote = Address::parse(ip);
    r.remote_port = port;
    r.may_create = true;
    return r;
}

// An answer from the party with tag `to` to the offer of `from`.
StreamRequestParams answer(std::string_view call, std::string_view from, std::string_view to,
                           const char* ip, std::uint16_t port, std::uint16_t media = 1) {
    auto r = offer(call, to, from, ip, port, media);
    r.may_create = false;
    return r;
}

class CallTableTest : public ::testing::Test {
  protected:
    RelayPlan plan = RelayPlan::own({v4, v6}, {}, 40000, 40599);
    FakeStore store;
    CallTable table{plan, store, SessionPolicy{}};
};

TEST_F(CallTableTest, OfferAndAnswerGetTheGatesOfTheirReceivers) {
    const auto o = table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000));
    ASSERT_TRUE(o.local);
    EXPECT_TRUE(o.created);
    // Session 0 of the IPv4 switchboard: gate B (for the answerer) at 40200.
    EXPECT_EQ(o.local->addr, v4);
    EXPECT_EQ(o.local->port, 40200);
    const auto& a_rtp = store.stream(0, StreamIndex::rtp_a);
    EXPECT_EQ(a_rtp.addr, Address::parse("10.0.0.2"));
    EXPECT_EQ(a_rtp.port, 7000);
    EXPECT_EQ(a_rtp.learn_timeout_ms, 60000u);
    EXPECT_EQ(store.stream(0, StreamIndex::rtp_b).learn_timeout_ms, 60000u);
    EXPECT_FALSE(store.stream(0, StreamIndex::rtp_b).addr);
    EXPECT_EQ(*store.sessions[0].params.label, "rtpp1 A1 c1 ft #");

    const auto a = table.stream(answer("c1", "ft", "tt", "10.0.1.2", 6000));
    ASSERT_TRUE(a.local);
    EXPECT_FALSE(a.created);
    EXPECT_EQ(a.local->port, 40000) << "the offerer's gate";
    EXPECT_EQ(store.stream(0, StreamIndex::rtp_b).addr, Address::parse("10.0.1.2"));
    EXPECT_EQ(*store.sessions[0].params.label, "rtpp1 A1 c1 ft tt");
    EXPECT_EQ(table.calls(), 1u);
    EXPECT_EQ(table.streams(), 1u);
}

TEST_F(CallTableTest, ReInvitesFromEitherSideKeepThePorts) {
    table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000));
    table.stream(answer("c1", "ft", "tt", "10.0.1.2", 6000));
    // The caller's re-INVITE, with the to-tag now.
    auto r = table.stream(offer("c1", "ft", "tt", "10.0.0.3", 7002));
    ASSERT_TRUE(r.local);
    EXPECT_EQ(r.local->port, 40200);
    EXPECT_EQ(store.stream(0, StreamIndex::rtp_a).addr, Address::parse("10.0.0.3"));
    // The callee's: U from tt to ft, then L back.
    r = table.stream(offer("c1", "tt", "ft", "10.0.1.9", 6008));
    ASSERT_TRUE(r.local);
    EXPECT_FALSE(r.created);
    EXPECT_EQ(r.local->port, 40000) << "sent to the caller: the caller's gate";
    EXPECT_EQ(store.stream(0, StreamIndex::rtp_b).port, 6008);
    r = table.stream(answer("c1", "tt", "ft", "10.0.0.3", 7004));
    ASSERT_TRUE(r.local);
    EXPECT_EQ(r.local->port, 40200);
    EXPECT_EQ(store.stream(0, StreamIndex::rtp_a).port, 7004);
    EXPECT_EQ(store.sessions.size(), 1u);
}

TEST_F(CallTableTest, HoldKeepsTheDestination) {
    table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000));
    const auto r = table.stream(offer("c1", "ft", {}, "0.0.0.0", 7000));
    ASSERT_TRUE(r.local);
    EXPECT_EQ(store.stream(0, StreamIndex::rtp_a).addr, Address::parse("10.0.0.2"));
}

TEST_F(CallTableTest, EachMediaIndexIsItsOwnSession) {
    const auto audio = table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000, 1));
    const auto video = table.stream(offer("c1", "ft", {}, "10.0.0.2", 7002, 2));
    ASSERT_TRUE(audio.local && video.local);
    EXPECT_NE(audio.local->port, video.local->port);
    EXPECT_EQ(table.streams(), 2u);
    EXPECT_EQ(table.calls(), 1u);
    EXPECT_EQ(table.remove("c1", "ft", {}), 2u);
    EXPECT_EQ(table.calls(), 0u);
    EXPECT_TRUE(store.sessions.empty());
}

TEST_F(CallTableTest, AnAnswerNeverCreates) {
    const auto r = table.stream(answer("nope", "ft", "tt", "10.0.1.2", 6000));
    EXPECT_FALSE(r.local);
    EXPECT_EQ(r.error, CallError::not_found);
    EXPECT_EQ(table.calls(), 0u);
}

TEST_F(CallTableTest, DeleteMatchesTagsInEitherOrderAndOnlyThatCall) {
    table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000));
    table.stream(answer("c1", "ft", "tt", "10.0.1.2", 6000));
    table.stream(offer("c2", "ft", {}, "10.0.0.2", 7010));
    EXPECT_EQ(table.remove("c1", "xx", "yy"), 0u);
    EXPECT_EQ(table.remove("c1", "tt", "ft"), 1u);
    EXPECT_EQ(table.remove("c1", "tt", "ft"), 0u);
    EXPECT_EQ(table.calls(), 1u);
    // A 486 before any answer reached us: its to-tag is new to the stream.
    EXPECT_EQ(table.remove("c2", "ft", "486tag"), 1u);
    EXPECT_TRUE(store.sessions.empty());
}

TEST_F(CallTableTest, FullSwitchboardIsNoPorts) {
    store.capacity = 1;
    ASSERT_TRUE(table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000)).local);
    const auto r = table.stream(offer("c2", "ft", {}, "10.0.0.2", 7000));
    EXPECT_FALSE(r.local);
    EXPECT_EQ(r.error, CallError::no_ports);
    EXPECT_EQ(table.calls(), 1u) << "the failed call leaves nothing behind";
}

TEST_F(CallTableTest, FamiliesAndBridging) {
    auto six = offer("c6", "ft", {}, "2001:db8::9", 7000);
    auto r = table.stream(six);
    ASSERT_TRUE(r.local);
    EXPECT_EQ(r.local->addr, v6);
    auto bridged = offer("c46", "ft", {}, "2001:db8::9", 7000);
    bridged.receiver_family = AF_INET;
    r = table.stream(bridged);
    ASSERT_TRUE(r.local);
    EXPECT_EQ(r.local->addr, v4) << "the IPv4 answerer gets the bridge's IPv4 gate A";
    // Its answer comes from IPv4; one from IPv6 is refused.
    EXPECT_EQ(table.stream(answer("c46", "ft", "tt", "2001:db8::7", 6000)).error,
              CallError::remote_address);
    r = table.stream(answer("c46", "ft", "tt", "10.0.1.2", 6000));
    ASSERT_TRUE(r.local);
    EXPECT_EQ(r.local->addr, v6);
}

TEST_F(CallTableTest, LongCallIdsAndTagsWork) {
    const std::string call(400, 'c');
    const std::string tag(100, 'f');
    ASSERT_TRUE(table.stream(offer(call, tag, {}, "10.0.0.2", 7000)).local);
    EXPECT_LE(store.sessions[0].params.label->size(), 128u);
    ASSERT_TRUE(table.stream(answer(call, tag, "tt", "10.0.1.2", 6000)).local);
    ASSERT_NE(table.find(call), nullptr);
    EXPECT_EQ(table.find(call)->call_id, call);
    EXPECT_EQ(table.remove(call, tag, {}), 1u);
}

TEST_F(CallTableTest, KernelEndingsAreForgotten) {
    table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000, 1));
    auto r = offer("c1", "ft", {}, "10.0.0.2", 7002, 2);
    r.notify = Notify{"unix:/run/n.sock", "tag1"};
    table.stream(r);
    const auto ended = table.forget(0, 1);
    ASSERT_TRUE(ended);
    EXPECT_EQ(ended->call_id, "c1");
    EXPECT_EQ(ended->stream.index, 2);
    ASSERT_TRUE(ended->stream.notify);
    EXPECT_EQ(ended->stream.notify->tag, "tag1");
    EXPECT_FALSE(table.forget(0, 1));
    EXPECT_FALSE(table.forget(1, 0)) << "another switchboard's session 0";
    EXPECT_EQ(table.forget_switchboard(0), 1u);
    EXPECT_EQ(table.calls(), 0u);
}

TEST_F(CallTableTest, ARestartedDaemonRebuildsFromTheLabels) {
    table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000));
    table.stream(answer("c1", "ft", "tt", "10.0.1.2", 6000));
    table.stream(offer("c2", "gt", {}, "2001:db8::9", 7000));
    table.stream(offer(std::string(200, 'x'), "ht", {}, "10.0.0.2", 7000));
    // Someone else's session on our switchboard.
    xtrtpproxy::SessionParams foreign;
    foreign.label = "callid;a84b4c76e66710";
    foreign.stream(StreamIndex::rtp_a).learn_timeout_ms = 1000;
    store.alloc(plan.switchboards()[0].gates, foreign);

    CallTable restarted{plan, store, SessionPolicy{}};
    EXPECT_EQ(restarted.rebuild().streams, 3u);
    EXPECT_EQ(restarted.calls(), 3u);
    EXPECT_NE(restarted.find(std::string(200, 'x')), nullptr) << "found by its hash";
    // The BYE ends it as before the restart, and a re-INVITE keeps its ports.
    const auto r = restarted.stream(offer("c1", "tt", "ft", "10.0.1.2", 6000));
    ASSERT_TRUE(r.local);
    EXPECT_EQ(r.local->port, 40000);
    EXPECT_EQ(restarted.remove("c1", "ft", "tt"), 1u);
    EXPECT_EQ(restarted.remove("c2", "gt", {}), 1u);
    EXPECT_EQ(store.sessions.size(), 2u) << "the long one and the foreign one";
}

// The notification targets kept in the state directory's file (NotifyJournal).
class CallTableJournalTest : public CallTableTest {
  protected:
    void SetUp() override {
        char dir[] = "/tmp/call_table_test.XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
    }
    void TearDown() override {
        ::unlink((dir_ + "/notify-targets").c_str());
        ::rmdir(dir_.c_str());
    }
    std::unique_ptr<NotifyJournal> open_journal() {
        return std::make_unique<NotifyJournal>(dir_ + "/notify-targets", "boot",
                                               [](std::string_view m) { ADD_FAILURE() << m; });
    }
    static StreamRequestParams notified(std::string_view call, const char* tag,
                                        std::uint16_t media = 1) {
        auto r = offer(call, "ft", {}, "10.0.0.2", 7000, media);
        r.notify = Notify{"unix:/run/kamailio/timeout.sock", tag};
        return r;
    }
    std::string dir_;
};

TEST_F(CallTableJournalTest, TargetsOutliveTheDaemon) {
    {
        auto journal = open_journal();
        CallTable first{plan, store, SessionPolicy{}, journal.get()};
        EXPECT_EQ(first.rebuild().streams, 0u);
        first.stream(notified("c1", "1:1"));                    // session 0
        first.stream(notified("c2", "2:2"));                    // 1
        first.stream(offer("c3", "ft", {}, "10.0.0.2", 7000));  // 2, no target
        first.stream(notified("c4", "4:4"));                    // 3
        first.stream(notified("c1", "1:1 re-INVITE"));          // a new tag for session 0
        EXPECT_EQ(first.remove("c2", "ft", {}), 1u);
        ASSERT_TRUE(first.forget(0, 3)) << "c4 expired and its event came";
    }  // kill -9
    auto journal = open_journal();
    CallTable restarted{plan, store, SessionPolicy{}, journal.get()};
    const auto rebuilt = restarted.rebuild();
    EXPECT_EQ(rebuilt.streams, 3u) << "c1, c3 and c4, whose removal the kernel had not done";
    EXPECT_TRUE(rebuilt.ended.empty());
    const auto* c1 = restarted.find("c1");
    ASSERT_NE(c1, nullptr);
    ASSERT_TRUE(c1->media[0].notify);
    EXPECT_EQ(c1->media[0].notify->tag, "1:1 re-INVITE");
    EXPECT_FALSE(restarted.find("c3")->media[0].notify);
    EXPECT_FALSE(restarted.find("c4")->media[0].notify) << "its end was written";
    // The kernel's expiry after the restart finds the target.
    const auto ended = restarted.forget(0, 0);
    ASSERT_TRUE(ended);
    ASSERT_TRUE(ended->stream.notify);
    EXPECT_EQ(ended->stream.notify->tag, "1:1 re-INVITE");
}

TEST_F(CallTableJournalTest, WhatEndedWhileNoDaemonRanIsReturned) {
    {
        auto journal = open_journal();
        CallTable first{plan, store, SessionPolicy{}, journal.get()};
        first.rebuild();
        first.stream(notified("c1", "1:1"));                    // session 0: will expire
        first.stream(notified("c2", "2:2", 2));                 // 1: will be freed
        first.stream(offer("c3", "ft", {}, "10.0.0.2", 7000));  // 2: expires, no target
        first.stream(notified("c4", "4:4"));                    // 3: lives on
    }
    store.expired = {0, 2};
    store.sessions.erase(1);
    {
        auto journal = open_journal();
        CallTable restarted{plan, store, SessionPolicy{}, journal.get()};
        auto rebuilt = restarted.rebuild();
        EXPECT_EQ(rebuilt.streams, 1u);
        EXPECT_EQ(restarted.calls(), 1u);
        ASSERT_EQ(rebuilt.ended.size(), 3u);
        std::sort(rebuilt.ended.begin(), rebuilt.ended.end(),
                  [](const EndedStream& x, const EndedStream& y) { return x.call_id < y.call_id; });
        EXPECT_EQ(rebuilt.ended[0].call_id, "c1");
        ASSERT_TRUE(rebuilt.ended[0].stream.notify);
        EXPECT_EQ(rebuilt.ended[0].stream.notify->tag, "1:1");
        EXPECT_EQ(rebuilt.ended[1].call_id, "c2");
        EXPECT_EQ(rebuilt.ended[1].stream.index, 2);
        ASSERT_TRUE(rebuilt.ended[1].stream.notify);
        EXPECT_EQ(rebuilt.ended[2].call_id, "c3");
        EXPECT_FALSE(rebuilt.ended[2].stream.notify);
        EXPECT_EQ(store.sessions.size(), 1u) << "the expired sessions end, as they would have";
    }
    // Told once: the next restart has only c4's target.
    auto journal = open_journal();
    EXPECT_EQ(journal->load().size(), 1u);
}

TEST_F(CallTableJournalTest, ASessionIdOfAnotherCallGetsNoStaleTarget) {
    auto journal = open_journal();
    journal->rewrite({{stream_key(plan.switchboards()[0].gates.gate_a, 0), "old-call", 1,
                       Notify{"unix:/x", "stale"}}});
    table.stream(offer("new-call", "ft", {}, "10.0.0.2", 7000));  // session 0 again
    CallTable restarted{plan, store, SessionPolicy{}, journal.get()};
    const auto rebuilt = restarted.rebuild();
    EXPECT_EQ(rebuilt.streams, 1u);
    EXPECT_TRUE(rebuilt.ended.empty());
    EXPECT_FALSE(restarted.find("new-call")->media[0].notify);
}

TEST_F(CallTableTest, ListsCallsOldestFirst) {
    table.stream(offer("c1", "ft", {}, "10.0.0.2", 7000));
    table.stream(offer("c2", "ft", {}, "10.0.0.2", 7000));
    table.stream(offer("c3", "ft", {}, "10.0.0.2", 7000));
    EXPECT_EQ(table.call_ids(2), (std::vector<std::string>{"c1", "c2"}));
    EXPECT_EQ(table.remove_all(), 3u);
    EXPECT_TRUE(store.sessions.empty());
}

}  // namespace
