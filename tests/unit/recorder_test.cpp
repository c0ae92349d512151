// SPDX-License-Identifier: GPL-2.0
// The recorder without a kernel: NFLOG batches canned with libmnl and written into a
// socketpair in the kernel's place, the call table over a model of the kernel's sessions, the
// calls' pcap files read back with libpcap.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "recorder.hpp"
#include "recorder_util.hpp"

using namespace rtpproxyd;
using namespace rectest;

namespace {

// Sessions numbered per switchboard, as the kernel numbers them.
class FakeStore final : public SessionStore {
  public:
    static std::string key_of(const xtrtpproxy::SwitchboardGates& gates) {
        return xtrtpproxy::Endpoint{gates.gate_a.addr, gates.gate_a.port}.to_string();
    }
    struct Stored {
        xtrtpproxy::SwitchboardGates gates;
        std::string label;
        std::optional<xtrtpproxy::Recording> recording;
    };
    // Gate A ("IP:PORT") and the session id: the families' switchboards may share a port.
    using Key = std::pair<std::string, std::uint32_t>;
    std::map<Key, Stored> sessions;
    std::map<std::string, std::uint32_t> next_id;
    int recording_updates = 0;
    bool refuse = false;

    xtrtpproxy::SessionEntry alloc(const xtrtpproxy::SwitchboardGates& gates,
                                   const xtrtpproxy::SessionParams& params) override {
        const std::uint32_t id = next_id[key_of(gates)]++;
        sessions[{key_of(gates), id}] = {gates, params.label.value_or(""), std::nullopt};
        xtrtpproxy::SessionEntry entry;
        entry.switchboard = gates;
        entry.session.id = id;
        return entry;
    }
    bool update(const xtrtpproxy::SwitchboardGates& gates, std::uint32_t id,
                const xtrtpproxy::SessionParams& params) override {
        if (refuse) throw StoreError(StoreError::Kind::other, "refused");
        const auto it = sessions.find({key_of(gates), id});
        if (it == sessions.end()) return false;
        if (params.label) it->second.label = *params.label;
        if (params.recording || params.stop_recording) {
            ++recording_updates;
            EXPECT_FALSE(params.recording && params.stop_recording);
            it->second.recording = params.recording;
        }
        return true;
    }
    bool remove(const xtrtpproxy::SwitchboardGates& gates, std::uint32_t id) override {
        return sessions.erase({key_of(gates), id}) > 0;
    }
    std::optional<xtrtpproxy::Session> session(const xtrtpproxy::SwitchboardGates& gates,
                                               std::uint32_t id) override {
        const auto it = sessions.find({key_of(gates), id});
        if (it == sessions.end()) return std::nullopt;
        xtrtpproxy::Session s;
        s.id = id;
        s.label = it->second.label;
        s.recording = it->second.recording;
        return s;
    }
    std::vector<xtrtpproxy::SessionEntry> labelled(const xtrtpproxy::SwitchboardGates& gates,
                                                   std::string_view label_prefix) override {
        std::vector<xtrtpproxy::SessionEntry> out;
        for (const auto& [key, stored] : sessions) {
            if (!stored.gates.same_gates(gates) || !stored.label.starts_with(label_prefix))
                continue;
            xtrtpproxy::SessionEntry entry;
            entry.switchboard = gates;
            entry.session.id = key.second;
            entry.session.label = stored.label;
            entry.session.recording = stored.recording;
            out.push_back(entry);
        }
        return out;
    }
    std::optional<xtrtpproxy::Recording> recording(const CallTable& table,
                                                   const MediaStream& stream) {
        return sessions.at({key_of(table.gates(stream)), stream.session}).recording;
    }
};

StreamRequestParams offer(std::string_view call, std::string_view from, const char* address,
                          std::uint16_t port, std::uint16_t media = 1) {
    StreamRequestParams r;
    r.call_id = call;
    r.sender_tag = from;
    r.media = media;
    r.remote = ip(address);
    r.remote_port = port;
    r.may_create = true;
    return r;
}

}  // namespace

