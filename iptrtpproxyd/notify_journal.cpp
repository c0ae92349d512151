// SPDX-License-Identifier: GPL-2.0
// The notification targets' file.
#include "notify_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace rtpproxyd {
namespace {

constexpr std::string_view kMagic = "iptrtpproxyd-notify";
constexpr std::string_view kVersion = "1";
constexpr mode_t kFileMode = 0600;
// The longest line read back; a U command is one datagram, so none is longer.
constexpr std::size_t kMaxLine = 3 * 65536 + 64;

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (start <= line.size()) {
        const std::size_t space = line.find(' ', start);
        const std::size_t end = space == std::string_view::npos ? line.size() : space;
        fields.push_back(line.substr(start, end - start));
        start = end + 1;
    }
    return fields;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string record_line(const NotifyRecord& r) {
    return "+ " + encode_field(r.stream) + " " + encode_field(r.call) + " " +
           std::to_string(r.media) + " " + encode_field(r.notify.socket) + " " +
           encode_field(r.notify.tag) + "\n";
}

}  // namespace

std::string stream_key(const xtrtpproxy::Gate& gate_a, std::uint32_t session) {
    return gate_a.addr.to_string() + "/" + std::to_string(gate_a.port) + "/" +
           std::to_string(session);
}

std::string encode_field(std::string_view text) {
    if (text.empty()) return "%";
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b > 0x20 && b < 0x7f && c != '%') {
            out += c;
        } else {
            out += '%';
            out += kHex[b >> 4];
            out += kHex[b & 15];
        }
    }
    return out;
}

std::optional<std::string> decode_field(std::string_view text) {
    if (text == "%") return std::string();
    if (text.empty()) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (text[i] != '%') {
            if (b <= 0x20 || b >= 0x7f) return std::nullopt;
            out += text[i];
            continue;
        }
        const int hi = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    return out;
}

NotifyJournal::NotifyJournal(std::string path, std::string boot_id, Warn warn)
    : path_(std::move(path)), boot_id_(std::move(boot_id)), warn_(std::move(warn)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, kFileMode);
    if (fd_ < 0) throw std::runtime_error(errno_text("cannot open " + path_));
    if (::flock(fd_, LOCK_EX | LOCK_NB) < 0) {
        const bool taken = errno == EWOULDBLOCK;
        const std::string why = taken ? path_ +
                                            " is another running iptrtpproxyd's "
                                            "(--state-dir must be a daemon's own)"
                                      : errno_text("cannot lock " + path_);
        ::close(fd_);
        throw std::runtime_error(why);
    }
}

NotifyJournal::~NotifyJournal() {
    if (fd_ >= 0) ::close(fd_);
}

std::string NotifyJournal::header() const {
    return std::string(kMagic) + " " + std::string(kVersion) + " " + encode_field(boot_id_) + "\n";
}

std::unordered_map<std::string, NotifyRecord> NotifyJournal::load() const {
    std::unordered_map<std::string, NotifyRecord> records;
    std::string text;
    char buffer[65536];
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd_, buffer, sizeof buffer, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(errno_text("cannot read " + path_));
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        offset += n;
    }
    std::size_t start = 0;
    bool first = true;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) break;  // cut short by a crash
        const std::string_view line(text.data() + start, end - start);
        start = end + 1;
        if (line.size() > kMaxLine) continue;
        const auto f = fields_of(line);
        if (first) {
            first = false;
            if (f.size() != 3 || f[0] != kMagic || f[1] != kVersion ||
                decode_field(f[2]) != boot_id_)
                return {};  // another boot's, or not ours
            continue;
        }
        if (f.size() == 2 && f[0] == "-") {
            if (const auto stream = decode_field(f[1])) records.erase(*stream);
            continue;
        }
        if (f.size() != 6 || f[0] != "+") continue;
        NotifyRecord r;
        const auto stream = decode_field(f[1]), call = decode_field(f[2]);
        const auto socket = decode_field(f[4]), tag = decode_field(f[5]);
        unsigned media = 0;
        const auto [end_of_media, error] = std::from_chars(f[3].begin(), f[3].end(), media);
        if (!stream || !call || !socket || !tag || error != std::errc{} ||
            end_of_media != f[3].end() || media < 1 || media > 65535)
            continue;
        r.stream = *stream;
        r.call = *call;
        r.media = static_cast<std::uint16_t>(media);
        r.notify = Notify{*socket, *tag};
        records[r.stream] = std::move(r);
    }
    return records;
}

void NotifyJournal::append(const std::string& line) {
    // O_APPEND and one write: a crash leaves at most this line cut short, which load() skips.
    if (!write_all(fd_, line)) {
        if (!failing_)
            warn_(errno_text("cannot write " + path_) +
                  " (timeout notifications of new calls are lost to a restart)");
        failing_ = true;
        return;
    }
    failing_ = false;
    ++lines_;
}

void NotifyJournal::put(const NotifyRecord& record, bool replaces) {
    append(record_line(record));
    if (!replaces) ++live_;
}

void NotifyJournal::erase(const std::string& stream) {
    append("- " + encode_field(stream) + "\n");
    if (live_ > 0) --live_;
}

void NotifyJournal::rewrite(const std::vector<NotifyRecord>& live) {
    // In place, not through a new file and rename(2): the daemon may have dropped the
    // privileges the directory wants (-u). A crash in between leaves the first records, a
    // tmpfs write of a few megabytes at most.
    std::string text = header();
    for (const auto& r : live) text += record_line(r);
    if (::ftruncate(fd_, 0) < 0 || !write_all(fd_, text)) {
        warn_(errno_text("cannot rewrite " + path_));
        failing_ = true;
        return;
    }
    lines_ = live.size() + 1;
    live_ = live.size();
    failing_ = false;
}

void NotifyJournal::remove() {
    if (::unlink(path_.c_str()) < 0 && errno != ENOENT) warn_(errno_text("cannot remove " + path_));
}

}  // namespace rtpproxyd
