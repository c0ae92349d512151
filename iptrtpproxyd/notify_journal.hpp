// SPDX-License-Identifier: GPL-2.0
// The streams' timeout notification targets (rtpproxy's U notify socket and tag), in a file
// of the state directory (--state-dir): the one piece of call state a session's label has no
// room for. Each stream that gets or changes its target appends a line, each that ends
// without a restart of the daemon appends its removal; a restarted daemon reads the file
// back into the streams it finds in the kernel and notifies those that ended while it was
// down. The file is rewritten with the live targets when dead lines outnumber them.
//
// One line per record, fields separated by a space, each percent-encoded (encode_field):
//   iptrtpproxyd-notify 1 BOOT_ID        the first line: the boot it belongs to
//   + STREAM CALL MEDIA SOCKET TAG       a stream's target
//   - STREAM                             the stream ended
// STREAM is stream_key(): its switchboard's gate A and its session id. A file of another
// boot (the kernel's sessions went with it) is read as empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtpproxy_command.hpp"
#include "xtrtpproxy/types.hpp"

namespace rtpproxyd {

// "ADDR/PORT/SESSION" of the switchboard's gate A: what names a session across restarts (the
// switchboards' order in the daemon may change with its options).
std::string stream_key(const xtrtpproxy::Gate& gate_a, std::uint32_t session);

// Bytes 0x21..0x7e but '%' as they are, others as %XX; the empty field is "%".
std::string encode_field(std::string_view text);
// nullopt for what encode_field does not write.
std::optional<std::string> decode_field(std::string_view text);

struct NotifyRecord {
    std::string stream;  // stream_key()
    std::string call;    // the call's key, as in its label
    std::uint16_t media = 1;
    Notify notify;
};

class NotifyJournal {
  public:
    using Warn = std::function<void(std::string_view)>;

    // Opens (creating it, mode 0600) PATH and locks it: a second daemon given the same state
    // directory is refused. Throws std::runtime_error saying why it cannot. Then load(), and
    // rewrite() with what is still live before the first put().
    NotifyJournal(std::string path, std::string boot_id, Warn warn);
    ~NotifyJournal();
    NotifyJournal(const NotifyJournal&) = delete;
    NotifyJournal& operator=(const NotifyJournal&) = delete;

    // The live records of the file as it was opened, by stream; a file of another boot, or
    // none, holds none. Lines a crash cut short are skipped.
    std::unordered_map<std::string, NotifyRecord> load() const;

    // Appends (replaces: the stream had a record already); a failed write is warned of (once until
    // one succeeds again) and the daemon goes on: the target is then lost to a restart only.
    void put(const NotifyRecord& record, bool replaces);
    void erase(const std::string& stream);
    // Starts the file again with these records only (after a rebuild, or when compacting).
    void rewrite(const std::vector<NotifyRecord>& live);
    // Whether the dead lines call for a rewrite(): more of them than live ones and a margin.
    bool wants_rewrite() const noexcept { return lines_ > 2 * live_ + kSlack; }
    // At a clean stop, when every session went: the file goes too.
    void remove();

    const std::string& path() const noexcept { return path_; }

  private:
    static constexpr std::size_t kSlack = 4096;
    std::string header() const;
    void append(const std::string& line);

    std::string path_;
    std::string boot_id_;
    Warn warn_;
    int fd_ = -1;
    std::size_t lines_ = 0;  // records in the file
    std::size_t live_ = 0;   // streams with a record in it
    bool failing_ = false;
};

}  // namespace rtpproxyd
