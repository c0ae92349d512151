// SPDX-License-Identifier: GPL-2.0
// Recording calls (rtpproxy's R, -r, -S, -R): the kernel copies every datagram a recorded
// session receives to the daemon's NFLOG group, and the recorder writes each copy into its
// call's pcap file, one file per call, in the spool directory until the call's recording ends.
//
// A copy is matched to its call by the kernel's prefix ("rtpp ID STREAM received") and its
// destination: the prefix names the session and the stream but not the switchboard, and a
// session id is only unique within a switchboard, while a received copy is addressed to the
// stream's gate, which is one switchboard's. Only received copies are asked for: they hold
// both directions (each arrives at one gate), as the clients sent them; sent copies would
// duplicate every datagram, and are dropped if someone else asks for them.
#pragma once

#include <sys/time.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call_table.hpp"
#include "options.hpp"
#include "recorder_nflog.hpp"
#include "recorder_pcap.hpp"
#include "rtpproxy_service.hpp"
#include "session_store.hpp"

namespace rtpproxyd {

// An NFLOG group has one listener per network namespace (another one's bind is refused): the
// daemon's must be one that no operator's rule, ulogd or tcpdump uses. Those take small
// numbers: the NFLOG target's default is 0, ulogd's examples use 0 to 2, the VM tests 5 to 8.
// 2223 is far from them; an operator who watches a group with tcpdump next to the daemon
// watches another one.
inline constexpr std::uint16_t kDefaultNflogGroup = 2223;

struct RecorderConfig {
    std::string record_dir{};  // -r: where finished recordings go
    std::string spool_dir{};   // -S: where they are written; -r's when the same
    bool no_rtcp = false;      // -R: the RTCP copies are dropped (the kernel copies them still)
    std::uint16_t nflog_group = kDefaultNflogGroup;
    // Files open at once, one per recorded call, each with its stdio buffer: beyond this a
    // new call's record() is refused. The daemon's RLIMIT_NOFILE must leave room for them.
    std::size_t max_files = 1024;
    // Where the recorder's complaints go (log::write); nowhere when empty.
    std::function<void(LogLevel, std::string_view)> log{};
};

// What became of the copies; for the log and the tests.
struct RecorderStats {
    std::uint64_t written = 0;       // into a call's file
    std::uint64_t not_recorded = 0;  // of no session recorded here: stopped, ended, others'
    std::uint64_t rtcp_dropped = 0;  // -R
    std::uint64_t malformed = 0;     // messages or datagrams not understood, cut datagrams
    std::uint64_t overruns = 0;      // times the socket's buffer overflowed: copies lost
    std::size_t files = 0;           // open
    std::size_t sessions = 0;        // kernel sessions recording into them
};

class Recorder final : public RecordingControl {
  public:
    // Opens the NFLOG socket (NflogSocket::open: needs CAP_NET_ADMIN, so before the daemon
    // drops it) and checks that both directories exist. Throws std::system_error saying which
    // failed and why.
    Recorder(RecorderConfig config, CallTable& calls, SessionStore& store);
    // With a socket already made (the unit tests': a socketpair of canned messages).
    Recorder(RecorderConfig config, CallTable& calls, SessionStore& store, NflogSocket socket);
    // Finishes every file (closed, moved to the recording directory). The kernel's sessions
    // keep recording: a restarted daemon resumes them (resume()); until then nfnetlink_log
    // drops the copies, nobody listening.
    ~Recorder() override;
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // For the daemon's epoll (EPOLLIN). Non-blocking.
    int fd() const noexcept { return socket_.fd(); }
    // Reads the datagrams waiting, up to a burst (the daemon's epoll is level-triggered and
    // calls again), and writes each copy into its call's file.
    void on_readable();

    // Starts recording the streams (the kernel's sessions record to the group from now on) and
    // opens the call's file if it has none; or, with stop, ends their recording, and the
    // call's file is finished when none of its streams records any more. False when the call
    // needs a new file and max_files are open or it cannot be created, or when the kernel
    // refused a stream (the others record; all is logged).
    bool record(const Call& call, const std::vector<const MediaStream*>& streams,
                bool stop) override;
    // A stream ended (the kernel's expiry or deletion event, CallTable::forget): what it
    // copied is read first, and when it was the call's last recorded stream the call's file
    // is finished: closed and moved from the spool to the recording directory.
    void stream_ended(const std::string& call_id, const MediaStream& stream);
    // Once a second (the daemon's timer): ends the recording of streams the call table no
    // longer has though nobody called stream_ended (rtpproxy's D and X and ng's delete end
    // them inside the services, a switchboard that went away, kernel events lost), and writes
    // out every file's buffer, so that a crash loses at most a second.
    void sweep();
    // After CallTable::rebuild(): the sessions of these switchboards that still record to the
    // group (the daemon restarted during their calls) are recorded again, into new files.
    // Returns how many.
    std::size_t resume(const std::vector<PlannedSwitchboard>& switchboards);

    RecorderStats stats() const noexcept;

  private:
    // A kernel session recording into a call's file, and the gates that tell its copies.
    struct Recorded {
        std::string call_id;  // Call::call_id, the key of files_
        std::uint16_t switchboard = 0;
        xtrtpproxy::SwitchboardGates gates{};
    };
    struct CallFile {
        PcapFile file;
        std::size_t sessions = 0;
        bool failure_logged = false;  // a full disk is said once per file
    };
    // By the kernel's session id, the prefix's: one per switchboard at most.
    using Sessions = std::unordered_multimap<std::uint32_t, Recorded>;

    void read_burst(std::size_t max_reads);
    void drain() noexcept;  // what is waiting, before a file is finished
    void on_message(const nlmsghdr* nlh);
    static int message_cb(const nlmsghdr* nlh, void* data);
    CallFile* file_for(const std::string& call_id);
    Sessions::iterator find(std::uint16_t switchboard, std::uint32_t session);
    void attach(const std::string& call_id, std::uint16_t switchboard, std::uint32_t session,
                const xtrtpproxy::SwitchboardGates& gates);
    void detach(Sessions::iterator it);
    void finish(const std::string& call_id);
    bool still_recorded(const Recorded& recorded, std::uint32_t session);
    void warn(LogLevel level, const std::string& message) const;

    RecorderConfig config_;
    CallTable& calls_;
    SessionStore& store_;
    NflogSocket socket_;
    bool same_dir_ = false;  // spool and recording directory are one: nothing to move
    Sessions sessions_{};
    std::unordered_map<std::string, CallFile> files_{};
    std::vector<std::uint64_t> buffer_{};  // one netlink datagram, 8-byte aligned
    // CallTable::streams_ended() at the last sweep: nothing to look for while it stays.
    std::uint64_t ended_seen_ = 0;
    std::chrono::steady_clock::time_point overrun_logged_{};
    RecorderStats stats_{};
    timeval now_{};  // the time the datagram being parsed was read
};

}  // namespace rtpproxyd
