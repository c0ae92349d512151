// SPDX-License-Identifier: GPL-2.0
// The calls the daemon relays: per call, its media streams, each one kernel session. Both
// control protocols drive it; nothing in it is rtpproxy's or rtpengine's wire format.
//
// A call is known by its Call-ID, a party by its tag, a media stream by its 1-based index.
// The offerer is the party that sent the first offer for the stream; it gets the gate of its
// network (RelayPlan::choose), the answerer the other. A party is told the port of the gate
// on its own side: it sends there, and the kernel relays to the other party from the other
// gate. So an offer's reply (for the answerer) names the answerer's gate, an answer's reply
// (for the offerer) the offerer's.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "notify_journal.hpp"
#include "relay_plan.hpp"
#include "rtpproxy_command.hpp"
#include "session_label.hpp"
#include "session_store.hpp"
#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// What every session gets.
struct SessionPolicy {
    // How long after an offer or answer a party's stream learns its source from the first
    // packet that comes (symmetric RTP, latching behind NAT); packets from elsewhere are
    // dropped after that. Each offer or answer opens the window again.
    std::uint32_t learn_timeout_ms = 60'000;
    xtrtpproxy::RelayParams relay;  // rtpproxy's -t, -T and -2
};

// One party's SDP for one media stream: an offer (rtpproxy U, ng offer) or an answer (L, ng
// answer), first or repeated (a re-INVITE), from either party.
struct StreamRequestParams {
    std::string_view call_id;
    std::string_view sender_tag;                // the party whose SDP this is
    std::optional<std::string_view> other_tag;  // the party that receives it, when known
    std::uint16_t media = 1;                    // 1..kMaxMediaIndex
    // Where the sender receives: the SDP's (or the SIP packet's) address and port. The
    // unspecified address (0.0.0.0, ::, on hold) or port 0 keeps what the stream had.
    xtrtpproxy::Address remote;
    std::uint16_t remote_port = 0;
    bool asymmetric = false;  // send to remote only, never learn from packets
    bool may_create = false;  // an offer may start the stream, an answer only finds it
    // For a new stream: the family the receiver gets an address of (else RelayPlan's
    // default), and the networks in bridging mode (I/E, ng direction).
    std::optional<int> receiver_family;
    std::optional<Network> sender_network;
    std::optional<Network> receiver_network;
    std::optional<Notify> notify;  // rtpproxy's timeout notification, kept with the stream
};

enum class CallError : std::uint8_t {
    not_found,         // an answer, query or delete for a stream or call we do not have
    no_ports,          // the switchboard or the namespace has no room
    no_local_address,  // no gate of the family needed
    no_bridge,         // networks asked for without bridging mode
    remote_address,    // the remote address is not of its gate's family
    kernel,            // the kernel refused otherwise (logged)
};

struct StreamResult {
    std::optional<xtrtpproxy::Endpoint> local;  // what to tell the receiver, when it worked
    CallError error = CallError::kernel;
    std::string detail;  // the kernel's message, for the log
    bool created = false;
};

struct MediaStream {
    std::uint16_t index = 1;
    std::string offerer;            // the parties' keys (call_key)
    std::string answerer;           // empty until known
    std::uint16_t switchboard = 0;  // into RelayPlan::switchboards()
    Side offerer_side = Side::a;
    std::uint32_t session = 0;  // the kernel's id
    // rtpproxy's timeout notification; shared, not optional, because most streams have none
    // and an empty optional<Notify> costs its whole size in every stream.
    std::shared_ptr<const Notify> notify;
};

struct Call {
    std::string call_id;  // as the proxy sent it; the key, after a restart, if that was hashed
    std::chrono::steady_clock::time_point created;
    std::vector<MediaStream> media;
};

// A stream that ended without a command: what its notification needs.
struct EndedStream {
    std::string call_id;
    MediaStream stream;
};

class CallTable {
  public:
    // journal: where the streams' notification targets outlive the daemon (--state-dir), or
    // nullptr.
    CallTable(const RelayPlan& plan, SessionStore& store, SessionPolicy policy,
              NotifyJournal* journal = nullptr);

