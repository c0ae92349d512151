// SPDX-License-Identifier: GPL-2.0
// The replies sent per (peer, cookie), so that a retransmitted command is answered again
// without being run again. Used by both control protocols; nothing in it is rtpproxy's.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rtpproxyd {

// Kamailio retransmits a command with the same cookie every rtpproxy_tout (1 s) up to
// rtpproxy_retr (5) times, and so does its rtpengine module; running a U or an offer twice
// would allocate fresh ports. A reply is kept for a TTL well above those 5 s (rtpengine keeps
// its cookies for 30 to 60 s, cookie_cache.c), then dropped. Bounded in entries and in bytes, the
// oldest going first. Every operation is O(1) amortised: entries are kept in the order they were
// stored, which with one TTL is also the order they expire in, so expiry and eviction only ever
// look at the oldest. Not thread-safe.
class ReplyCache {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr Clock::duration kDefaultTtl = std::chrono::seconds(60);

    // At most max_entries replies whose bytes (peer, cookie and reply) add up to at most
    // max_bytes, each for ttl after it was stored.
    ReplyCache(std::size_t max_entries, std::size_t max_bytes, Clock::duration ttl = kDefaultTtl);

    // The keys are views into the entries' own strings: a copy would point into the
    // original's.
    ReplyCache(const ReplyCache&) = delete;
    ReplyCache& operator=(const ReplyCache&) = delete;

    // The reply stored for (peer, cookie) less than ttl before now. A hit does not extend the
    // entry's life: the retransmissions of one command all come within seconds.
    std::optional<std::string> lookup(std::string_view peer, std::string_view cookie,
                                      Clock::time_point now);

    // Stores (or replaces, as if new) the reply for (peer, cookie), first dropping what has
    // expired, then the oldest entries until both bounds hold. A reply that alone exceeds
    // max_bytes is not stored (and one stored before for the key is dropped).
    void store(std::string_view peer, std::string_view cookie, std::string_view reply,
               Clock::time_point now);

    // Drops the entries stored ttl or longer before now; the daemon may call it on a timer to
    // give the memory back while no command comes.
    void expire(Clock::time_point now);

    std::size_t size() const noexcept { return map_.size(); }
    // The bytes counted against max_bytes.
    std::size_t bytes() const noexcept { return bytes_; }

  private:
    // Peer, cookie and reply in one buffer: one allocation per entry besides the nodes, which
    // for an ng reply with its SDP is a good part of the daemon's memory per call.
    struct Entry {
        std::string text;  // peer, cookie, reply
        std::uint32_t peer_size = 0, cookie_size = 0;
        Clock::time_point stored;

        std::string_view peer() const { return std::string_view(text).substr(0, peer_size); }
        std::string_view cookie() const {
            return std::string_view(text).substr(peer_size, cookie_size);
        }
        std::string_view reply() const {
            return std::string_view(text).substr(peer_size + cookie_size);
        }
        std::size_t bytes() const { return text.size(); }
    };
    struct Key {
        std::string_view peer;
        std::string_view cookie;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };
    using Entries = std::list<Entry>;  // oldest first; nodes never move, so keys stay valid

    bool expired(const Entry& entry, Clock::time_point now) const;
    void erase(Entries::iterator entry);

    std::size_t max_entries_;
    std::size_t max_bytes_;
    Clock::duration ttl_;
    std::size_t bytes_ = 0;
    Entries entries_;
    std::unordered_map<Key, Entries::iterator, KeyHash> map_;
};

}  // namespace rtpproxyd
