// SPDX-License-Identifier: GPL-2.0
// The kernel's call quality (kmod/quality.c, built here against tests/unit/kshim): RFC 3550's
// counts on sequences whose right answer is known, and its jitter on known arrival times.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

// quality.h takes the kernel's integer types from <linux/types.h>; userspace's has only __u32
// and the like (kshim/ gives them to quality.c, not to C++ with the system's headers).
using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
extern "C" {
#include "quality.h"
}

namespace {

constexpr std::uint64_t kMs = 1000000;  // ns

class Stream {
  public:
    explicit Stream(std::uint32_t clock_rate = 8000) : clock_rate_(clock_rate) {}

    // An RTP datagram: version 2, payload type pt, the given numbers.
    void rtp(std::uint16_t seq, std::uint32_t ts, std::uint64_t at_ns, std::uint32_t ssrc = 0x1234,
             std::uint8_t pt = 0) {
        const std::uint8_t h[12] = {0x80,
                                    pt,
                                    static_cast<std::uint8_t>(seq >> 8),
                                    static_cast<std::uint8_t>(seq),
                                    static_cast<std::uint8_t>(ts >> 24),
                                    static_cast<std::uint8_t>(ts >> 16),
                                    static_cast<std::uint8_t>(ts >> 8),
                                    static_cast<std::uint8_t>(ts),
                                    static_cast<std::uint8_t>(ssrc >> 24),
                                    static_cast<std::uint8_t>(ssrc >> 16),
                                    static_cast<std::uint8_t>(ssrc >> 8),
                                    static_cast<std::uint8_t>(ssrc)};
        rtpp_quality_packet(&q_, h, 172, at_ns, clock_rate_);
    }
    // Sequence numbers in this order, 20 ms apart, timestamps to match.
    void seqs(const std::vector<std::uint16_t>& order, std::uint32_t ssrc = 0x1234) {
        for (const auto seq : order) {
            rtp(seq, seq * 160u, now_, ssrc);
            now_ += 20 * kMs;
        }
    }
    void raw(const std::vector<std::uint8_t>& bytes, unsigned int len) {
        rtpp_quality_packet(&q_, bytes.data(), len, now_, clock_rate_);
    }
    rtpp_quality_stats stats() const {
        rtpp_quality_stats s{};
        rtpp_quality_read(&q_, &s);
        return s;
    }
    void reset() { rtpp_quality_reset(&q_); }