    // Finds or (may_create) starts the stream of the request and points the sender's side at
    // its address. Repeated and reversed requests (the callee's re-INVITE) find the same
    // stream, so the ports never change during a call.
    StreamResult stream(const StreamRequestParams& request);

    // Ends the call's streams between the two parties (tags in either order), or, with only
    // one tag, every stream that party is in. Returns how many ended.
    std::size_t remove(std::string_view call_id, std::string_view tag,
                       std::optional<std::string_view> other_tag);
    // Every stream of every call (rtpproxy X). Returns how many ended.
    std::size_t remove_all();

    // nullptr when the call is not known.
    const Call* find(std::string_view call_id) const;
    // The call's streams between the parties as in remove(), or all with no tag.
    std::vector<const MediaStream*> streams(const Call& call, std::optional<std::string_view> tag,
                                            std::optional<std::string_view> other_tag) const;
    const xtrtpproxy::SwitchboardGates& gates(const MediaStream& stream) const;
    std::optional<xtrtpproxy::Session> session(const MediaStream& stream);

    // The kernel ended a session by itself (expired after idling, freed, deleted by someone
    // else): forgets its stream and returns it. nullopt for a session not ours.
    std::optional<EndedStream> forget(std::size_t switchboard, std::uint32_t session);
    // Every stream of a switchboard that went away.
    std::size_t forget_switchboard(std::size_t switchboard);

    // Reads the calls back from the kernel's session labels (after a restart), and their
    // notification targets from the journal. A session the kernel let expire while the daemon
    // was down ends now, as it would have then; it and the journal's streams that are no
    // longer in the kernel are what ended unseen, returned for their notifications. Sessions
    // with labels that are not ours are left alone. Then the journal holds the live targets.
    struct Rebuilt {
        std::size_t streams = 0;  // found live
        std::vector<EndedStream> ended;
    };
    Rebuilt rebuild();

    std::size_t calls() const noexcept { return calls_.size(); }
    std::size_t streams() const noexcept { return by_session_.size(); }
    // Calls in the order they were created, for ng's list (at most limit).
    std::vector<std::string> call_ids(std::size_t limit) const;
    // Streams that were created and ended since the daemon started, by command or not.
    std::uint64_t streams_created() const noexcept { return created_; }
    std::uint64_t streams_ended() const noexcept { return ended_; }

  private:
    struct Match {
        MediaStream* stream = nullptr;
        bool sender_is_offerer = false;
    };
    Match match(Call& call, std::string_view sender, std::optional<std::string_view> other,
                std::uint16_t media);
    // key: call_key() of the request's Call-ID, the call's key in calls_ and in the labels.
    StreamResult create(Call& call, const std::string& key, const StreamRequestParams& request,
                        const std::string& sender, const std::optional<std::string>& receiver);
    StreamResult point(MediaStream& stream, const std::string& key, bool sender_is_offerer,
                       const StreamRequestParams& request);
    // The RTP port of a side of the stream: the kernel's session N has port + 2N on each gate.
    xtrtpproxy::Endpoint local_endpoint(const MediaStream& stream, Side side) const;
    // Gives the stream the target of its request and writes it to the journal if it is new.
    void keep_notify(MediaStream& stream, const std::string& key, const Notify& notify);
    std::string journal_key(const MediaStream& stream) const;
    std::vector<NotifyRecord> notify_records() const;
    void erase_stream(Call& call, std::size_t index);
    void erase_call_if_empty(const std::string& key);
    static std::uint64_t session_key(std::size_t switchboard, std::uint32_t session) {
        return std::uint64_t{switchboard} << 32 | session;
    }

    const RelayPlan& plan_;
    SessionStore& store_;
    SessionPolicy policy_;
    NotifyJournal* journal_;
    std::unordered_map<std::string, Call> calls_;  // by call_key(Call-ID)
    // session -> the call's key in calls_ (whose nodes do not move)
    std::unordered_map<std::uint64_t, const std::string*> by_session_;
    std::uint64_t created_ = 0;
    std::uint64_t ended_ = 0;
};

}  // namespace rtpproxyd
