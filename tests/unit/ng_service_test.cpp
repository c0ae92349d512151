// SPDX-License-Identifier: GPL-2.0
// What the daemon answers to rtpengine's ng commands, against a model of the kernel: the SDP
// rewritten for each side, the reasons Kamailio fails over on, and what a failed offer leaves.
#include <gtest/gtest.h>

#include "fake_session_store.hpp"
#include "ng_service.hpp"

namespace {

using namespace rtpproxyd;
using rtpproxyd::testing::FakeStore;
using xtrtpproxy::Address;

std::string dict(std::initializer_list<std::pair<std::string, std::string>> entries) {
    bencode::Value::Dictionary d;
    for (const auto& [k, v] : entries) d.push_back({k, bencode::Value(v)});
    return bencode::encode(bencode::Value(std::move(d)));
}

const std::string kOfferSdp =
    "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
    "m=audio 7000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.2 7000 typ host\r\n"
    "m=video 0 RTP/AVP 96\r\n"
    "m=video 7002 RTP/AVP 96\r\n";
const std::string kAnswerSdp =
    "v=0\r\no=- 2 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\nm=video 6002 RTP/AVP 96\r\n";

class NgServiceTest : public ::testing::Test {
  protected:
    bencode::Value run(const std::string& dictionary) { return run_on(service, dictionary); }
    static bencode::Value run_on(NgService& on, const std::string& dictionary) {
        const auto parsed = ng::parse_request(dictionary);
        EXPECT_TRUE(parsed) << parsed.error_reason;
        return on.handle(*parsed.request);
    }
    static std::string text(const bencode::Value& v, std::string_view key) {
        const auto* found = v.find(key);
        return found && found->as_string() ? *found->as_string() : std::string("<none>");
    }

    RelayPlan plan = RelayPlan::own({Address::parse("192.0.2.1"), {}}, {}, 40000, 40599);
    FakeStore store;
    CallTable calls{plan, store, SessionPolicy{}};
    NgService service{calls, plan, NgServiceConfig{}};
};

TEST_F(NgServiceTest, OfferAndAnswerPutTheRelayIntoEachSdp) {
    auto reply = run(
        dict({{"command", "offer"}, {"call-id", "c1"}, {"from-tag", "ft"}, {"sdp", kOfferSdp}}));
    ASSERT_EQ(text(reply, "result"), "ok");
    const std::string offer = text(reply, "sdp");
    EXPECT_NE(offer.find("c=IN IP4 192.0.2.1\r\n"), std::string::npos) << offer;
    EXPECT_NE(offer.find("m=audio 40300 RTP/AVP 0\r\n"), std::string::npos) << offer;
    EXPECT_NE(offer.find("m=video 0 RTP/AVP 96\r\n"), std::string::npos) << "rejected kept";
    EXPECT_NE(offer.find("m=video 40302 RTP/AVP 96\r\n"), std::string::npos) << offer;
    EXPECT_NE(offer.find("a=rtcp:40301\r\n"), std::string::npos) << offer;
    EXPECT_EQ(offer.find("candidate"), std::string::npos) << "ICE removed";
    EXPECT_NE(offer.find("o=- 1 1 IN IP4 10.0.0.2"), std::string::npos) << "o= kept";
    EXPECT_EQ(store.sessions.size(), 2u) << "one per media that is not rejected";

    reply = run(dict({{"command", "answer"},
                      {"call-id", "c1"},
                      {"from-tag", "ft"},
                      {"to-tag", "tt"},
                      {"sdp", kAnswerSdp}}));
    ASSERT_EQ(text(reply, "result"), "ok");
    const std::string answer = text(reply, "sdp");
    EXPECT_NE(answer.find("m=audio 40000 RTP/AVP 0\r\n"), std::string::npos) << answer;
    EXPECT_NE(answer.find("m=video 40002 RTP/AVP 96\r\n"), std::string::npos) << answer;
    EXPECT_EQ(store.sessions.size(), 2u);

    // A repeated offer (re-INVITE) gets the same ports.
    reply = run(dict({{"command", "offer"},
                      {"call-id", "c1"},
                      {"from-tag", "ft"},
                      {"to-tag", "tt"},
                      {"sdp", kOfferSdp}}));
    EXPECT_NE(text(reply, "sdp").find("m=audio 40300 "), std::string::npos);
    EXPECT_EQ(store.sessions.size(), 2u);

    reply = run(dict({{"command", "list"}}));
    EXPECT_EQ(bencode::encode(reply), "d5:callsl2:c1e6:result2:oke");
    reply = run(dict({{"command", "query"}, {"call-id", "c1"}}));
    EXPECT_EQ(text(reply, "result"), "ok");
    EXPECT_NE(reply.find("totals"), nullptr);

    reply = run(dict({{"command", "delete"}, {"call-id", "c1"}, {"from-tag", "ft"}}));
    EXPECT_EQ(bencode::encode(reply), "d6:result2:oke");
    EXPECT_TRUE(store.sessions.empty());
    reply = run(dict({{"command", "delete"}, {"call-id", "c1"}, {"from-tag", "ft"}}));
    EXPECT_EQ(bencode::encode(reply),
              "d7:warning38:Call-ID not found or tags didn't match6:result2:oke");
}

TEST_F(NgServiceTest, NoRoomIsTheReasonKamailioFailsOverOn) {
    store.capacity = 1;
    const auto reply = run(
        dict({{"command", "offer"}, {"call-id", "c1"}, {"from-tag", "ft"}, {"sdp", kOfferSdp}}));
    EXPECT_EQ(text(reply, "result"), "error");
    EXPECT_EQ(text(reply, "error-reason"), "Ran out of ports");
    EXPECT_TRUE(store.sessions.empty()) << "the first media's session went with the offer";
    EXPECT_EQ(calls.calls(), 0u);
}

TEST_F(NgServiceTest, AnswerOrQueryOfAnUnknownCall) {
    auto reply = run(dict({{"command", "answer"},
                           {"call-id", "x"},
                           {"from-tag", "ft"},
                           {"to-tag", "tt"},
                           {"sdp", kAnswerSdp}}));
    EXPECT_EQ(text(reply, "error-reason"), "Unknown call-id");
    reply = run(dict({{"command", "query"}, {"call-id", "x"}}));
    EXPECT_EQ(text(reply, "error-reason"), "Unknown call-id");
    EXPECT_TRUE(store.sessions.empty());
}

TEST_F(NgServiceTest, AnIpv6OfferWithoutAnIpv6AddressIsRefused) {
    const std::string sdp6 =
        "v=0\r\no=- 1 1 IN IP6 2001:db8::2\r\ns=-\r\nc=IN IP6 2001:db8::2\r\nt=0 0\r\n"
        "m=audio 7000 RTP/AVP 0\r\n";
    const auto reply =
        run(dict({{"command", "offer"}, {"call-id", "c6"}, {"from-tag", "ft"}, {"sdp", sdp6}}));
    EXPECT_EQ(text(reply, "result"), "error");
    EXPECT_TRUE(store.sessions.empty());
}

// A recorder that notes what it was asked.
class NoteRecording final : public RecordingControl {
  public:
    bool record(const Call&, const std::vector<const MediaStream*>& streams, bool stop) override {
        asked.push_back({streams.size(), stop});
        return works;
    }
    std::vector<std::pair<std::size_t, bool>> asked;  // streams, stop
    bool works = true;
};

class NgRecordingTest : public NgServiceTest {
  protected:
    NoteRecording recording;
    NgService recording_service{calls, plan, NgServiceConfig{{}, &recording}};