  private:
    rtpp_quality q_{};
    std::uint32_t clock_rate_;
    std::uint64_t now_ = 5000 * kMs;
};

std::vector<std::uint16_t> range(int from, int to) {
    std::vector<std::uint16_t> v;
    for (int i = from; i <= to; ++i) v.push_back(static_cast<std::uint16_t>(i));
    return v;
}

std::vector<std::uint16_t> join(std::vector<std::uint16_t> a, const std::vector<std::uint16_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

TEST(Quality, NothingYet) {
    Stream s;
    const auto st = s.stats();
    EXPECT_FALSE(st.seen);
    EXPECT_EQ(st.expected, 0u);
    EXPECT_EQ(st.lost, 0u);
}

TEST(Quality, InOrder) {
    Stream s;
    s.seqs(range(0, 99));
    const auto st = s.stats();
    EXPECT_TRUE(st.seen);
    EXPECT_EQ(st.ssrc, 0x1234u);
    EXPECT_EQ(st.expected, 100u);
    EXPECT_EQ(st.lost, 0u);
    EXPECT_EQ(st.duplicates, 0u);
    EXPECT_EQ(st.reordered, 0u);
    EXPECT_EQ(st.jitter, 0u) << "20 ms apart, 160 units apart";
}

TEST(Quality, Gap) {
    Stream s;
    s.seqs(join(range(0, 9), range(15, 19)));
    EXPECT_EQ(s.stats().expected, 20u);
    EXPECT_EQ(s.stats().lost, 5u);
}

TEST(Quality, Duplicates) {
    Stream s;
    s.seqs(join(range(0, 9), {9, 5, 5}));
    const auto st = s.stats();
    EXPECT_EQ(st.duplicates, 3u);
    EXPECT_EQ(st.expected, 10u);
    EXPECT_EQ(st.lost, 0u);
    EXPECT_EQ(st.reordered, 0u);
}

TEST(Quality, LatePacketsAreNotLost) {
    Stream s;
    s.seqs({0, 1, 2, 3, 4, 7, 5, 6, 8});
    const auto st = s.stats();
    EXPECT_EQ(st.expected, 9u);
    EXPECT_EQ(st.lost, 0u);
    EXPECT_EQ(st.reordered, 2u);
    EXPECT_EQ(st.duplicates, 0u);
}

TEST(Quality, LateAfterTheWindowCountsAsReordered) {
    Stream s;
    auto order = range(0, 9);
    order = join(order, range(11, 90));
    order.push_back(10);  // 80 behind: beyond the 64 remembered
    s.seqs(order);
    EXPECT_EQ(s.stats().lost, 0u);
    EXPECT_EQ(s.stats().reordered, 1u);
}

TEST(Quality, SequenceWraps) {
    Stream s;
    s.seqs(join(range(65530, 65535), range(0, 9)));
    EXPECT_EQ(s.stats().expected, 16u);
    EXPECT_EQ(s.stats().lost, 0u);
}

TEST(Quality, SsrcChangeStartsASequenceAddedToTheFirst) {
    Stream s;
    s.seqs(range(0, 9), 0xaaaa);
    s.seqs(join(range(1000, 1004), range(1007, 1009)), 0xbbbb);
    const auto st = s.stats();
    EXPECT_EQ(st.ssrc, 0xbbbbu);
    EXPECT_EQ(st.ssrc_changes, 1u);
    EXPECT_EQ(st.expected, 20u);
    EXPECT_EQ(st.lost, 2u);
}

TEST(Quality, OneJumpIsIgnoredTwoRestart) {
    Stream s;
    s.seqs(join(range(0, 9), {20000}));
    s.seqs(range(10, 19));
    EXPECT_EQ(s.stats().expected, 20u) << "a lone jump is a stray packet";
    EXPECT_EQ(s.stats().lost, 0u);

    Stream t;
    t.seqs(join(range(0, 9), range(30000, 30009)));
    // The source restarted at the second packet of the jump: 30001..30009 after 0..9.
    EXPECT_EQ(t.stats().expected, 19u);
    EXPECT_EQ(t.stats().lost, 0u);
    EXPECT_EQ(t.stats().ssrc_changes, 0u);
}

TEST(Quality, LateBeforeTheFirstIsNotNegativeLoss) {
    Stream s;
    s.seqs({5, 6, 7, 8, 9, 3});
    EXPECT_EQ(s.stats().expected, 5u);
    EXPECT_EQ(s.stats().lost, 0u);
    EXPECT_EQ(s.stats().reordered, 1u);
}

TEST(Quality, NotRtp) {
    Stream s;
    s.raw({0x80, 0, 0, 1}, 4);                             // shorter than a header
    s.raw({0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12);    // version 1
    s.raw({0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12);  // RTCP SR on the RTP port
    s.raw({0x80, 223, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12);  // the last RTCP type
    s.raw({0x82, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12);    // two CSRCs, no room
    const auto st = s.stats();
    EXPECT_EQ(st.not_rtp, 5u);
    EXPECT_FALSE(st.seen);
    EXPECT_EQ(st.expected, 0u);
    s.raw({0x80, 224, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 12);  // marker + PT 96: RTP
    EXPECT_TRUE(s.stats().seen);
    EXPECT_EQ(s.stats().pt, 96u);
}

TEST(Quality, JitterOfEvenArrivalsIsZeroOfUnevenTheirSpread) {
    // Timestamps 160 apart (20 ms at 8 kHz), arrivals 10 and 30 ms apart in turn: each transit
    // differs from the last by 80 units, and A.8's estimate settles at 80.
    Stream s;
    std::uint64_t at = 1000 * kMs;
    for (int i = 0; i < 400; ++i) {
        s.rtp(static_cast<std::uint16_t>(i), static_cast<std::uint32_t>(i) * 160, at);
        at += (i % 2 ? 30 : 10) * kMs;
    }
    EXPECT_NEAR(s.stats().jitter, 80, 1);

    // All at once: 160 units apart each.
    Stream b;
    for (int i = 0; i < 400; ++i)
        b.rtp(static_cast<std::uint16_t>(i), static_cast<std::uint32_t>(i) * 160, 1000 * kMs);
    EXPECT_NEAR(b.stats().jitter, 160, 1);

    // The clock rate scales it: 48 kHz, 20 ms = 960 units, 10 ms off = 480.
    Stream o(48000);
    at = 1000 * kMs;
    for (int i = 0; i < 400; ++i) {
        o.rtp(static_cast<std::uint16_t>(i), static_cast<std::uint32_t>(i) * 960, at);
        at += (i % 2 ? 30 : 10) * kMs;
    }
    EXPECT_NEAR(o.stats().jitter, 480, 6);
}

TEST(Quality, ResetCountsAfresh) {
    Stream s;
    s.seqs(join(range(0, 9), range(12, 13)));
    s.seqs(range(13, 13));  // a duplicate
    ASSERT_EQ(s.stats().lost, 2u);
    s.reset();
    EXPECT_EQ(s.stats().expected, 0u);
    EXPECT_EQ(s.stats().lost, 0u);
    EXPECT_EQ(s.stats().duplicates, 0u);
    EXPECT_TRUE(s.stats().seen);
    s.seqs(join(range(14, 16), range(18, 19)));
    EXPECT_EQ(s.stats().expected, 6u);
    EXPECT_EQ(s.stats().lost, 1u);
}

}  // namespace
