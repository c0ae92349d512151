// SPDX-License-Identifier: GPL-2.0
// The recorder: the kernel sessions that record, the calls' files, and the copies between.
#include "recorder.hpp"

#include <libmnl/libmnl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <system_error>
#include <utility>

#include "session_label.hpp"

namespace rtpproxyd {
namespace {

// Datagrams read at once before the commands get their turn: with the kernel's batches of up
// to 64 copies, thousands of copies.
constexpr std::size_t kBurst = 64;
// Reading what is waiting before a file is finished: all of it, within reason.
constexpr std::size_t kDrain = 1024;
// One netlink datagram: a batch fills a 16 KiB buffer at most, but a single large copy gets
// an skb of its own, whose tailroom (up to 128 KiB, the page allocator's rounding of 64 KiB)
// the kernel may fill with further copies.
constexpr std::size_t kDatagramBytes = 256 << 10;
// An overflowing socket is said at most this often.
constexpr auto kOverrunLogInterval = std::chrono::seconds(10);

struct stat directory(const std::string& path, const char* what) {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0)
        throw std::system_error(errno, std::generic_category(), std::string(what) + " " + path);
    if (!S_ISDIR(st.st_mode))
        throw std::system_error(ENOTDIR, std::generic_category(), std::string(what) + " " + path);
    return st;
}

timeval wall_clock() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return {ts.tv_sec, static_cast<suseconds_t>(ts.tv_nsec / 1000)};
}

}  // namespace

Recorder::Recorder(RecorderConfig config, CallTable& calls, SessionStore& store)
    : Recorder(config, calls, store, NflogSocket::open(config.nflog_group)) {}

Recorder::Recorder(RecorderConfig config, CallTable& calls, SessionStore& store, NflogSocket socket)
    : config_(std::move(config)),
      calls_(calls),
      store_(store),
      socket_(std::move(socket)),
      buffer_(kDatagramBytes / sizeof(std::uint64_t)),
      ended_seen_(calls.streams_ended()) {
    if (config_.spool_dir.empty()) config_.spool_dir = config_.record_dir;
    const struct stat record = directory(config_.record_dir, "recording directory");
    const struct stat spool = directory(config_.spool_dir, "spool directory");
    same_dir_ = record.st_dev == spool.st_dev && record.st_ino == spool.st_ino;
}

Recorder::~Recorder() {
    drain();
    std::vector<std::string> calls;
    for (const auto& [call_id, file] : files_) calls.push_back(call_id);
    for (const auto& call_id : calls) finish(call_id);
}

void Recorder::warn(LogLevel level, const std::string& message) const {
    if (config_.log) config_.log(level, "recording: " + message);
}

RecorderStats Recorder::stats() const noexcept {
    RecorderStats s = stats_;
    s.files = files_.size();
    s.sessions = sessions_.size();
    return s;
}

void Recorder::on_readable() { read_burst(kBurst); }

void Recorder::drain() noexcept {
    try {
        read_burst(kDrain);
    } catch (const std::exception& e) {
        // Finishing a file, or answering a command, matters more than its last copies.
        warn(LogLevel::warning, e.what());
    }
}

void Recorder::read_burst(std::size_t max_reads) {
    auto* bytes = reinterpret_cast<char*>(buffer_.data());
    const std::size_t size = buffer_.size() * sizeof(std::uint64_t);
    for (std::size_t i = 0; i < max_reads; ++i) {
        const ssize_t n = ::recv(socket_.fd(), bytes, size, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return;
            if (errno == ENOBUFS) {
                // The kernel could not queue a batch: its copies are lost, the rest comes.
                ++stats_.overruns;
                const auto now = std::chrono::steady_clock::now();
                if (now - overrun_logged_ >= kOverrunLogInterval) {
                    overrun_logged_ = now;
                    warn(LogLevel::warning,
                         "NFLOG copies lost: the socket's receive buffer overflowed (" +
                             std::to_string(stats_.overruns) + " times so far)");
                }
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "NFLOG recv");
        }
        std::size_t length = static_cast<std::size_t>(n);
        if (length > size) {
            ++stats_.malformed;  // cut: the messages that fit are still whole
            length = size;
        }
        now_ = wall_clock();
        if (mnl_cb_run(bytes, length, 0, 0, message_cb, this) < 0) ++stats_.malformed;
    }
}

