// SPDX-License-Identifier: GPL-2.0
// The recorder's pcap files: naming, writing through libpcap, moving when done.
#include "recorder_pcap.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

#include "session_label.hpp"

namespace rtpproxyd {
namespace {

// The longest record: a whole IPv4 or IPv6 datagram.
constexpr int kSnapLength = 65535;
constexpr mode_t kFileMode = 0640;
// Encoded Call-IDs longer than this are cut and get a hash (file_name_of_call_id); with the
// time, a suffix and ".pcap" a name stays far below NAME_MAX (255).
constexpr std::size_t kMaxEncodedCallId = 140;
// Names tried, NAME.pcap then NAME-2.pcap ..., before giving up.
constexpr int kNameAttempts = 100;
constexpr std::string_view kExtension = ".pcap";

[[noreturn]] void fail(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

std::string numbered(std::string_view stem, int attempt) {
    std::string name(stem);
    if (attempt > 1) name += "-" + std::to_string(attempt);
    name += kExtension;
    return name;
}

bool keeps(char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    if (c == '.' || c == '-') return !first;
    return c == '_' || c == '+' || c == '@';
}

// Copies from into a new file to (EEXIST when it exists); the partial copy goes on failure.
void copy_file(const std::string& from, const std::string& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) fail(errno, "reading " + from);
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (out < 0) {
        const int error = errno;
        ::close(in);
        fail(error, "creating " + to);
    }
    std::array<char, 65536> buffer;
    int error = 0;
    for (;;) {
        const ssize_t n = ::read(in, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n < 0) error = errno;
            break;
        }
        for (ssize_t done = 0; done < n && error == 0;) {
            const ssize_t w =
                ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno != EINTR) error = errno;
            if (w > 0) done += w;
        }
        if (error != 0) break;
    }
    ::close(in);
    if (::close(out) < 0 && error == 0) error = errno;
    if (error != 0) {
        ::unlink(to.c_str());
        fail(error, "copying " + from + " to " + to);
    }
}

}  // namespace

PcapFile PcapFile::create(const std::string& dir, const std::string& stem) {
    PcapFile file;
    int fd = -1;
    for (int attempt = 1; fd < 0; ++attempt) {
        file.path_ = dir + "/" + numbered(stem, attempt);
        fd = ::open(file.path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
        if (fd < 0 && (errno != EEXIST || attempt == kNameAttempts))
            fail(errno, "creating " + file.path_);
    }
    FILE* stream = ::fdopen(fd, "wb");
    if (!stream) {
        const int error = errno;
        ::close(fd);
        ::unlink(file.path_.c_str());
        fail(error, "fdopen " + file.path_);
    }
    file.pcap_ = pcap_open_dead(DLT_RAW, kSnapLength);
    if (file.pcap_) file.dumper_ = pcap_dump_fopen(file.pcap_, stream);
    if (!file.dumper_) {
        std::fclose(stream);
        ::unlink(file.path_.c_str());
        fail(ENOMEM, "libpcap: " + file.path_);
    }
    return file;
}

PcapFile::PcapFile(PcapFile&& other) noexcept
    : pcap_(std::exchange(other.pcap_, nullptr)),
      dumper_(std::exchange(other.dumper_, nullptr)),
      path_(std::move(other.path_)),
      packets_(other.packets_),
      failed_(other.failed_) {}

PcapFile& PcapFile::operator=(PcapFile&& other) noexcept {
    if (this != &other) {
        close();
        pcap_ = std::exchange(other.pcap_, nullptr);
        dumper_ = std::exchange(other.dumper_, nullptr);
        path_ = std::move(other.path_);
        packets_ = other.packets_;
        failed_ = other.failed_;
    }
    return *this;
}

PcapFile::~PcapFile() { close(); }

void PcapFile::write(const timeval& time, std::span<const std::byte> datagram, std::size_t length) {
    if (!dumper_) return;
    pcap_pkthdr header{};
    header.ts = time;
    header.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(datagram.size(), kSnapLength));
    header.len = static_cast<bpf_u_int32>(std::max<std::size_t>(length, header.caplen));
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &header,
              reinterpret_cast<const u_char*>(datagram.data()));
    ++packets_;
}

bool PcapFile::flush() {
    if (dumper_ && (pcap_dump_flush(dumper_) < 0 || std::ferror(pcap_dump_file(dumper_))))
        failed_ = true;
    return !failed_;
}

bool PcapFile::close() {
    if (!dumper_) return !failed_;
    flush();
    // pcap_dump_close() tells nothing: the flush before it is what reports a failed write.
    pcap_dump_close(dumper_);
    pcap_close(pcap_);
    dumper_ = nullptr;
    pcap_ = nullptr;
    return !failed_;
}

std::string file_name_of_call_id(std::string_view call_id) {
    constexpr char kHex[] = "0123456789ABCDEF";
    std::string name;
    bool cut = false;
    for (std::size_t i = 0; i < call_id.size(); ++i) {
        const char c = call_id[i];
        const std::size_t width = keeps(c, i == 0) ? 1 : 3;
        if (name.size() + width > kMaxEncodedCallId) {
            cut = true;
            break;
        }
        if (width == 1) {
            name += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            name += '%';
            name += kHex[byte >> 4];
            name += kHex[byte & 0xf];
        }
    }
    // call_key() of a token that may be no literal at all is always its hash, '#' first.
    if (cut) name += "~" + call_key(call_id, 0).substr(1);
    return name;
}

std::string recording_stem(std::string_view call_id,
                           std::chrono::system_clock::time_point started) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count();
    return file_name_of_call_id(call_id) + "=" + std::to_string(seconds);
}

std::string move_recording(const std::string& path, const std::string& dir) {
    const auto slash = path.rfind('/');
    std::string_view name(path);
    if (slash != std::string::npos) name.remove_prefix(slash + 1);
    std::string_view stem = name;
    if (stem.ends_with(kExtension)) stem.remove_suffix(kExtension.size());
    for (int attempt = 1; attempt <= kNameAttempts; ++attempt) {
        const std::string target = dir + "/" + numbered(stem, attempt);
        if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0)
            return target;
        if (errno == EEXIST) continue;
        if (errno == EINVAL) {
            // A file system without RENAME_NOREPLACE: look first, then rename.
            struct stat st;
            if (::lstat(target.c_str(), &st) == 0) continue;
            if (::rename(path.c_str(), target.c_str()) == 0) return target;
        }
        if (errno == EXDEV) {
            try {
                copy_file(path, target);
            } catch (const std::system_error& e) {
                if (e.code().value() == EEXIST) continue;
                throw;
            }
            ::unlink(path.c_str());
            return target;
        }
        fail(errno, "moving " + path + " to " + dir);
    }
    fail(EEXIST, "moving " + path + " to " + dir);
}

}  // namespace rtpproxyd
