// SPDX-License-Identifier: GPL-2.0
// The per-cookie reply cache (reply_cache.hpp).
#include "reply_cache.hpp"

#include <functional>
#include <iterator>
#include <utility>

namespace rtpproxyd {

std::size_t ReplyCache::KeyHash::operator()(const Key& key) const noexcept {
    const std::hash<std::string_view> hash;
    const std::size_t peer = hash(key.peer);
    // boost::hash_combine's mixing: (a, b) and (b, a) differ.
    return peer ^ (hash(key.cookie) + static_cast<std::size_t>(0x9e3779b97f4a7c15ull) +
                   (peer << 6) + (peer >> 2));
}

ReplyCache::ReplyCache(std::size_t max_entries, std::size_t max_bytes, Clock::duration ttl)
    : max_entries_(max_entries), max_bytes_(max_bytes), ttl_(ttl) {}

bool ReplyCache::expired(const Entry& entry, Clock::time_point now) const {
    return now - entry.stored >= ttl_;
}

void ReplyCache::erase(Entries::iterator entry) {
    map_.erase(Key{entry->peer(), entry->cookie()});
    bytes_ -= entry->bytes();
    entries_.erase(entry);
}

void ReplyCache::expire(Clock::time_point now) {
    while (!entries_.empty() && expired(entries_.front(), now)) erase(entries_.begin());
}

std::optional<std::string> ReplyCache::lookup(std::string_view peer, std::string_view cookie,
                                              Clock::time_point now) {
    expire(now);
    const auto found = map_.find(Key{peer, cookie});
    if (found == map_.end()) return std::nullopt;
    // Checked again for a clock that went backwards while older entries were stored: the
    // front is then not necessarily the first to expire.
    if (expired(*found->second, now)) {
        erase(found->second);
        return std::nullopt;
    }
    return std::string(found->second->reply());
}

void ReplyCache::store(std::string_view peer, std::string_view cookie, std::string_view reply,
                       Clock::time_point now) {
    if (const auto found = map_.find(Key{peer, cookie}); found != map_.end()) erase(found->second);
    expire(now);
    const std::size_t size = peer.size() + cookie.size() + reply.size();
    if (max_entries_ == 0 || size > max_bytes_) return;
    while (!entries_.empty() && (entries_.size() >= max_entries_ || bytes_ + size > max_bytes_))
        erase(entries_.begin());
    Entry entry;
    entry.text.reserve(size);
    entry.text.append(peer).append(cookie).append(reply);
    entry.peer_size = static_cast<std::uint32_t>(peer.size());
    entry.cookie_size = static_cast<std::uint32_t>(cookie.size());
    entry.stored = now;
    entries_.push_back(std::move(entry));
    const auto last = std::prev(entries_.end());
    try {
        map_.emplace(Key{last->peer(), last->cookie()}, last);
    } catch (...) {
        entries_.pop_back();
        throw;
    }
    bytes_ += size;
}

}  // namespace rtpproxyd