int Recorder::message_cb(const nlmsghdr* nlh, void* data) {
    static_cast<Recorder*>(data)->on_message(nlh);
    return MNL_CB_OK;
}

void Recorder::on_message(const nlmsghdr* nlh) {
    const auto packet = parse_nflog_packet(nlh);
    if (!packet) {
        ++stats_.malformed;
        return;
    }
    const auto prefix = parse_copy_prefix(packet->prefix);
    // Another group's (a test's socket) or an operator's NFLOG rule on ours.
    if (packet->group != config_.nflog_group || !prefix) {
        ++stats_.not_recorded;
        return;
    }
    if (config_.no_rtcp && prefix->rtcp()) {
        ++stats_.rtcp_dropped;
        return;
    }
    const auto datagram = parse_udp_datagram(packet->payload);
    if (!datagram) {
        ++stats_.malformed;
        return;
    }
    const auto [first, last] = sessions_.equal_range(prefix->session);
    for (auto it = first; it != last; ++it) {
        if (!copy_of(it->second.gates, *prefix, *datagram)) continue;
        files_.at(it->second.call_id)
            .file.write(packet->timestamp.value_or(now_), packet->payload, datagram->length);
        ++stats_.written;
        return;
    }
    ++stats_.not_recorded;
}

Recorder::Sessions::iterator Recorder::find(std::uint16_t switchboard, std::uint32_t session) {
    const auto [first, last] = sessions_.equal_range(session);
    for (auto it = first; it != last; ++it)
        if (it->second.switchboard == switchboard) return it;
    return sessions_.end();
}

Recorder::CallFile* Recorder::file_for(const std::string& call_id) {
    if (const auto it = files_.find(call_id); it != files_.end()) return &it->second;
    if (files_.size() >= config_.max_files) {
        warn(LogLevel::warning, "call " + call_id + " not recorded: " +
                                    std::to_string(config_.max_files) + " calls are recorded");
        return nullptr;
    }
    try {
        PcapFile file = PcapFile::create(config_.spool_dir,
                                         recording_stem(call_id, std::chrono::system_clock::now()));
        return &files_.emplace(call_id, CallFile{std::move(file), 0, false}).first->second;
    } catch (const std::system_error& e) {
        warn(LogLevel::error, "call " + call_id + " not recorded: " + e.what());
        return nullptr;
    }
}

void Recorder::attach(const std::string& call_id, std::uint16_t switchboard, std::uint32_t session,
                      const xtrtpproxy::SwitchboardGates& gates) {
    if (const auto it = find(switchboard, session); it != sessions_.end()) {
        if (it->second.call_id == call_id) return;
        // The session id went to another call, and the old one's end was not seen yet.
        detach(it);
    }
    sessions_.emplace(session, Recorded{call_id, switchboard, gates});
    ++files_.at(call_id).sessions;
}

void Recorder::detach(Sessions::iterator it) {
    const std::string call_id = std::move(it->second.call_id);
    sessions_.erase(it);
    const auto file = files_.find(call_id);
    if (file != files_.end() && --file->second.sessions == 0) finish(call_id);
}

void Recorder::finish(const std::string& call_id) {
    const auto it = files_.find(call_id);
    if (it == files_.end()) return;
    PcapFile file = std::move(it->second.file);
    files_.erase(it);
    if (!file.close())
        warn(LogLevel::error, file.path() + ": writing failed (disk full?): the recording of " +
                                  call_id + " is cut short");
    if (same_dir_) return;
    try {
        const std::string moved = move_recording(file.path(), config_.record_dir);
        warn(LogLevel::info, "call " + call_id + ": " + std::to_string(file.packets()) +
                                 " packets recorded to " + moved);
    } catch (const std::system_error& e) {
        warn(LogLevel::error, std::string(e.what()) + ": left in the spool directory");
    }
}

