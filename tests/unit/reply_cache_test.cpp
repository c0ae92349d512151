// SPDX-License-Identifier: GPL-2.0
// The per-cookie reply cache: hits and misses, peers kept apart, expiry, and both bounds.
#include "reply_cache.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace rtpproxyd;
using namespace std::chrono_literals;

namespace {

const ReplyCache::Clock::time_point t0{};

}  // namespace

TEST(ReplyCache, HitAndMiss) {
    ReplyCache cache(16, 4096);
    EXPECT_FALSE(cache.lookup("udp:10.0.0.1:5060", "10025_4", t0));
    cache.store("udp:10.0.0.1:5060", "10025_4", "10025_4 40000 127.0.0.9\n", t0);
    EXPECT_EQ(cache.lookup("udp:10.0.0.1:5060", "10025_4", t0 + 1s), "10025_4 40000 127.0.0.9\n");
    // A retransmission asks again: still there, unchanged.
    EXPECT_EQ(cache.lookup("udp:10.0.0.1:5060", "10025_4", t0 + 5s), "10025_4 40000 127.0.0.9\n");
    EXPECT_FALSE(cache.lookup("udp:10.0.0.1:5060", "10025_5", t0 + 1s));
    EXPECT_FALSE(cache.lookup("udp:10.0.0.1:5060", "10025_", t0 + 1s));
    EXPECT_FALSE(cache.lookup("udp:10.0.0.1:5060", "", t0 + 1s));
    EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplyCache, PeersAreKeptApart) {
    ReplyCache cache(16, 4096);
    // Two Kamailio hosts whose processes happen to have the same pid and sequence number.
    cache.store("udp:10.0.0.1:5060", "10025_4", "10025_4 40000 127.0.0.9\n", t0);
    cache.store("udp:10.0.0.2:5060", "10025_4", "10025_4 40002 127.0.0.9\n", t0);
    EXPECT_EQ(cache.lookup("udp:10.0.0.1:5060", "10025_4", t0), "10025_4 40000 127.0.0.9\n");
    EXPECT_EQ(cache.lookup("udp:10.0.0.2:5060", "10025_4", t0), "10025_4 40002 127.0.0.9\n");
    EXPECT_FALSE(cache.lookup("udp:10.0.0.3:5060", "10025_4", t0));
    // The key is the pair, not the two strings run together.
    cache.store("ab", "c", "1", t0);
    EXPECT_FALSE(cache.lookup("a", "bc", t0));
    EXPECT_EQ(cache.lookup("ab", "c", t0), "1");
    // Peers are opaque: the ng protocol's are in the same cache.
    cache.store("ng:10.0.0.1:2223", "10025_4", "d6:result4:ponge", t0);
    EXPECT_EQ(cache.lookup("ng:10.0.0.1:2223", "10025_4", t0), "d6:result4:ponge");
    EXPECT_EQ(cache.size(), 4u);
}

TEST(ReplyCache, EntriesExpireAfterTheTtl) {
    ReplyCache cache(16, 4096);  // the default 60 s
    cache.store("p", "1", "one", t0);
    cache.store("p", "2", "two", t0 + 30s);
    EXPECT_EQ(cache.lookup("p", "1", t0 + 59s), "one");
    EXPECT_FALSE(cache.lookup("p", "1", t0 + 60s));
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.lookup("p", "2", t0 + 89s), "two");
    cache.expire(t0 + 90s);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.bytes(), 0u);

    ReplyCache short_lived(16, 4096, 2s);
    short_lived.store("p", "1", "one", t0);
    EXPECT_EQ(short_lived.lookup("p", "1", t0 + 1999ms), "one");
    EXPECT_FALSE(short_lived.lookup("p", "1", t0 + 2s));
}

TEST(ReplyCache, TheDefaultTtlOutlastsKamailiosRetries) {
    // rtpproxy_tout 1 s times rtpproxy_retr 5.
    EXPECT_GT(ReplyCache::kDefaultTtl, 5s);
    EXPECT_EQ(ReplyCache::kDefaultTtl, 60s);
}

TEST(ReplyCache, LookupDoesNotExtendLife) {
    ReplyCache cache(16, 4096, 10s);
    cache.store("p", "1", "one", t0);
    EXPECT_TRUE(cache.lookup("p", "1", t0 + 9s));
    EXPECT_FALSE(cache.lookup("p", "1", t0 + 10s));
}

TEST(ReplyCache, StoringAgainReplacesAndRenews) {
    ReplyCache cache(16, 4096, 10s);
    cache.store("p", "1", "old", t0);
    cache.store("p", "1", "newer", t0 + 8s);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.bytes(), 1u + 1u + 5u);
    EXPECT_EQ(cache.lookup("p", "1", t0 + 17s), "newer");
    EXPECT_FALSE(cache.lookup("p", "1", t0 + 18s));
}