    bencode::Value run_recording(const std::string& dictionary) {
        return run_on(recording_service, dictionary);
    }
};

TEST_F(NgRecordingTest, StartAndStopRecordingTheCallsStreams) {
    run(dict({{"command", "offer"}, {"call-id", "c1"}, {"from-tag", "ft"}, {"sdp", kOfferSdp}}));
    auto reply = run_recording(
        dict({{"command", "start recording"}, {"call-id", "c1"}, {"from-tag", "ft"}}));
    EXPECT_EQ(bencode::encode(reply), "d6:result2:oke");
    reply = run_recording(dict({{"command", "stop recording"}, {"call-id", "c1"}}));
    EXPECT_EQ(bencode::encode(reply), "d6:result2:oke");
    EXPECT_EQ(recording.asked, (std::vector<std::pair<std::size_t, bool>>{{2, false}, {2, true}}))
        << "both media that are not rejected, started then stopped";

    reply = run_recording(dict({{"command", "start recording"}, {"call-id", "nocall"}}));
    EXPECT_EQ(text(reply, "error-reason"), "Unknown call-id");
    reply = run_recording(
        dict({{"command", "start recording"}, {"call-id", "c1"}, {"from-tag", "other"}}));
    EXPECT_EQ(text(reply, "error-reason"), "Call-ID not found or tags didn't match");
    recording.works = false;
    reply = run_recording(dict({{"command", "start recording"}, {"call-id", "c1"}}));
    EXPECT_EQ(text(reply, "error-reason"), "Failed to start or stop recording");
    EXPECT_EQ(recording.asked.size(), 3u);
}

TEST_F(NgRecordingTest, WithoutARecordingDirectoryRecordingIsRefused) {
    run(dict({{"command", "offer"}, {"call-id", "c1"}, {"from-tag", "ft"}, {"sdp", kOfferSdp}}));
    const auto reply = run(dict({{"command", "start recording"}, {"call-id", "c1"}}));
    EXPECT_EQ(text(reply, "result"), "error");
    EXPECT_EQ(text(reply, "error-reason"), "Call recording is not enabled");
    EXPECT_EQ(ng::parse_request(dict({{"command", "stop recording"}})).error_reason,
              "No call-id in message");
}

TEST_F(NgRecordingTest, RecordCallOnAnOfferOrAnswer) {
    // The key, as Kamailio's record-call=yes sends it.
    auto reply = run_recording(dict({{"command", "offer"},
                                     {"call-id", "c1"},
                                     {"from-tag", "ft"},
                                     {"record call", "yes"},
                                     {"sdp", kOfferSdp}}));
    EXPECT_EQ(text(reply, "result"), "ok");
    EXPECT_EQ(reply.find("warning"), nullptr);
    EXPECT_EQ(recording.asked, (std::vector<std::pair<std::size_t, bool>>{{2, false}}));
    reply = run_recording(dict({{"command", "answer"},
                                {"call-id", "c1"},
                                {"from-tag", "ft"},
                                {"to-tag", "tt"},
                                {"record-call", "no"},
                                {"sdp", kAnswerSdp}}));
    EXPECT_EQ(text(reply, "result"), "ok");
    EXPECT_EQ(recording.asked.back(), (std::pair<std::size_t, bool>{2, true}));
    // Without -r the call is relayed all the same, with a warning.
    reply = run(dict({{"command", "offer"},
                      {"call-id", "c2"},
                      {"from-tag", "ft"},
                      {"record call", "on"},
                      {"sdp", kOfferSdp}}));
    EXPECT_EQ(text(reply, "result"), "ok");
    EXPECT_EQ(text(reply, "warning"), "Call recording is not enabled");
    EXPECT_NE(text(reply, "sdp").find("m=audio 40"), std::string::npos);
}

}  // namespace