class RecorderTest : public ::testing::Test {
  protected:
    RecorderTest() {
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair_), 0);
        config.record_dir = record.path();
        config.spool_dir = spool.path();
        config.log = [this](LogLevel, std::string_view m) { logged.emplace_back(m); };
    }
    ~RecorderTest() override {
        recorder.reset();
        if (!adopted_) ::close(pair_[0]);
        ::close(pair_[1]);
    }

    Recorder& start() {
        adopted_ = true;
        recorder.emplace(config, table, store, NflogSocket::adopt(pair_[0]));
        return *recorder;
    }
    // The kernel sends one batch.
    void send(const std::vector<NflogCopy>& copies) {
        const MessageBuffer m = batch(copies);
        ASSERT_EQ(::send(pair_[1], m.bytes().data(), m.bytes().size(), 0),
                  static_cast<ssize_t>(m.bytes().size()));
    }
    // A call between two clients; its media stream 1's kernel session.
    const Call& call(const std::string& id, const char* address = "10.0.0.2",
                     std::uint16_t media = 1) {
        EXPECT_TRUE(table.stream(offer(id, "ft", address, 7000, media)).local);
        return *table.find(id);
    }
    xtrtpproxy::Endpoint gate(const MediaStream& s, std::size_t stream) {
        const auto& g = table.gates(s);
        const auto& side = stream < 2 ? g.gate_a : g.gate_b;
        return {side.addr, static_cast<std::uint16_t>(side.port + 2 * s.session + stream % 2)};
    }
    // A received copy of the stream's datagram from a client.
    NflogCopy copy(const MediaStream& s, std::size_t stream, std::size_t payload = 172,
                   std::optional<timeval> when = std::nullopt) {
        const xtrtpproxy::Endpoint to = gate(s, stream);
        const xtrtpproxy::Endpoint client{to.addr.is_v6() ? ip("2001:db8::99") : ip("10.0.0.99"),
                                          static_cast<std::uint16_t>(7000 + stream)};
        return {prefix(s.session, std::string(xtrtpproxy::stream_name(stream)).c_str()),
                udp(client, to, payload, static_cast<unsigned>(stream + 1)), when};
    }
    std::vector<const MediaStream*> all(const Call& c) { return table.streams(c, {}, {}); }

    RelayPlan plan = RelayPlan::own({v4, v6}, {}, 40000, 40599);
    FakeStore store;
    CallTable table{plan, store, SessionPolicy{}};
    TempDir spool, record;
    RecorderConfig config;
    std::vector<std::string> logged;
    std::optional<Recorder> recorder;

  private:
    int pair_[2] = {-1, -1};
    bool adopted_ = false;
};

TEST_F(RecorderTest, ACallsCopiesIntoItsFileMovedWhenItStops) {
    Recorder& r = start();
    const Call& c = call("call-1@example.com");
    const MediaStream& s = c.media[0];
    ASSERT_TRUE(r.record(c, all(c), false));
    EXPECT_EQ(store.recording(table, s),
              (xtrtpproxy::Recording{kGroup, xtrtpproxy::Recording::kReceived}));
    const auto spooled = files_in(spool.path());
    ASSERT_EQ(spooled.size(), 1u);
    EXPECT_TRUE(spooled[0].starts_with(spool.path() + "/call-1@example.com=")) << spooled[0];
    EXPECT_TRUE(files_in(record.path()).empty());

    const NflogCopy a = copy(s, 0, 172, timeval{1700000000, 5});
    const NflogCopy b = copy(s, 2, 160, timeval{1700000000, 20005});
    const NflogCopy rtcp = copy(s, 1, 60, timeval{1700000000, 30000});
    send({a, b, rtcp});
    send({copy(s, 0, 100)});  // no timestamp: the time it was read
    const auto before = std::chrono::system_clock::now();
    r.on_readable();
    EXPECT_EQ(r.stats().written, 4u);
    EXPECT_EQ(r.stats().files, 1u);
    EXPECT_EQ(r.stats().sessions, 1u);

    ASSERT_TRUE(r.record(c, all(c), true));
    EXPECT_FALSE(store.recording(table, s)) << "stopped in the kernel";
    EXPECT_TRUE(files_in(spool.path()).empty());
    const auto recorded = files_in(record.path());
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_EQ(fs::path(recorded[0]).filename(), fs::path(spooled[0]).filename());
    const Capture cap = read_pcap(recorded[0]);
    EXPECT_EQ(cap.linktype, DLT_RAW);
    ASSERT_EQ(cap.packets.size(), 4u);
    EXPECT_EQ(cap.packets[0], a.datagram);
    EXPECT_EQ(cap.packets[1], b.datagram);
    EXPECT_EQ(cap.packets[2], rtcp.datagram);
    EXPECT_EQ(cap.headers[1].ts.tv_sec, 1700000000);
    EXPECT_EQ(cap.headers[1].ts.tv_usec, 20005);
    const auto read_at =
        std::chrono::system_clock::time_point(std::chrono::seconds(cap.headers[3].ts.tv_sec) +
                                              std::chrono::microseconds(cap.headers[3].ts.tv_usec));
    EXPECT_LT(std::chrono::abs(read_at - before), std::chrono::seconds(5));
    EXPECT_EQ(r.stats().files, 0u);
}