bool Recorder::record(const Call& call, const std::vector<const MediaStream*>& streams, bool stop) {
    bool ok = true;
    xtrtpproxy::SessionParams params;
    if (stop) {
        params.stop_recording = true;
    } else {
        params.recording =
            xtrtpproxy::Recording{config_.nflog_group, xtrtpproxy::Recording::kReceived};
        // The file first: a call that cannot have one has its sessions left alone.
        if (!file_for(call.call_id)) return false;
    }
    std::vector<Sessions::iterator> stopped;
    for (const MediaStream* stream : streams) {
        const auto it = find(stream->switchboard, stream->session);
        const bool ours = it != sessions_.end() && it->second.call_id == call.call_id;
        if (stop && !ours) continue;  // not recording: nothing to stop
        try {
            if (!store_.update(calls_.gates(*stream), stream->session, params) && !stop) {
                // Gone in the kernel, its event on the way: nothing to record.
                ok = false;
                continue;
            }
        } catch (const std::exception& e) {
            warn(LogLevel::warning, "call " + call.call_id + " media " +
                                        std::to_string(stream->index) + ": " +
                                        (stop ? "stopping" : "starting") + ": " + e.what());
            ok = false;
            if (!stop) continue;
            // The kernel may go on copying: those copies are dropped here.
        }
        if (!stop)
            attach(call.call_id, stream->switchboard, stream->session, calls_.gates(*stream));
        else if (std::find(stopped.begin(), stopped.end(), it) == stopped.end())
            stopped.push_back(it);
    }
    if (stop) {
        // What the sessions copied before they stopped goes into the file before it closes.
        drain();
        for (const auto it : stopped) detach(it);
    } else if (const auto it = files_.find(call.call_id);
               it != files_.end() && it->second.sessions == 0) {
        // Nothing records into it: no empty file for the call.
        const std::string path = it->second.file.path();
        files_.erase(it);
        ::unlink(path.c_str());
    }
    return ok;
}

void Recorder::stream_ended(const std::string& call_id, const MediaStream& stream) {
    const auto it = find(stream.switchboard, stream.session);
    if (it == sessions_.end() || it->second.call_id != call_id) return;
    drain();
    // Reading changes no session: it is still where it was.
    detach(it);
}

bool Recorder::still_recorded(const Recorded& recorded, std::uint32_t session) {
    if (const Call* call = calls_.find(recorded.call_id)) {
        return std::any_of(call->media.begin(), call->media.end(), [&](const MediaStream& s) {
            return s.switchboard == recorded.switchboard && s.session == session;
        });
    }
    // A call rebuilt after a restart is known by its key, and find() takes a Call-ID: a hashed
    // key ('#...') is not found by itself. The kernel tells whether the session still records.
    if (!recorded.call_id.starts_with('#')) return false;
    try {
        const auto s = store_.session(recorded.gates, session);
        return s && s->recording && s->recording->nflog_group == config_.nflog_group;
    } catch (const std::exception&) {
        return true;  // not known now: the next sweep asks again
    }
}

void Recorder::sweep() {
    if (calls_.streams_ended() != ended_seen_) {
        ended_seen_ = calls_.streams_ended();
        std::vector<std::pair<std::uint16_t, std::uint32_t>> gone;
        for (const auto& [session, recorded] : sessions_)
            if (!still_recorded(recorded, session))
                gone.emplace_back(recorded.switchboard, session);
        if (!gone.empty()) drain();
        for (const auto& [switchboard, session] : gone) {
            const auto it = find(switchboard, session);
            if (it != sessions_.end()) detach(it);
        }
    }
    for (auto& [call_id, file] : files_) {
        if (file.file.flush() || file.failure_logged) continue;
        file.failure_logged = true;
        warn(LogLevel::error, file.file.path() + ": writing failed (disk full?)");
    }
}

std::size_t Recorder::resume(const std::vector<PlannedSwitchboard>& switchboards) {
    std::size_t resumed = 0;
    for (std::size_t i = 0; i < switchboards.size(); ++i) {
        const auto& gates = switchboards[i].gates;
        for (const auto& entry : store_.labelled(gates, kLabelPrefix)) {
            const auto& recording = entry.session.recording;
            if (!recording || recording->nflog_group != config_.nflog_group) continue;
            const auto label = decode_label(entry.session.label);
            const auto sb = static_cast<std::uint16_t>(i);
            if (!label || find(sb, entry.session.id) != sessions_.end()) continue;
            if (!file_for(label->call)) continue;
            attach(label->call, sb, entry.session.id, gates);
            ++resumed;
        }
    }
    return resumed;
}

}  // namespace rtpproxyd
