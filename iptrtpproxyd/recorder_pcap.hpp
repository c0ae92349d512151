// SPDX-License-Identifier: GPL-2.0
// The recorder's files: one pcap per call written with libpcap, named after the Call-ID, and
// moved from the spool directory to the recording directory when the call's recording ends.
#pragma once

#include <sys/time.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

struct pcap;
struct pcap_dumper;

namespace rtpproxyd {

// A capture of IP datagrams, IPv4 and IPv6 in one file (LINKTYPE_RAW: each record starts with
// its IP header, as NFLOG copies them). Move-only; the destructor closes it.
class PcapFile {
  public:
    // Creates dir/stem.pcap, or dir/stem-2.pcap, -3 ... when that is taken: an existing file is
    // never replaced. Mode 0640: recordings are conversations, for the daemon's group at most.
    // Throws std::system_error naming the path.
    static PcapFile create(const std::string& dir, const std::string& stem);

    PcapFile(PcapFile&& other) noexcept;
    PcapFile& operator=(PcapFile&& other) noexcept;
    PcapFile(const PcapFile&) = delete;
    PcapFile& operator=(const PcapFile&) = delete;
    ~PcapFile();

    // One record: the bytes copied and the length the datagram had (more when cut short).
    void write(const timeval& time, std::span<const std::byte> datagram, std::size_t length);
    // Writes out what stdio holds. False once any write failed (a full disk): what follows is
    // lost, the file itself stays readable up to there.
    bool flush();
    // Flushes and closes, at most once; the result as flush's.
    bool close();

    const std::string& path() const noexcept { return path_; }
    std::uint64_t packets() const noexcept { return packets_; }

  private:
    PcapFile() = default;

    struct pcap* pcap_ = nullptr;
    struct pcap_dumper* dumper_ = nullptr;
    std::string path_{};
    std::uint64_t packets_ = 0;
    bool failed_ = false;
};

// The Call-ID as a file name: letters, digits and "-._+@" stay (not a leading '.' or '-': a
// hidden file, an option), every other byte is %XX, so that the name reads as the Call-ID and
// decodes back to it, and never holds '/' or '='. A Call-ID longer than 140 bytes so encoded
// keeps its first ones and gets '~' and 22 characters of its SHA-256 (call_key), which tell
// two long Call-IDs with the same beginning apart.
std::string file_name_of_call_id(std::string_view call_id);
// "<file_name_of_call_id>=<unix seconds>", the time the recording started: a file per
// recording of the call (a second R after S, a restarted daemon), sorting by call then time.
std::string recording_stem(std::string_view call_id, std::chrono::system_clock::time_point started);

// Moves a closed recording into dir under its own name (NAME-2.pcap ... when taken; none is
// replaced): rename(2), or a copy and an unlink when dir is on another file system. Returns
// the new path. Throws std::system_error naming both; the file then stays where it was.
std::string move_recording(const std::string& path, const std::string& dir);

}  // namespace rtpproxyd