TEST_F(RecorderTest, CopiesOfOthersAreDropped) {
    Recorder& r = start();
    const Call& c = call("c1");
    const Call& quiet = call("c2");  // not recorded
    ASSERT_TRUE(r.record(c, all(c), false));
    const MediaStream& s = c.media[0];
    NflogCopy sent = copy(s, 0);
    sent.prefix = prefix(s.session, "rtp-a", "sent");
    NflogCopy other_group = copy(s, 0);
    other_group.group = 5;
    NflogCopy operators = copy(s, 0);
    operators.prefix = "IN=eth0 OUT= ";
    NflogCopy wrong_port = copy(s, 0);
    put16(wrong_port.datagram, 22, gate(s, 0).port + 100);
    NflogCopy cut = copy(s, 0);
    cut.datagram.resize(24);
    send({copy(quiet.media[0], 0), sent, other_group, operators, wrong_port, cut, copy(s, 0)});
    send({{"rtpp 1 rtp-a received", bytes_of({1, 2, 3})}});
    r.on_readable();
    const auto st = r.stats();
    EXPECT_EQ(st.written, 1u);
    EXPECT_EQ(st.not_recorded, 5u);
    EXPECT_EQ(st.malformed, 2u);
}

TEST_F(RecorderTest, TheSameSessionIdOnTwoSwitchboards) {
    Recorder& r = start();
    const Call& c4 = call("v4-call");
    const Call& c6 = call("v6-call", "2001:db8::2");
    ASSERT_EQ(c4.media[0].session, c6.media[0].session) << "both the first of their switchboard";
    ASSERT_NE(c4.media[0].switchboard, c6.media[0].switchboard);
    ASSERT_TRUE(r.record(c4, all(c4), false));
    ASSERT_TRUE(r.record(c6, all(c6), false));
    const NflogCopy a = copy(c4.media[0], 0, 10);
    const NflogCopy b = copy(c6.media[0], 0, 20);
    const NflogCopy b2 = copy(c6.media[0], 2, 30);
    send({a, b, b2});
    r.on_readable();
    ASSERT_TRUE(r.record(c4, all(c4), true));
    ASSERT_TRUE(r.record(c6, all(c6), true));
    const auto recorded = files_in(record.path());
    ASSERT_EQ(recorded.size(), 2u);
    const Capture cap4 = read_pcap(recorded[0]);  // "v4-call=..." sorts first
    const Capture cap6 = read_pcap(recorded[1]);
    ASSERT_EQ(cap4.packets.size(), 1u);
    EXPECT_EQ(cap4.packets[0], a.datagram);
    ASSERT_EQ(cap6.packets.size(), 2u);
    EXPECT_EQ(cap6.packets[0], b.datagram);
    EXPECT_EQ(cap6.packets[1], b2.datagram);
}

TEST_F(RecorderTest, NoRtcpDropsTheRtcpCopies) {
    config.no_rtcp = true;
    Recorder& r = start();
    const Call& c = call("c1");
    ASSERT_TRUE(r.record(c, all(c), false));
    const MediaStream& s = c.media[0];
    send({copy(s, 0), copy(s, 1), copy(s, 2), copy(s, 3)});
    r.on_readable();
    EXPECT_EQ(r.stats().written, 2u);
    EXPECT_EQ(r.stats().rtcp_dropped, 2u);
}

TEST_F(RecorderTest, TheLastRecordedStreamEndingFinishesTheFile) {
    Recorder& r = start();
    call("c1", "10.0.0.2", 1);
    const Call& c = call("c1", "10.0.0.2", 2);
    ASSERT_EQ(c.media.size(), 2u);
    ASSERT_TRUE(r.record(c, all(c), false));
    EXPECT_EQ(r.stats().sessions, 2u);
    const MediaStream first = c.media[0];
    const MediaStream second = c.media[1];
    send({copy(first, 0), copy(second, 0)});
    // The kernel's expiry of the first: the daemon forgets it and tells the recorder.
    const auto ended = table.forget(first.switchboard, first.session);
    ASSERT_TRUE(ended);
    r.stream_ended(ended->call_id, ended->stream);
    EXPECT_EQ(r.stats().written, 2u) << "what was waiting is read first";
    EXPECT_EQ(files_in(spool.path()).size(), 1u) << "the second still records";
    r.stream_ended("another call", second);
    EXPECT_EQ(files_in(spool.path()).size(), 1u) << "not its stream";
    r.stream_ended(ended->call_id, second);
    EXPECT_TRUE(files_in(spool.path()).empty());
    const auto recorded = files_in(record.path());
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_EQ(read_pcap(recorded[0]).packets.size(), 2u);
}