TEST(ReplyCache, EntryBoundDropsTheOldest) {
    ReplyCache cache(3, 4096);
    cache.store("p", "1", "a", t0);
    cache.store("p", "2", "b", t0 + 1s);
    cache.store("p", "3", "c", t0 + 2s);
    cache.store("p", "4", "d", t0 + 3s);
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_FALSE(cache.lookup("p", "1", t0 + 3s));
    EXPECT_EQ(cache.lookup("p", "2", t0 + 3s), "b");
    EXPECT_EQ(cache.lookup("p", "4", t0 + 3s), "d");
    // A hit does not make an entry younger: 2 is still the oldest.
    cache.store("p", "5", "e", t0 + 4s);
    EXPECT_FALSE(cache.lookup("p", "2", t0 + 4s));
    EXPECT_EQ(cache.lookup("p", "3", t0 + 4s), "c");
    // Replacing does: 3 becomes the youngest, 4 goes next.
    cache.store("p", "3", "c2", t0 + 5s);
    cache.store("p", "6", "f", t0 + 6s);
    EXPECT_FALSE(cache.lookup("p", "4", t0 + 6s));
    EXPECT_EQ(cache.lookup("p", "3", t0 + 6s), "c2");
    EXPECT_EQ(cache.lookup("p", "5", t0 + 6s), "e");
    EXPECT_EQ(cache.lookup("p", "6", t0 + 6s), "f");
}

TEST(ReplyCache, ByteBoundDropsTheOldest) {
    // Each entry: peer 1 + cookie 1 + reply 8 = 10 bytes.
    ReplyCache cache(100, 35);
    cache.store("p", "1", "11111111", t0);
    cache.store("p", "2", "22222222", t0);
    cache.store("p", "3", "33333333", t0);
    EXPECT_EQ(cache.bytes(), 30u);
    cache.store("p", "4", "44444444", t0);
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(cache.bytes(), 30u);
    EXPECT_FALSE(cache.lookup("p", "1", t0));
    // A bigger one pushes out as many as it takes.
    cache.store("p", "5", std::string(23, '5'), t0);  // 25 bytes: only 1 entry of 10 may stay
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_FALSE(cache.lookup("p", "2", t0));
    EXPECT_FALSE(cache.lookup("p", "3", t0));
    EXPECT_EQ(cache.lookup("p", "4", t0), "44444444");
    EXPECT_EQ(cache.bytes(), 35u);
    // One that alone exceeds the bound is not kept, and evicts nothing.
    cache.store("p", "6", std::string(34, '6'), t0);
    EXPECT_FALSE(cache.lookup("p", "6", t0));
    EXPECT_EQ(cache.size(), 2u);
    // Nor is a replacement that does not fit; the old reply is not served for it either.
    cache.store("p", "4", std::string(40, '4'), t0);
    EXPECT_FALSE(cache.lookup("p", "4", t0));
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.bytes(), 25u);
}

TEST(ReplyCache, ExpiryComesBeforeEviction) {
    ReplyCache cache(2, 4096, 10s);
    cache.store("p", "1", "a", t0);
    cache.store("p", "2", "b", t0 + 5s);
    // At 12 s entry 1 has expired; storing 3 must not also push out 2.
    cache.store("p", "3", "c", t0 + 12s);
    EXPECT_EQ(cache.lookup("p", "2", t0 + 12s), "b");
    EXPECT_EQ(cache.lookup("p", "3", t0 + 12s), "c");
}

TEST(ReplyCache, ZeroBoundsKeepNothing) {
    ReplyCache no_entries(0, 4096);
    no_entries.store("p", "1", "a", t0);
    EXPECT_FALSE(no_entries.lookup("p", "1", t0));
    ReplyCache no_bytes(16, 0);
    no_bytes.store("p", "1", "a", t0);
    EXPECT_FALSE(no_bytes.lookup("p", "1", t0));
    EXPECT_EQ(no_bytes.size(), 0u);
}

TEST(ReplyCache, ClockGoingBackwards) {
    // steady_clock does not, but nothing may break if the daemon passes an older time.
    ReplyCache cache(16, 4096, 10s);
    cache.store("p", "1", "a", t0 + 100s);
    cache.store("p", "2", "b", t0 + 50s);
    EXPECT_EQ(cache.lookup("p", "1", t0 + 105s), "a");
    EXPECT_FALSE(cache.lookup("p", "2", t0 + 105s));  // stored 55 s before
    EXPECT_EQ(cache.lookup("p", "1", t0), "a");
}

TEST(ReplyCache, ManyEntriesStayBounded) {
    ReplyCache cache(1000, 64 * 1024);
    for (int i = 0; i < 20000; ++i) {
        const auto now = t0 + std::chrono::milliseconds(i);
        cache.store("udp:10.0.0.1:5060", std::to_string(i), std::to_string(i) + " 0\n", now);
        ASSERT_LE(cache.size(), 1000u);
        ASSERT_LE(cache.bytes(), 64u * 1024u);
    }
    const auto end = t0 + 20s;
    EXPECT_EQ(cache.lookup("udp:10.0.0.1:5060", "19999", end), "19999 0\n");
    EXPECT_FALSE(cache.lookup("udp:10.0.0.1:5060", "18000", end));
    std::size_t kept = 0;
    for (int i = 18000; i < 20000; ++i)
        kept += cache.lookup("udp:10.0.0.1:5060", std::to_string(i), end).has_value();
    EXPECT_EQ(kept, cache.size());
}