TEST_F(RecorderTest, SweepFindsStreamsTheTableDropped) {
    Recorder& r = start();
    const Call& c = call("c1");
    ASSERT_TRUE(r.record(c, all(c), false));
    const Call& d = call("c2");
    ASSERT_TRUE(r.record(d, all(d), false));
    send({copy(c.media[0], 0)});
    r.sweep();
    EXPECT_EQ(files_in(spool.path()).size(), 2u) << "nothing ended";
    // rtpproxy's D, inside the service: the recorder is not told.
    ASSERT_EQ(table.remove("c1", "ft", std::nullopt), 1u);
    r.sweep();
    EXPECT_EQ(files_in(spool.path()).size(), 1u);
    const auto recorded = files_in(record.path());
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_TRUE(fs::path(recorded[0]).filename().string().starts_with("c1="));
    EXPECT_EQ(read_pcap(recorded[0]).packets.size(), 1u);
    table.remove_all();
    r.sweep();
    EXPECT_TRUE(files_in(spool.path()).empty());
    EXPECT_EQ(files_in(record.path()).size(), 2u);
}

TEST_F(RecorderTest, AtMostMaxFiles) {
    config.max_files = 1;
    Recorder& r = start();
    const Call& c1 = call("c1");
    const Call& c2 = call("c2");
    ASSERT_TRUE(r.record(c1, all(c1), false));
    ASSERT_TRUE(r.record(c1, all(c1), false)) << "its file is open already";
    const int updates = store.recording_updates;
    EXPECT_FALSE(r.record(c2, all(c2), false));
    EXPECT_EQ(store.recording_updates, updates) << "its sessions are left alone";
    EXPECT_FALSE(store.recording(table, c2.media[0]));
    ASSERT_FALSE(logged.empty());
    EXPECT_NE(logged.back().find("c2"), std::string::npos) << logged.back();
    ASSERT_TRUE(r.record(c1, all(c1), true));
    EXPECT_TRUE(r.record(c2, all(c2), false)) << "room again";
}

TEST_F(RecorderTest, RefusedByTheKernelLeavesNoFile) {
    Recorder& r = start();
    const Call& c = call("c1");
    store.refuse = true;
    EXPECT_FALSE(r.record(c, all(c), false));
    EXPECT_TRUE(files_in(spool.path()).empty());
    EXPECT_EQ(r.stats().files, 0u);
    store.refuse = false;
    store.sessions.clear();  // gone in the kernel, its event on the way
    EXPECT_FALSE(r.record(c, all(c), false));
    EXPECT_TRUE(files_in(spool.path()).empty());
    EXPECT_TRUE(r.record(c, all(c), true)) << "stopping what does not record";
}

TEST_F(RecorderTest, ADaemonStoppingFinishesItsFilesAndOneRestartedResumes) {
    {
        Recorder& r = start();
        const Call& c = call("c1");
        ASSERT_TRUE(r.record(c, all(c), false));
        recorder.reset();
    }
    EXPECT_TRUE(files_in(spool.path()).empty());
    EXPECT_EQ(files_in(record.path()).size(), 1u);
    // The session still records in the kernel: a new daemon's table and recorder pick it up.
    CallTable rebuilt{plan, store, SessionPolicy{}};
    ASSERT_EQ(rebuilt.rebuild().streams, 1u);
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
    Recorder again(config, rebuilt, store, NflogSocket::adopt(pair[0]));
    EXPECT_EQ(again.resume(plan.switchboards()), 1u);
    EXPECT_EQ(again.resume(plan.switchboards()), 0u) << "once";
    EXPECT_EQ(files_in(spool.path()).size(), 1u);
    const Call& c = *rebuilt.find("c1");
    const MediaStream& s = c.media[0];
    const MessageBuffer m = batch({copy(s, 0), copy(s, 2)});
    ::send(pair[1], m.bytes().data(), m.bytes().size(), 0);
    again.on_readable();
    EXPECT_EQ(again.stats().written, 2u);
    again.stream_ended(c.call_id, s);
    EXPECT_EQ(files_in(record.path()).size(), 2u);
    ::close(pair[1]);
}

TEST_F(RecorderTest, OneDirectoryForBoth) {
    config.spool_dir = record.path();
    Recorder& r = start();
    const Call& c = call("c1");
    ASSERT_TRUE(r.record(c, all(c), false));
    ASSERT_TRUE(r.record(c, all(c), true));
    EXPECT_EQ(files_in(record.path()).size(), 1u);
    EXPECT_TRUE(logged.empty() || logged.back().find("left") == std::string::npos);
}

TEST_F(RecorderTest, MissingDirectoriesAreSaidAtOnce) {
    config.spool_dir = record.path() + "/nonexistent";
    const auto e = testutil::catch_system_error([&] { start(); });
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("spool directory " + config.spool_dir), std::string::npos)
        << e.what();
}
