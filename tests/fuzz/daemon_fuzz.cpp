// SPDX-License-Identifier: GPL-2.0
// daemon_fuzz: generated and mutated inputs for iptrtpproxyd's parsers, under ASan and UBSan.
//
// Usage: daemon_fuzz rtpproxy|ng|sdp [--count N] [--seed S] [--corpus DIR]
//        daemon_fuzz rtpproxy|ng|sdp --replay FILE
//
// GCC has no libFuzzer, so this is a driver of its own, without coverage feedback. Each input
// is one of:
//  - a built-in seed (Kamailio's and OpenSIPS's commands, their ng dictionaries, SDPs of SIPp,
//    pjsip, WebRTC, holds, IPv6, ...) or an input kept from earlier in the run, put through 1
//    to 10 mutations, each either at the byte level (bit flips, bytes inserted, erased and
//    duplicated, NUL, splices with another input, boundary numbers over digit runs, growth to
//    around a size limit of the parser) or aware of the target's structure (the tokens and
//    modifiers of a command; bencode values, keys, nesting and length prefixes; SDP lines,
//    fields, sections and line endings);
//  - generated from a small grammar of the target;
//  - random bytes.
// The driver sees no branch of the parsers, only their outcomes: an input that reaches a new
// outcome class (the command, or the error reason without its numbers) is kept as a seed for
// later mutations, which leads the mutations past the first checks.
//
// Every input goes through the parser and through checks of what its header promises (no
// exception but std::bad_alloc, replies that frame and decode, bencode that round-trips, a
// rewritten SDP that parses again with its sections, ports and addresses as planned). A
// failed check, a sanitizer report or another exception prints the input in hex and aborts.
// Everything derives from --seed (default 1): a run repeats exactly, and input #N of a run is
// the last one of the same run with --count N+1. --corpus DIR writes each input that reached
// a new outcome class to DIR; --replay runs the checks on one input read from FILE.
//
// Output: "target=<t> inputs=<n> ok=<n> errors=<n> [dropped=<n>] classes=<n> slowest_input=<i>
// slowest_seconds=<t> seed=<s> seconds=<t>" and exit status 0; 2 for a bad command line. ok
// counts the inputs that parsed: a command with or without a cookie (rtpproxy), a request (ng),
// a rewritten SDP (sdp); errors the refused ones; dropped the ng datagrams without a cookie;
// classes the outcome classes; slowest_* the input whose checks took longest.
#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "bencode.hpp"
#include "ng_command.hpp"
#include "rtpproxy_command.hpp"
#include "sdp.hpp"

#if defined(__SANITIZE_ADDRESS__) && __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define DAEMON_FUZZ_SANITIZED 1
#endif

using namespace std::string_view_literals;

namespace {

// ---- the random source ------------------------------------------------------------------

// xoshiro256** seeded through splitmix64: small, fast, and the same sequence everywhere,
// which <random>'s distributions do not promise.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) {
        for (std::uint64_t& word : state_) word = splitmix64(seed);
    }

    std::uint64_t next() {
        const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = std::rotl(state_[3], 45);
        return result;
    }

    // 0..n-1, 0 for n = 0 (the modulo's bias does not matter for picking test cases).
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
    bool one_in(std::size_t n) { return below(n) == 0; }

    template <typename Container>
    auto pick(const Container& c) {
        return *(std::begin(c) + static_cast<std::ptrdiff_t>(below(std::size(c))));
    }
    template <typename T>
    T pick(std::initializer_list<T> list) {
        return *(list.begin() + below(list.size()));
    }

  private:
    static std::uint64_t splitmix64(std::uint64_t& x) {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    std::array<std::uint64_t, 4> state_{};
};

// FNV-1a: what an input decides for itself (the SDP target's relay address and ports), so
// that --replay sees what the run saw.
std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

// ---- findings ----------------------------------------------------------------------------

// The input being checked: a finding is worth little without its bytes, and a sanitizer
// report only knows the stack.
struct Current {
    std::string_view target;
    std::uint64_t seed = 0;
    std::uint64_t index = 0;
    const char* replay = nullptr;  // the file of --replay
    std::string_view input;
    bool active = false;
    bool reported = false;  // printed already: a report can reach two of the hooks below
};
Current current;

void print_input() {
    if (current.reported) return;
    current.reported = true;
    if (!current.active) {
        // LeakSanitizer reports after main(): the input that leaked is not known.
        std::fputs(
            "daemon_fuzz: no input was being checked (a leak at exit? bisect with --count)\n",
            stderr);
        return;
    }
    if (current.replay) {
        std::fprintf(stderr, "daemon_fuzz: target=%.*s input from %s (%zu bytes), hex:\n",
                     static_cast<int>(current.target.size()), current.target.data(), current.replay,
                     current.input.size());
    } else {
        std::fprintf(stderr,
                     "daemon_fuzz: target=%.*s seed=%" PRIu64 " input #%" PRIu64
                     " (%zu bytes; the last of --seed %" PRIu64 " --count %" PRIu64 "), hex:\n",
                     static_cast<int>(current.target.size()), current.target.data(), current.seed,
                     current.index, current.input.size(), current.seed, current.index + 1);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : current.input) {
        const auto byte = static_cast<unsigned char>(c);
        std::fputc(kHex[byte >> 4], stderr);
        std::fputc(kHex[byte & 15], stderr);
    }
    std::fputc('\n', stderr);
    if (current.input.size() > 4096) return;
    std::fputs("daemon_fuzz: as text: \"", stderr);
    for (const char c : current.input) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\r') {
            std::fputs("\\r", stderr);
        } else if (c == '\n') {
            std::fputs("\\n", stderr);
        } else if (c == '"' || c == '\\') {
            std::fprintf(stderr, "\\%c", c);
        } else if (byte < 0x20 || byte >= 0x7f) {
            std::fprintf(stderr, "\\x%02x", byte);
        } else {
            std::fputc(c, stderr);
        }
    }
    std::fputs("\"\n", stderr);
}

[[noreturn]] void check_failed(const char* condition, int line, const std::string& detail) {
    std::fprintf(stderr, "daemon_fuzz: check failed (daemon_fuzz.cpp:%d): %s\n", line, condition);
    if (!detail.empty()) std::fprintf(stderr, "daemon_fuzz: %s\n", detail.c_str());
    print_input();
#ifdef DAEMON_FUZZ_SANITIZED
    __sanitizer_print_stack_trace();
#endif
    std::abort();
}

// A macro for the text of the condition; the optional second argument says more.
#define FUZZ_CHECK(condition, ...) \
    ((condition) ? void(0) : check_failed(#condition, __LINE__, std::string{__VA_ARGS__}))

// ---- what every target shares -------------------------------------------------------------

// What a check makes of one input. The class groups inputs that took the same way through
// the parser (the command, the error reason without its numbers).
struct Outcome {
    enum class Kind { ok, error, dropped };
    Kind kind = Kind::ok;
    std::string name;
};

// Digits out, so that "string length 12 at byte 40" is one class whatever the numbers.
std::string without_numbers(std::string_view reason) {
    std::string out;
    for (const char c : reason.substr(0, 120)) {
        if (c >= '0' && c <= '9') {
            if (out.empty() || out.back() != '#') out += '#';
        } else {
            out += c;
        }
    }
    return out;
}

// Values at the edges of the parsers' ranges: payload types, ptime, ports, 31, 32, 63 and 64
// bits, and numbers that are not quite numbers.
constexpr std::string_view kBoundaryNumbers[] = {"0",
                                                 "1",
                                                 "-1",
                                                 "00",
                                                 "01",
                                                 "127",
                                                 "128",
                                                 "255",
                                                 "256",
                                                 "999",
                                                 "1000",
                                                 "65534",
                                                 "65535",
                                                 "65536",
                                                 "99999",
                                                 "100000",
                                                 "999999999",
                                                 "1000000000",
                                                 "2147483647",
                                                 "2147483648",
                                                 "4294967295",
                                                 "4294967296",
                                                 "9223372036854775807",
                                                 "9223372036854775808",
                                                 "-9223372036854775808",
                                                 "-9223372036854775809",
                                                 "18446744073709551615",
                                                 "18446744073709551616",
                                                 "99999999999999999999999999",
                                                 "-0",
                                                 "+1",
                                                 "0x10",
                                                 "1e3",
                                                 ""};

// Bytes the parsers give a meaning to.
constexpr char kInterestingBytes[] = {
    '\0', '\x7f', '\x80', '\xff', ' ', '\t', '\r', '\n', ':', ';', ',', '%', '&', '/',
    '=',  '[',    ']',    '.',    '-', 'e',  'i',  'l',  'd', '0', '9', 'a', 'Z', '@',
};

// The material of the mutations: the corpus to splice from, the target's tokens to insert
// and the sizes at which its parser refuses.
struct Context {
    Rng& rng;
    const std::vector<std::string>& seeds;
    const std::vector<std::string>& pool;  // inputs that reached a new outcome class
    std::span<const std::string_view> tokens;
    std::span<const std::size_t> limits;

    const std::string& any_input() {
        if (!pool.empty() && rng.one_in(2)) return pool[rng.below(pool.size())];
        return seeds[rng.below(seeds.size())];
    }
};

// A run of at most max bytes from s: [begin, begin + length).
std::pair<std::size_t, std::size_t> random_range(Rng& rng, std::string_view s, std::size_t max) {
    if (s.empty()) return {0, 0};
    const std::size_t begin = rng.below(s.size());
    const std::size_t length = 1 + rng.below(std::min(max, s.size() - begin));
    return {begin, length};
}

// The digit runs of s, as (begin, length).
std::vector<std::pair<std::size_t, std::size_t>> digit_runs(std::string_view s) {
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] < '0' || s[i] > '9') {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
        runs.emplace_back(i, end - i);
        i = end;
    }
    return runs;
}

void mutate_bytes(Context& c, std::string& s) {
    Rng& rng = c.rng;
    const std::size_t at = rng.below(s.size() + 1);
    switch (rng.below(15)) {
        case 0:
            if (!s.empty()) s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
            break;
        case 1:
            if (!s.empty()) s[rng.below(s.size())] = rng.pick(kInterestingBytes);
            break;
        case 2: {
            std::string bytes;
            for (std::size_t n = 1 + rng.below(8); n > 0; --n)
                bytes +=
                    rng.one_in(2) ? static_cast<char>(rng.next()) : rng.pick(kInterestingBytes);
            s.insert(at, bytes);
            break;
        }
        case 3: {
            const auto [begin, length] = random_range(rng, s, rng.one_in(8) ? s.size() : 16);
            s.erase(begin, length);
            break;
        }
        case 4: {
            const auto [begin, length] = random_range(rng, s, 32);
            const std::string chunk = s.substr(begin, length);
            for (std::size_t n = 1 + rng.below(3); n > 0; --n) s.insert(begin, chunk);
            break;
        }
        case 5:
            s.insert(at, rng.pick(c.tokens));
            break;
        case 6:
            s.insert(at, rng.pick(kBoundaryNumbers));
            break;
        case 7: {
            const auto runs = digit_runs(s);
            if (runs.empty()) break;
            const auto [begin, length] = runs[rng.below(runs.size())];
            s.replace(begin, length, rng.pick(kBoundaryNumbers));
            break;
        }
        case 8: {
            const std::string& other = c.any_input();
            s = s.substr(0, rng.below(s.size() + 1)) + other.substr(rng.below(other.size() + 1));
            break;
        }
        case 9: {
            const std::string& other = c.any_input();
            const auto [begin, length] = random_range(rng, other, 256);
            s.insert(at, other.substr(begin, length));
            break;
        }
        case 10:
            s.resize(rng.below(s.size() + 1));
            break;
        case 11:
            s.insert(at, 1, '\0');
            break;
        case 12: {
            // To around a limit of the parser: two bytes short of it to two past it. Rarely
            // for the big limits, which make inputs that cost a hundred small ones.
            if (c.limits.empty()) break;
            const std::size_t target = rng.pick(c.limits) + rng.below(5) - 2;
            if (target > 16 * 1024 && !rng.one_in(8)) break;
            if (s.size() >= target) {
                s.resize(target);
            } else {
                const char filler = rng.pick({'a', 'x', '9', ' ', '%', ';'});
                s.insert(at, target - s.size(), filler);
            }
            break;
        }
        case 13: {
            const auto [begin, length] = random_range(rng, s, 8);
            const std::string chunk = s.substr(begin, length);
            std::string repeated;
            for (std::size_t n = 2 + rng.below(200); n > 0; --n) repeated += chunk;
            s.insert(begin, repeated);
            break;
        }
        default:
            if (s.size() >= 2) {
                const std::size_t i = rng.below(s.size());
                const std::size_t j = rng.below(s.size());
                std::swap(s[i], s[j]);
            }
            break;
    }
}

// A token of printable bytes that are not separators.
std::string random_token(Rng& rng, std::size_t max_length = 12) {
    std::string out;
    for (std::size_t n = 1 + rng.below(max_length); n > 0; --n)
        out += static_cast<char>('!' + rng.below('~' - '!' + 1));
    return out;
}

std::string number(Rng& rng, std::size_t typical_max) {
    if (rng.one_in(4)) return std::string(rng.pick(kBoundaryNumbers));
    return std::to_string(rng.below(typical_max + 1));
}

// ---- SDP (sdp::relay_every_media) --------------------------------------------------------

namespace sdp_fuzz {

namespace sdp = rtpproxyd::sdp;

std::string join(std::initializer_list<std::string_view> lines, std::string_view eol) {
    std::string out;
    for (const std::string_view line : lines) {
        out += line;
        out += eol;
    }
    return out;
}

const std::vector<std::string>& seeds() {
    static const std::vector<std::string> kSeeds = {
        // SIPp 3.6's uac.
        join({"v=0", "o=user1 53655765 2353687637 IN IP4 10.0.1.2", "s=-", "c=IN IP4 10.0.1.2",
              "t=0 0", "m=audio 6000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000"},
             "\r\n"),
        // A pjsip phone through Kamailio: audio and video, a=rtcp long and short, LF only.
        join({"v=0",
              "o=- 3808253383 3808253383 IN IP4 192.0.2.10",
              "s=pjmedia",
              "b=AS:84",
              "t=0 0",
              "a=X-nat:0",
              "m=audio 4000 RTP/AVP 96 8 0 101",
              "c=IN IP4 192.0.2.10",
              "b=TIAS:64000",
              "a=rtcp:4001 IN IP4 192.0.2.10",
              "a=sendrecv",
              "a=rtpmap:96 opus/48000/2",
              "a=fmtp:96 useinbandfec=1",
              "a=rtpmap:101 telephone-event/8000",
              "a=fmtp:101 0-16",
              "a=ptime:20",
              "m=video 4002 RTP/AVP 97",
              "c=IN IP4 192.0.2.10",
              "a=rtcp:4003",
              "a=rtpmap:97 H264/90000",
              "a=fmtp:97 profile-level-id=42e01f"},
             "\n"),
        // A browser: ICE, rtcp-mux, the long a=rtcp on 0.0.0.0.
        join({"v=0",
              "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
              "s=-",
              "t=0 0",
              "a=group:BUNDLE 0",
              "a=ice-options:trickle",
              "a=msid-semantic: WMS",
              "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8",
              "c=IN IP4 0.0.0.0",
              "a=rtcp:9 IN IP4 0.0.0.0",
              "a=candidate:842163049 1 udp 1677729535 198.51.100.7 51472 typ srflx raddr "
              "10.0.0.5 rport 51472 generation 0",
              "a=candidate:1 1 UDP 2130706431 10.0.0.5 51472 typ host",
              "a=end-of-candidates",
              "a=ice-ufrag:EsAw",
              "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1",
              "a=fingerprint:sha-256 "
              "19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26",
              "a=setup:actpass",
              "a=mid:0",
              "a=sendrecv",
              "a=rtcp-mux",
              "a=rtpmap:111 opus/48000/2"},
             "\r\n"),
        // An RFC 2543 hold, the origin a host name.
        join({"v=0", "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com",
              "s=", "c=IN IP4 0.0.0.0", "t=0 0", "a=sendonly", "m=audio 49170 RTP/AVP 0 97",
              "a=rtpmap:97 iLBC/8000"},
             "\n"),
        // IPv6, a rejected video with a zero c=.
        join(
            {"v=0", "o=bob 2808844564 2808844564 IN IP6 2001:db8::2", "s=-", "c=IN IP6 2001:db8::2",
             "t=0 0", "m=audio 49172 RTP/AVP 0 8", "a=rtcp:49173 IN IP6 2001:db8::2", "a=rtcp-mux",
             "m=video 0 RTP/AVP 31", "c=IN IP6 ::"},
            "\r\n"),
        // RFC 8866's example and more: no session c=, i=, multicast, a port count, rejected
        // and T.38 sections.
        join(
            {"v=0", "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5", "s=SDP Seminar",
             "i=A Seminar on the session description protocol",
             "u=http://www.example.com/seminars/sdp.pdf", "e=j.doe@example.com (Jane Doe)",
             "t=2873397496 2873404696", "a=recvonly", "m=audio 49170 RTP/AVP 0", "i=the audio",
             "c=IN IP4 224.2.17.12/127", "m=video 51372/2 RTP/AVP 99", "c=IN IP4 224.2.17.12/127/3",
             "a=rtpmap:99 h263-1998/90000", "m=application 0 TCP/BFCP *", "m=image 4000 udptl t38",
             "c=IN IP4 10.47.16.5", "a=T38FaxVersion:0"},
            "\r\n"),
        // The last line without its line ending.
        "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=audio 5004 RTP/AVP 0",
        // Blank lines after the last one, ICE-lite at session level, ports at the top.
        join({"v=0", "o=- 7 7 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1", "t=0 0",
              "a=ice-lite", "m=audio 65534 RTP/AVP 0", "a=rtcp:65535", "m=audio 65535 RTP/AVP 8",
              "a=inactive", ""},
             "\r\n"),
        // Host names and IPv6 media in an IPv4 session.
        join({"v=0", "o=- 1 2 IN IP4 pbx.example.com", "s=-", "c=IN IP4 pbx.example.com", "t=0 0",
              "m=audio 7078 RTP/AVP 0 8 101", "c=IN IP6 2001:db8::10",
              "a=rtcp:7079 IN IP6 2001:db8::10", "m=text 7080 RTP/AVP 98", "a=rtpmap:98 t140/1000"},
             "\n"),
    };
    return kSeeds;
}

constexpr std::string_view kTokens[] = {
    "\r\n",       "\n",         "\r",         "v=0",
    "m=audio ",   "c=IN IP4 ",  "c=IN IP6 ",  "a=rtcp:",
    " IN IP4 ",   " IN IP6 ",   "IP6",        "0.0.0.0",
    "::",         "/2",         "/127/3",     "a=candidate:1 1 UDP 1 10.0.0.1 1 typ host",
    "a=ice-pwd:", "a=sendonly", "a=inactive", "a=rtcp-mux",
    "RTP/AVP",    " ",          "=",          "o=",
    "i=",         "a=",         "\r\n\r\n",   "  "};

// Whole lines to put anywhere.
constexpr std::string_view kLines[] = {"v=0",
                                       "o=- 1 1 IN IP4 192.0.2.1",
                                       "o=- 1 1 IN IP6 ::1",
                                       "o=x",
                                       "o=a b c IN IP4",
                                       "s=-",
                                       "t=0 0",
                                       "i=info",
                                       "b=AS:64",
                                       "c=IN IP4 192.0.2.1",
                                       "c=IN IP4 0.0.0.0",
                                       "c=IN IP6 ::",
                                       "c=IN IP6 2001:db8::1",
                                       "c=IN IP4 host.example",
                                       "c=IN IP4 224.2.1.1/127/3",
                                       "c=IN IP4 /127",
                                       "c=IN IP4",
                                       "c=IN IP7 1.2.3.4",
                                       "c=ATM NSAP x",
                                       "c=IN IP4 1.2.3.4 5",
                                       "m=audio 7000 RTP/AVP 0 8",
                                       "m=audio 0 RTP/AVP 0",
                                       "m=video 49170/2 RTP/AVP 31",
                                       "m=audio 65535 RTP/AVP 0",
                                       "m=audio 65536 RTP/AVP 0",
                                       "m=audio 7000/0 RTP/AVP 0",
                                       "m=audio 7000/ RTP/AVP 0",
                                       "m=audio 7000 RTP/AVP",
                                       "m=audio -1 RTP/AVP 0",
                                       "m=audio  7000  RTP/AVP  0",
                                       "a=rtcp:7001",
                                       "a=rtcp:7001 IN IP4 192.0.2.1",
                                       "a=rtcp:9 IN IP6 ::",
                                       "a=rtcp:9 IN IP4 0.0.0.0",
                                       "a=rtcp:",
                                       "a=rtcp",
                                       "a=rtcp:70000",
                                       "a=rtcp:1 IN",
                                       "a=rtcp:1 IN IP4 1.2.3.4 x",
                                       "a=rtcp-mux",
                                       "a=rtcp-fb:* nack",
                                       "a=candidate:1 1 UDP 2130706431 10.0.0.5 51472 typ host",
                                       "a=ice-ufrag:x",
                                       "a=ice-pwd:y",
                                       "a=ice-lite",
                                       "a=ice-options:trickle",
                                       "a=end-of-candidates",
                                       "a=remote-candidates:1 10.0.0.1 5000",
                                       "a=ice-mismatch",
                                       "a=sendrecv",
                                       "a=sendonly",
                                       "a=recvonly",
                                       "a=inactive",
                                       "a=sendonly:x",
                                       "a=ptime:20",
                                       "a=",
                                       "a=:",
                                       "x=unknown",
                                       "Z=upper",
                                       "=",
                                       "a",
                                       ""};

std::string connection(Rng& rng) {
    if (rng.one_in(3)) {
        static constexpr std::string_view kIp6[] = {
            "2001:db8::1", "::", "::1", "host6.example", "ff02::1/3", "::ffff:192.0.2.1"};
        return "c=IN IP6 " + std::string(rng.pick(kIp6));
    }
    static constexpr std::string_view kIp4[] = {"192.0.2.1",    "0.0.0.0",         "10.0.0.1",
                                                "host.example", "224.2.1.1/127/3", "1.2.3.4.5"};
    return "c=IN IP4 " + std::string(rng.pick(kIp4));
}

// An SDP from a grammar: the lines of RFC 8866 in their order, or near it.
std::string generate(Rng& rng) {
    std::vector<std::string> lines = {"v=0"};
    if (!rng.one_in(8))
        lines.push_back("o=- " + number(rng, 1u << 30) + " " + number(rng, 99) + " " +
                        connection(rng).substr(2));
    lines.push_back("s=-");
    const bool session_c = !rng.one_in(3);
    if (session_c) lines.push_back(connection(rng));
    lines.push_back("t=0 0");
    static constexpr std::string_view kSessionAttributes[] = {
        "a=ice-lite",           "a=ice-ufrag:abc", "a=sendonly",
        "a=recvonly",           "a=inactive",      "a=group:BUNDLE 0 1",
        "a=msid-semantic: WMS", "a=rtcp:5000",     "a=ice-options:trickle"};
    for (std::size_t n = rng.below(3); n > 0; --n) lines.emplace_back(rng.pick(kSessionAttributes));
    const std::size_t media = rng.one_in(40) ? 60 + rng.below(8) : rng.below(5);
    static constexpr std::string_view kMediaAttributes[] = {
        "a=rtpmap:0 PCMU/8000", "a=rtcp:",
        "a=rtcp-mux",           "a=candidate:1 1 UDP 2130706431 10.0.0.5 51472 typ host",
        "a=ice-ufrag:x",        "a=ice-pwd:y",
        "a=end-of-candidates",  "a=sendrecv",
        "a=sendonly",           "a=inactive",
        "a=ptime:20",           "a=mid:0",
        "a=fmtp:101 0-16"};
    for (std::size_t m = 0; m < media; ++m) {
        std::string line = "m=";
        line += rng.pick({"audio", "video", "application", "image", "text"});
        line += ' ';
        line += rng.one_in(4) ? number(rng, 65535) : std::to_string(1024 + rng.below(64000));
        if (rng.one_in(8)) line += "/" + number(rng, 4);
        line += ' ';
        line += rng.pick({"RTP/AVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "udptl", "TCP/BFCP"});
        for (std::size_t n = 1 + rng.below(4); n > 0; --n) line += " " + number(rng, 127);
        lines.push_back(std::move(line));
        if (rng.one_in(4)) lines.emplace_back("i=stream");
        if (!session_c || rng.one_in(3)) lines.push_back(connection(rng));
        for (std::size_t n = rng.below(6); n > 0; --n) {
            std::string attribute(rng.pick(kMediaAttributes));
            if (attribute == "a=rtcp:") {
                attribute += number(rng, 65535);
                if (rng.one_in(2)) attribute += " " + connection(rng).substr(2);
            }
            lines.push_back(std::move(attribute));
        }
    }
    const std::string_view eol = rng.pick({"\r\n"sv, "\n"sv});
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += lines[i];
        if (i + 1 < lines.size() || !rng.one_in(6)) out += eol;
    }
    if (rng.one_in(10)) out += eol;
    return out;
}

// An SDP as lines and their endings, for the mutations that work on lines.
struct Lines {
    std::vector<std::string> text;
    std::vector<std::string> eol;  // "\r\n", "\n", or "" for a last line without one

    explicit Lines(std::string_view s) {
        std::size_t pos = 0;
        while (pos < s.size()) {
            const std::size_t newline = s.find('\n', pos);
            std::string_view line = s.substr(
                pos, newline == std::string_view::npos ? std::string_view::npos : newline - pos);
            std::string ending;
            if (newline != std::string_view::npos) {
                ending = "\n";
                if (!line.empty() && line.back() == '\r') {
                    line.remove_suffix(1);
                    ending = "\r\n";
                }
            }
            text.emplace_back(line);
            eol.push_back(std::move(ending));
            pos = newline == std::string_view::npos ? s.size() : newline + 1;
        }
    }

    std::string joined() const {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            out += text[i];
            // A line that lost its ending in the middle would merge with the next one.
            out += eol[i].empty() && i + 1 < text.size() ? "\n" : eol[i];
        }
        return out;
    }

    std::string_view common_eol() const {
        return eol.empty() || eol[0].empty() ? "\r\n"sv : std::string_view(eol[0]);
    }

    void insert(std::size_t at, std::string line) {
        text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), std::move(line));
        eol.insert(eol.begin() + static_cast<std::ptrdiff_t>(at), std::string(common_eol()));
    }
    void erase(std::size_t at) {
        text.erase(text.begin() + static_cast<std::ptrdiff_t>(at));
        eol.erase(eol.begin() + static_cast<std::ptrdiff_t>(at));
    }
    // The m= lines' indexes.
    std::vector<std::size_t> media() const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i].starts_with("m=")) out.push_back(i);
        return out;
    }
};

// One field of a line changed: split at spaces as the parser does.
void mutate_field(Rng& rng, std::string& line) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while (pos <= line.size()) {
        const std::size_t space = line.find(' ', pos);
        fields.push_back(line.substr(pos, space == std::string::npos ? space : space - pos));
        if (space == std::string::npos) break;
        pos = space + 1;
    }
    const std::size_t f = rng.below(fields.size());
    switch (rng.below(6)) {
        case 0:
            fields[f] = std::string(rng.pick(kBoundaryNumbers));
            break;
        case 1:
            fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(f));
            break;
        case 2:
            fields.insert(fields.begin() + static_cast<std::ptrdiff_t>(f), fields[f]);
            break;
        case 3:
            fields[f] =
                std::string(rng.pick({"IN", "IP4", "IP6", "IP5", "in", "0.0.0.0",
                                      "::", "host.example", "1.2.3.4/1", "/", "", "RTP/AVP"}));
            break;
        case 4: {
            // A port with a count, or a port count on something else.
            fields[f] += "/" + std::string(rng.pick(kBoundaryNumbers));
            break;
        }
        default: {
            const auto runs = digit_runs(fields[f]);
            if (runs.empty()) break;
            const auto [begin, length] = runs[rng.below(runs.size())];
            fields[f].replace(begin, length, rng.pick(kBoundaryNumbers));
            break;
        }
    }
    const std::string_view glue = rng.one_in(8) ? "  "sv : " "sv;
    line.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) line += glue;
        line += fields[i];
    }
}

void mutate_structured(Context& c, std::string& s) {
    Rng& rng = c.rng;
    Lines lines(s);
    if (lines.text.empty()) {
        s = seeds()[rng.below(seeds().size())];
        return;
    }
    const std::size_t n = lines.text.size();
    const std::size_t i = rng.below(n);
    switch (rng.below(16)) {
        case 0:
            lines.erase(i);
            break;
        case 1:
            lines.insert(rng.below(n + 1), lines.text[i]);
            break;
        case 2:
            std::swap(lines.text[i], lines.text[rng.below(n)]);
            break;
        case 3:
        case 4:
            lines.insert(1 + rng.below(n), std::string(rng.pick(kLines)));
            break;
        case 5:
        case 6:
            mutate_field(rng, lines.text[i]);
            break;
        case 7: {
            // Line endings: all LF, all CRLF, or one of them odd.
            const std::size_t how = rng.below(3);
            if (how == 2) {
                lines.eol[i] = rng.pick({"\r", "", "\r\r\n", "\n\r", "\n", "\r\n"});
            } else {
                for (std::string& e : lines.eol)
                    if (!e.empty()) e = how == 0 ? "\n" : "\r\n";
            }
            break;
        }
        case 8:
            // Blank lines at the end, which are allowed, or in the middle, which are not.
            if (rng.one_in(2)) {
                if (lines.eol.back().empty()) lines.eol.back() = lines.common_eol();
                for (std::size_t k = 1 + rng.below(3); k > 0; --k) lines.insert(n, "");
            } else {
                lines.insert(1 + rng.below(n), "");
            }
            break;
        case 9:
            lines.eol.back() = rng.one_in(2) ? "" : std::string(lines.common_eol());
            break;
        case 10: {
            // A media section repeated, up to past max_media.
            const auto media = lines.media();
            if (media.empty()) break;
            const std::size_t m = rng.below(media.size());
            const std::size_t end = m + 1 < media.size() ? media[m + 1] : n;
            const std::vector<std::string> section(lines.text.begin() + media[m],
                                                   lines.text.begin() + end);
            const std::size_t target = 62 + rng.below(5);
            const std::size_t copies =
                rng.one_in(8) && target > media.size() ? target - media.size() : 1;
            for (std::size_t k = 0; k < copies; ++k)
                for (std::size_t l = 0; l < section.size(); ++l)
                    lines.insert(end + k * section.size() + l, section[l]);
            break;
        }
        case 11: {
            // An a=rtcp in a media section, short, long, or odd.
            const auto media = lines.media();
            if (media.empty()) break;
            std::string line = "a=rtcp:" + number(rng, 65535);
            if (rng.one_in(2)) line += " " + connection(rng).substr(2);
            if (rng.one_in(6)) line.insert(7, " ");
            const std::size_t at = media[rng.below(media.size())] + 1 + rng.below(3);
            lines.insert(std::min(at, lines.text.size()), std::move(line));
            break;
        }
        case 12: {
            // Lines up to around max_lines (rarely: such an input costs a hundred small ones).
            if (!rng.one_in(8)) break;
            const std::size_t target = sdp::Limits{}.max_lines + rng.below(5) - 2;
            if (n >= target) break;
            const auto at = static_cast<std::ptrdiff_t>(1 + rng.below(n));
            lines.text.insert(lines.text.begin() + at, target - n, "a=x");
            lines.eol.insert(lines.eol.begin() + at, target - n, std::string(lines.common_eol()));
            break;
        }
        case 13: {
            // Bytes up to around max_bytes, in one long attribute.
            if (!rng.one_in(8)) break;
            const std::size_t target = sdp::Limits{}.max_bytes + rng.below(5) - 2;
            const std::size_t size = lines.joined().size();
            const std::string_view eol = lines.common_eol();
            if (size + 3 + eol.size() < target)
                lines.insert(1 + rng.below(n),
                             "a=" + std::string(target - size - 2 - eol.size(), 'p'));
            break;
        }
        case 14:
            lines.text[i].insert(rng.below(lines.text[i].size() + 1), 1,
                                 rng.pick({'\0', '\r', '\n', ' ', '='}));
            break;
        default:
            // The media's port or c= address, the things that are rewritten.
            if (lines.text[i].starts_with("m=") || lines.text[i].starts_with("c="))
                mutate_field(rng, lines.text[i]);
            else
                lines.text[i] = connection(rng);
            break;
    }
    s = lines.joined();
}

// What relay_every_media() is asked, decided by the input itself so that --replay repeats it:
// mostly a plausible relay, sometimes an address of the other family or none, first ports at
// the top of the range (sections then get rejected) and every option.
struct RelayConfig {
    sdp::Family family = sdp::Family::ip4;
    std::string_view address;
    std::uint16_t first_port = 0;
    sdp::RewriteOptions options;
};

RelayConfig relay_config(std::string_view input) {
    static constexpr std::string_view kIp4[] = {"203.0.113.1", "10.0.0.1", "0.0.0.0",
                                                "255.255.255.255"};
    static constexpr std::string_view kIp6[] = {"2001:db8::1", "::", "::ffff:203.0.113.1",
                                                "fe80::1"};
    static constexpr std::string_view kBad[] = {"",          "relay.example", "203.0.113.1 ",
                                                "1.2.3.4.5", "::1::",         "203.0.113.1\0"sv};
    static constexpr std::uint16_t kPorts[] = {40000, 40000, 40000, 40000, 1,     2,     1024,
                                               30001, 65530, 65532, 65533, 65534, 65535, 0};
    std::uint64_t h = fnv1a(input);
    const auto bits = [&h](unsigned width) {
        const std::uint64_t value = h & ((std::uint64_t{1} << width) - 1);
        h >>= width;
        return static_cast<std::size_t>(value);
    };
    RelayConfig c;
    c.family = bits(1) ? sdp::Family::ip6 : sdp::Family::ip4;
    const auto& good = c.family == sdp::Family::ip6 ? kIp6 : kIp4;
    const std::size_t address = bits(6);
    if (address < 2)
        c.address = kBad[bits(4) % std::size(kBad)];
    else if (address < 4)
        c.address = (c.family == sdp::Family::ip6 ? kIp4 : kIp6)[bits(2)];
    else
        c.address = address < 40 ? good[0] : good[bits(2)];
    c.first_port = kPorts[bits(8) % std::size(kPorts)];
    c.options.replace_origin = bits(1);
    c.options.strip_ice = bits(2) != 0;
    c.options.add_rtcp_attribute = bits(2) != 0;
    return c;
}

bool is_ice_attribute(std::string_view name) {
    // sdp.hpp's list: what strip_ice drops.
    static constexpr std::string_view kIce[] = {
        "candidate",         "ice-ufrag",         "ice-pwd",  "ice-options",
        "end-of-candidates", "remote-candidates", "ice-lite", "ice-mismatch",
    };
    return std::find(std::begin(kIce), std::end(kIce), name) != std::end(kIce);
}

// The lines rewrite() promises to copy, in order: all but m=, c=, o=, a=rtcp and (when
// stripped) the ICE attributes.
std::vector<std::string_view> kept_lines(std::string_view text, bool strip_ice) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t newline = text.find('\n', pos);
        const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
        std::string_view line = text.substr(pos, end - pos);
        if (newline != std::string_view::npos && !line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        pos = newline == std::string_view::npos ? text.size() : newline + 1;
        if (line.starts_with("m=") || line.starts_with("c=") || line.starts_with("o=")) continue;
        if (line.starts_with("a=")) {
            const std::string_view value = line.substr(2);
            const std::string_view name = value.substr(0, value.find(':'));
            if (name == "rtcp" || (strip_ice && is_ice_attribute(name))) continue;
        }
        out.push_back(line);
    }
    return out;
}

// The positions that parse() records and rewrite() trusts.
void check_positions(const sdp::Session& s) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < s.lines.size(); ++i) {
        const sdp::Line& line = s.lines[i];
        FUZZ_CHECK(line.begin == pos);
        FUZZ_CHECK(line.eol <= 2 && (line.eol > 0 || i + 1 == s.lines.size()));
        pos += line.length + line.eol;
        FUZZ_CHECK(pos <= s.text.size());
    }
    FUZZ_CHECK(pos == s.text.size());
    const auto type = [&s](std::size_t i) { return i < s.lines.size() ? s.lines[i].type : 0; };
    for (std::size_t m = 0; m < s.media.size(); ++m) {
        const sdp::Media& media = s.media[m];
        FUZZ_CHECK(type(media.m_line) == 'm' && media.m_line < media.end_line &&
                   media.end_line <= s.lines.size());
        FUZZ_CHECK(m == 0 || s.media[m - 1].end_line == media.m_line);
        const sdp::Line& m_line = s.lines[media.m_line];
        FUZZ_CHECK(media.port_begin > m_line.begin &&
                   media.port_begin + media.port_length <= m_line.begin + m_line.length);
        FUZZ_CHECK(
            s.text.substr(media.port_begin, media.port_length).find_first_not_of("0123456789") ==
            std::string::npos);
        FUZZ_CHECK(std::to_string(media.port) ==
                   std::to_string(std::stoul(s.text.substr(media.port_begin, media.port_length))));
        if (media.c_line) FUZZ_CHECK(type(*media.c_line) == 'c');
        for (const std::size_t l : media.rtcp_lines)
            FUZZ_CHECK(type(l) == 'a' && l > media.m_line && l < media.end_line);
        FUZZ_CHECK(media.rejected() || s.connection_of(m));
    }
    if (s.c_line) FUZZ_CHECK(type(*s.c_line) == 'c' && s.connection);
    if (s.o_line) {
        FUZZ_CHECK(type(*s.o_line) == 'o' && s.origin);
        FUZZ_CHECK(s.text.compare(s.o_family_begin, 3, sdp::family_name(s.origin->family)) == 0);
    }
}

Outcome check(std::string_view input) {
    const RelayConfig config = relay_config(input);
    const sdp::ParseResult original = sdp::parse(input);
    const sdp::RewriteResult result = sdp::relay_every_media(input, config.family, config.address,
                                                             config.first_port, config.options);
    if (!original) {
        FUZZ_CHECK(!result, "rewritten though parse() refused it");
        FUZZ_CHECK(!original.error.reason.empty());
        FUZZ_CHECK(result.error == original.error.message(), result.error);
        return {Outcome::Kind::error, "parse: " + without_numbers(original.error.reason)};
    }
    const sdp::Session& before = *original.session;
    FUZZ_CHECK(before.text == input && before.media.size() <= sdp::Limits{}.max_media);
    check_positions(before);
    if (!result) {
        FUZZ_CHECK(!result.error.empty());
        return {Outcome::Kind::error, "rewrite: " + without_numbers(result.error)};
    }

    // The rewrite may add lines and bytes beyond what parse() takes from a peer.
    sdp::Limits unbounded;
    unbounded.max_bytes = std::numeric_limits<std::size_t>::max();
    unbounded.max_lines = std::numeric_limits<std::size_t>::max();
    const sdp::ParseResult again = sdp::parse(*result.sdp, unbounded);
    FUZZ_CHECK(again,
               "the rewritten SDP does not parse: " + again.error.message() + "\n" + *result.sdp);
    const sdp::Session& after = *again.session;
    FUZZ_CHECK(after.media.size() == before.media.size(), *result.sdp);
    check_positions(after);

    // The relay's ports in order, for the sections that are not rejected, until one would
    // need more than 65534.
    unsigned port = config.first_port;
    bool relayed_any = false;
    bool held_any = false;
    for (std::size_t m = 0; m < before.media.size(); ++m) {
        const sdp::Media& was = before.media[m];
        const sdp::Media& is = after.media[m];
        // Only built when a check fails.
        const auto which = [&result, m] {
            return "media section " + std::to_string(m + 1) + ":\n" + *result.sdp;
        };
        FUZZ_CHECK(is.type == was.type && is.proto == was.proto && is.formats == was.formats &&
                       is.port_count == was.port_count,
                   which());
        FUZZ_CHECK(is.rtcp_mux == was.rtcp_mux && after.direction_of(m) == before.direction_of(m),
                   which());
        FUZZ_CHECK(is.ice == (was.ice && !config.options.strip_ice), which());
        if (was.rejected()) {
            FUZZ_CHECK(is.rejected(), which());
            continue;
        }
        if (port > 65534) {
            FUZZ_CHECK(is.rejected(), which());
            continue;
        }
        relayed_any = true;
        FUZZ_CHECK(is.port == port, which());
        const sdp::Connection* c = after.connection_of(m);
        FUZZ_CHECK(c, which());
        if (before.held(m)) {
            held_any = true;
            FUZZ_CHECK(c->zero && c->family == before.connection_of(m)->family, which());
        } else {
            FUZZ_CHECK(c->family == config.family && c->address == config.address, which());
        }
        if (!was.rtcp_lines.empty() || config.options.add_rtcp_attribute) {
            FUZZ_CHECK(is.rtcp && is.rtcp->port == port + 1, which());
            // The long form stays long (with the relay's address), the short one short:
            // "a=rtcp: 5000" (a blank after the colon) is short (found by this fuzzer).
            if (was.rtcp)
                FUZZ_CHECK(is.rtcp->connection.has_value() == was.rtcp->connection.has_value(),
                           which());
            if (is.rtcp->connection && !before.held(m))
                FUZZ_CHECK(is.rtcp->connection->address == config.address, which());
        } else {
            FUZZ_CHECK(!is.rtcp, which());
        }
        port += 2;
    }
    FUZZ_CHECK(after.ice == (before.ice && !config.options.strip_ice), *result.sdp);
    FUZZ_CHECK(after.direction == before.direction, *result.sdp);
    FUZZ_CHECK(after.origin.has_value() == before.origin.has_value(), *result.sdp);
    if (before.origin) {
        const sdp::Origin& was = *before.origin;
        const sdp::Origin& is = *after.origin;
        FUZZ_CHECK(is.username == was.username && is.session_id == was.session_id &&
                       is.session_version == was.session_version,
                   *result.sdp);
        if (config.options.replace_origin && relayed_any)
            FUZZ_CHECK(is.family == config.family && is.address == config.address, *result.sdp);
        else
            FUZZ_CHECK(is.family == was.family && is.address == was.address, *result.sdp);
    }
    FUZZ_CHECK(kept_lines(*result.sdp, config.options.strip_ice) ==
                   kept_lines(input, config.options.strip_ice),
               "a line that is not rewritten changed or moved:\n" + *result.sdp);
    // Lines added take the first line's ending: an SDP with LF only stays so.
    if (input.find('\r') == std::string_view::npos)
        FUZZ_CHECK(result.sdp->find('\r') == std::string::npos, *result.sdp);

    std::string name = "ok: media " + std::to_string(std::min<std::size_t>(before.media.size(), 4));
    if (held_any) name += " held";
    if (!relayed_any) name += " none relayed";
    if (before.ice) name += " ice";
    if (config.family == sdp::Family::ip6) name += " ip6";
    return {Outcome::Kind::ok, std::move(name)};
}

}  // namespace sdp_fuzz

// ---- rtpproxy commands (rtpproxyd::parse_datagram) ---------------------------------------

namespace rtpproxy_fuzz {

using namespace rtpproxyd;

const std::vector<std::string>& seeds() {
    static const std::vector<std::string> kSeeds = {
        // Kamailio 5.6's rtpproxy module over UDP, a call from start to end.
        "10025_1 V\n",
        "10025_2 VF 20050322",
        "10025_3 VF 20081102",
        "10025_4 Uc0,8 call@x 10.0.0.2 7000 ft;1",
        "10025_5 UIE6Z20c0,8,101 a84b4c76e66710@pc33.atlanta.com 2001:db8::2 49170 1928301774;1",
        "10025_6 Lc0,8,101 a84b4c76e66710@pc33.atlanta.com 10.0.0.3 6000 1928301774;1 "
        "a6c85cf;1",
        "10025_7 D a84b4c76e66710@pc33.atlanta.com 1928301774 a6c85cf",
        "10025_8 Dw call@x ft",
        // Notification sockets: 8 arguments, and 7 without a to-tag.
        "1_1 U 1-10054@127.0.0.2 127.0.0.2 7000 10054SIPpTag001;1 10048SIPpTag011;1 "
        "unix:/run/notify.sock 1-10054%40127.0.0.2",
        "1_2 Uc8 call;z9hG4bK776 192.0.2.1 0 ft;2 %%CC_SELF%% tag%20x",
        // Every modifier letter of U and L.
        "1_3 UL10.0.0.1R[2001:db8::1]N call 0.0.0.0 7000 ft;1",
        "1_4 UAWS6n call ::ffff:10.0.0.1 65535 ft;3",
        "1_5 UasweiZ999c127,,0 call 10.0.0.2 1 ft;999999999 tt;1",
        // The other commands.
        "2_1 Q call ft;1 tt;1",
        "2_2 Qv call ft tt packets_in packets_out rtpa_nsent rtpa_nrcvd",
        "2_3 I",
        "2_4 Ib",
        "2_5 Il",
        "2_6 Ibl\n",
        "2_7 G",
        "2_8 Gv nsess_created npkts_rcvd",
        "2_9 X",
        "3_1 R call ft tt",
        "3_2 Rs call ft",
        "3_3 P3 call /var/moh.wav session ft;1 tt;1",
        "3_4 P call prompt 0,8 ft",
        "3_5 S call ft;1 tt;1",
        "3_6 C call /tmp/rec ft tt",
        "3_7 Csp call udp:10.0.0.9:5000 ft tt",
        "3_8 N call ft",
        "3_9 Na call ft tt",
        // A subcommand, odd blanks, no cookie (Kamailio's unix: socket).
        "5_1 U call 10.0.0.1 7000 ft && G nsess_created",
        "  D \t cid\t\tft  \r\n tt \n\n",
        "Uc0,8 call@x 10.0.0.2 7000 ft;1\n",
        "VF 20040107",
    };
    return kSeeds;
}

constexpr std::string_view kTokens[] = {
    "U",
    "L",
    "D",
    "V",
    "VF",
    "Q",
    "I",
    "G",
    "X",
    "R",
    "P",
    "S",
    "C",
    "N",
    "Uc0,8",
    "UIE6",
    "Z20",
    "c0,8,101",
    "&&",
    " && ",
    "%%CC_SELF%%",
    "unix:/run/x.sock",
    "10.0.0.2",
    "2001:db8::1",
    "::",
    "0.0.0.0",
    "::ffff:1.2.3.4",
    "[::1]",
    "255.255.255.255",
    "256.1.1.1",
    "ft;1",
    "tt;2",
    ";",
    ";999999999",
    ";1234567890",
    "%41",
    "%",
    "%4",
    "%zz",
    "20040107",
    "20050322",
    "7000",
    "session",
    "nsess_created",
    "\t",
    "\r\n",
    " ",
    "&",
};

constexpr std::string_view kCallIds[] = {
    "a84b4c76e66710@pc33.atlanta.com",
    "1-10054@127.0.0.2",
    "call@x",
    "cid",
    "3c26700b4f2b-nd7kvv;z9hG4bK776asdhds",
    "x;1",
    ";",
    "%%CC_SELF%%",
    "@",
    "0",
};
constexpr std::string_view kAddresses[] = {"10.0.0.2",
                                           "127.0.0.1",
                                           "0.0.0.0",
                                           "255.255.255.255",
                                           "192.0.2.1",
                                           "2001:db8::1",
                                           "::",
                                           "::1",
                                           "::ffff:10.0.0.1",
                                           "2001:0DB8:0::0001",
                                           "fe80::1%eth0",
                                           "[2001:db8::1]",
                                           "1.2.3",
                                           "1.2.3.4.5",
                                           "256.1.1.1",
                                           "01.2.3.4",
                                           "1::2::3",
                                           "abcd",
                                           "host.example",
                                           "1.2.3.4:5000",
                                           "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
                                           "0000:0000:0000:0000:0000:ffff:255.255.255.255"};
constexpr std::string_view kTagNames[] = {
    "1928301774", "a6c85cf", "10054SIPpTag001", "ft", "tt", "t", "", "%41", "tag;x"};
constexpr std::string_view kSockets[] = {"unix:/run/notify.sock", "%%CC_SELF%%",
                                         "udp:10.0.0.9:5000", "tcp:[::1]:22222", "/tmp/x"};
constexpr std::string_view kNotifyTags[] = {
    "1-10054%40127.0.0.2", "tag%20x", "%", "%4", "%zz", "%%", "%41%42", "plain", "%0", "x%"};
constexpr std::string_view kStats[] = {"nsess_created", "npkts_rcvd", "packets_in",
                                       "packets_out",   "rtpa_nsent", "rtpa_nrcvd",
                                       "rtpa_nlost",    "ttl",        "unknown_stat"};

// The modifiers of U and L: every letter sippy knows, with their arguments right or wrong.
std::string stream_modifiers(Rng& rng) {
    std::string out;
    for (std::size_t pieces = rng.below(7); pieces > 0; --pieces) {
        switch (rng.below(12)) {
            case 0:
            case 1:
                out += rng.pick({'a', 's', 'w', '6', 'n', 'A', 'S', 'W', 'N'});
                break;
            case 2:
                out += rng.pick({'i', 'e', 'I', 'E'});
                break;
            case 3:
                out += rng.pick({'z', 'Z'});
                if (!rng.one_in(6)) out += number(rng, 999);
                break;
            case 4:
            case 5: {
                out += rng.pick({'c', 'C'});
                for (std::size_t n = rng.below(5); n > 0; --n) {
                    out += number(rng, 127);
                    if (n > 1) out += ',';
                }
                break;
            }
            case 6:
            case 7: {
                out += rng.pick({'l', 'L', 'r', 'R'});
                if (rng.one_in(3))
                    out +=
                        "[" + std::string(rng.pick({"2001:db8::1", "::", "::1", "fe80::"})) + "]";
                else if (rng.one_in(4))
                    out += rng.pick({"[", "[]", "[::1", "[::1]x", "1.2.3.", "", "999.1.1.1",
                                     "[1.2.3.4]", "[g::1]"});
                else
                    out += rng.pick({"10.0.0.1", "127.0.0.1", "0.0.0.0", "1.2.3.4"});
                break;
            }
            default:
                out += static_cast<char>(rng.one_in(2) ? 'a' + rng.below(26) : '!' + rng.below(94));
                break;
        }
    }
    return out;
}

// The command token: the letter, in either case, and modifiers.
std::string command_token(Rng& rng, std::string_view command) {
    std::string out;
    for (const char c : command) out += rng.one_in(4) ? static_cast<char>(c - 'A' + 'a') : c;
    if (command == "U" || command == "L") {
        if (!rng.one_in(4)) out += stream_modifiers(rng);
        return out;
    }
    if (!rng.one_in(3)) return out;
    // The letters each command takes (and what sippy would take for another command).
    std::string_view letters = "x";
    switch (command[0]) {
        case 'D':
            letters = "wW";
            break;
        case 'R':
        case 'C':
            letters = "sSpP";
            break;
        case 'N':
            letters = "aA";
            break;
        case 'P':
            letters = "0123456789";
            break;
        case 'Q':
        case 'G':
            letters = "vV";
            break;
        case 'I':
            letters = "bBlL";
            break;
        case 'V':
            letters = "fF";
            break;
    }
    for (std::size_t n = 1 + rng.below(4); n > 0; --n)
        out += rng.one_in(4) ? static_cast<char>('!' + rng.below(94))
                             : letters[rng.below(letters.size())];
    return out;
}

// An argument of the kind a command expects at that place.
std::string argument(Rng& rng, char kind) {
    switch (kind) {
        case 'c':
            return rng.one_in(5) ? random_token(rng, 40) : std::string(rng.pick(kCallIds));
        case 'a':
            return std::string(rng.pick(kAddresses));
        case 'p':
            return number(rng, 65535);
        case 't': {
            std::string tag(rng.pick(kTagNames));
            if (!rng.one_in(3))
                tag += ";" + (rng.one_in(4) ? std::string(rng.pick(kBoundaryNumbers))
                                            : std::to_string(1 + rng.below(9)));
            return tag;
        }
        case 's':
        case 'o':
            return std::string(rng.pick(kSockets));
        case 'n':
            return std::string(rng.pick(kNotifyTags));
        case 'r':
            return std::string(rng.pick({"/var/moh.wav", "prompt", "session"}));
        case 'k':
            return std::string(rng.pick({"0,8", "session", "0,8,101", ",", "128"}));
        case 'q':
            return std::string(rng.pick(kStats));
        case 'd':
            return std::string(rng.pick({"20040107", "20050322", "20071116", "20081102", "20191015",
                                         "20991231", "2008040"}));
        default:
            return random_token(rng);
    }
}

// Commands and their arguments, one letter each: c call-id, a address, p port, t tag,
// s notify socket, n notify tag, o copy target, r prompt, k codecs, q statistic, d date.
struct Shape {
    std::string_view command;
    std::string_view arguments;
};
constexpr Shape kShapes[] = {
    {"U", "capt"}, {"U", "captt"}, {"U", "capttsn"}, {"U", "captsn"}, {"L", "capt"}, {"L", "captt"},
    {"D", "ct"},   {"D", "ctt"},   {"R", "ctt"},     {"C", "cott"},   {"N", "ct"},   {"P", "crktt"},
    {"S", "ctt"},  {"Q", "ctt"},   {"Q", "cttqqq"},  {"V", ""},       {"VF", "d"},   {"I", ""},
    {"X", ""},     {"G", ""},      {"G", "qq"},      {"K", "c"},      {"E", ""}};

std::string_view separator(Rng& rng) {
    return rng.one_in(8) ? rng.pick({"\t"sv, "  "sv, "\r\n"sv, " \t "sv, "\n"sv}) : " "sv;
}

std::string generate(Rng& rng) {
    std::string out;
    if (!rng.one_in(3)) {
        out += rng.one_in(5)
                   ? random_token(rng)
                   : std::to_string(rng.below(100000)) + "_" + std::to_string(rng.below(1000));
        out += separator(rng);
    }
    const std::size_t groups = rng.one_in(12) ? 2 : 1;
    for (std::size_t g = 0; g < groups; ++g) {
        if (g > 0) {
            out += separator(rng);
            out += "&&";
            out += separator(rng);
        }
        const Shape shape = rng.pick(kShapes);
        out += command_token(rng, shape.command);
        // The wrong number of arguments too, and more than kMaxTokens.
        std::string arguments(shape.arguments);
        if (rng.one_in(6) && !arguments.empty()) arguments.erase(rng.below(arguments.size()), 1);
        if (rng.one_in(6)) arguments += rng.pick({'c', 'a', 'p', 't', 'q'});
        if (rng.one_in(40)) arguments.append(kMaxTokens - 4 + rng.below(8), 'q');
        for (const char kind : arguments) {
            out += separator(rng);
            out += argument(rng, kind);
        }
    }
    out += rng.pick({"", "\n", "\r\n", " ", "\n\n"});
    return out;
}

bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A command split as the parser splits it, the separators kept so that a mutation changes one
// thing at a time: separators[i] comes before tokens[i], the last one ends the command.
struct Tokens {
    std::vector<std::string> separators;
    std::vector<std::string> tokens;

    explicit Tokens(std::string_view s) {
        std::string separator;
        for (std::size_t i = 0; i < s.size();) {
            if (is_separator(s[i])) {
                separator += s[i++];
                continue;
            }
            std::size_t end = i;
            while (end < s.size() && !is_separator(s[end])) ++end;
            separators.push_back(std::move(separator));
            separator.clear();
            tokens.emplace_back(s.substr(i, end - i));
            i = end;
        }
        separators.push_back(std::move(separator));
    }

    std::string joined() const {
        std::string out;
        for (std::size_t i = 0; i < tokens.size(); ++i) out += separators[i] + tokens[i];
        return out + separators.back();
    }
    void insert(std::size_t at, std::string token) {
        tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(at), std::move(token));
        separators.insert(separators.begin() + static_cast<std::ptrdiff_t>(at), " ");
    }
    void erase(std::size_t at) {
        tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(at));
        // Keep the leading blanks of the command.
        separators.erase(separators.begin() + static_cast<std::ptrdiff_t>(at == 0 ? 1 : at));
    }
};

void mutate_structured(Context& c, std::string& s) {
    Rng& rng = c.rng;
    Tokens t(s);
    if (t.tokens.empty()) {
        s = generate(rng);
        return;
    }
    const std::size_t n = t.tokens.size();
    const std::size_t i = rng.below(n);
    switch (rng.below(13)) {
        case 0:
            std::swap(t.tokens[i], t.tokens[rng.below(n)]);
            break;
        case 1:
            t.insert(i + 1, t.tokens[i]);
            break;
        case 2:
            t.erase(i);
            break;
        case 3:
            t.tokens[i] = std::string(rng.pick(kTokens));
            break;
        case 4:
            t.tokens[i] = argument(rng, rng.pick({'c', 'a', 'p', 't', 's', 'n', 'q', 'd', 'x'}));
            break;
        case 5: {
            // New modifiers for the command, which is the first or (after a cookie) the second
            // token.
            const std::size_t at = rng.below(std::min<std::size_t>(n, 2));
            const char letter = t.tokens[at][0];
            t.tokens[at] = std::string(1, letter) +
                           (rng.one_in(2) ? stream_modifiers(rng)
                                          : command_token(rng, rng.pick(kShapes).command));
            break;
        }
        case 6: {
            const auto runs = digit_runs(t.tokens[i]);
            if (runs.empty()) break;
            const auto [begin, length] = runs[rng.below(runs.size())];
            t.tokens[i].replace(begin, length, rng.pick(kBoundaryNumbers));
            break;
        }
        case 7:
            // Another separator, or none: two tokens become one.
            t.separators[rng.below(t.separators.size())] =
                rng.one_in(4) ? "" : std::string(separator(rng));
            break;
        case 8:
            t.insert(rng.below(n + 1), "&&");
            if (rng.one_in(2)) t.insert(rng.below(n + 2), command_token(rng, "G"));
            break;
        case 9: {
            // The whole command around kMaxCommandBytes, in one long token.
            const std::size_t size = t.joined().size();
            const std::size_t target = kMaxCommandBytes + rng.below(5) - 2;
            if (size < target) t.tokens[i].append(target - size, rng.pick({'x', '9', '%'}));
            break;
        }
        case 10: {
            // Around kMaxTokens arguments.
            const std::size_t target = kMaxTokens - 1 + rng.below(4);
            while (t.tokens.size() < target) t.insert(t.tokens.size(), "x");
            break;
        }
        case 11:
            t.tokens[i].insert(rng.below(t.tokens[i].size() + 1), 1, '\0');
            break;
        default:
            for (char& ch : t.tokens[i])
                if (ch >= 'a' && ch <= 'z')
                    ch = static_cast<char>(ch - 'a' + 'A');
                else if (ch >= 'A' && ch <= 'Z')
                    ch = static_cast<char>(ch - 'A' + 'a');
            break;
    }
    s = t.joined();
}

// The names of Command's alternatives, in its order.
constexpr std::string_view kCommandNames[] = {"V", "VF", "U", "L", "D", "R", "C",
                                              "N", "P",  "S", "Q", "I", "X", "G"};
static_assert(std::size(kCommandNames) == std::variant_size_v<Command>);

bool same_call(const CallTags& a, const CallTags& b) {
    return a.call_id == b.call_id && a.from_tag == b.from_tag && a.to_tag == b.to_tag;
}

bool same_stream(const StreamRequest& a, const StreamRequest& b) {
    return a.modifiers == b.modifiers && a.call_id == b.call_id &&
           a.remote_address == b.remote_address && a.remote_port == b.remote_port &&
           a.from_tag == b.from_tag && a.to_tag == b.to_tag;
}

// Whether two results say the same: the commands have no operator== of their own.
bool same(const ParseResult& a, const ParseResult& b) {
    if (a.cookie != b.cookie || a.result.index() != b.result.index()) return false;
    if (const auto* error = std::get_if<Error>(&a.result))
        return *error == std::get<Error>(b.result);
    const Command& x = std::get<Command>(a.result);
    const Command& y = std::get<Command>(b.result);
    if (x.index() != y.index()) return false;
    return std::visit(
        [&y](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            const T& q = std::get<T>(y);
            if constexpr (std::is_same_v<T, Update>) {
                return same_stream(p, q) && p.notify == q.notify;
            } else if constexpr (std::is_same_v<T, Lookup>) {
                return same_stream(p, q);
            } else if constexpr (std::is_same_v<T, VersionFeature>) {
                return p.date == q.date;
            } else if constexpr (std::is_same_v<T, Delete>) {
                return same_call(p, q) && p.weak == q.weak;
            } else if constexpr (std::is_same_v<T, Record>) {
                return same_call(p, q) && p.single_file == q.single_file;
            } else if constexpr (std::is_same_v<T, Copy>) {
                return same_call(p, q) && p.single_file == q.single_file &&
                       p.reply_port == q.reply_port && p.target == q.target;
            } else if constexpr (std::is_same_v<T, NoRecord>) {
                return same_call(p, q) && p.all == q.all;
            } else if constexpr (std::is_same_v<T, Play>) {
                return same_call(p, q) && p.count == q.count && p.prompt == q.prompt &&
                       p.codecs == q.codecs;
            } else if constexpr (std::is_same_v<T, NoPlay>) {
                return same_call(p, q);
            } else if constexpr (std::is_same_v<T, Query>) {
                return same_call(p, q) && p.verbose == q.verbose && p.stats == q.stats;
            } else if constexpr (std::is_same_v<T, Info>) {
                return p.brief == q.brief && p.load == q.load;
            } else if constexpr (std::is_same_v<T, Statistics>) {
                return p.verbose == q.verbose && p.names == q.names;
            } else {
                static_assert(std::is_same_v<T, Version> || std::is_same_v<T, DeleteAll>);
                return true;
            }
        },
        x);
}

bool is_token(std::string_view s) {
    return !s.empty() &&
           std::none_of(s.begin(), s.end(), [](char ch) { return is_separator(ch) || ch == '\0'; });
}

void check_address(const Address& address) {
    const std::string text = format_address(address);
    const auto back = parse_address(text);
    FUZZ_CHECK(back && *back == address, text);
}

void check_stream(const StreamRequest& r) {
    FUZZ_CHECK(is_token(r.call_id));
    const StreamModifiers& m = r.modifiers;
    FUZZ_CHECK(!m.ptime || (*m.ptime >= 1 && *m.ptime <= 999));
    FUZZ_CHECK(
        std::all_of(m.codecs.begin(), m.codecs.end(), [](std::uint8_t pt) { return pt <= 127; }));
    FUZZ_CHECK(!m.receiver_network || m.sender_network);
    check_address(r.remote_address);
    if (m.local_address) check_address(*m.local_address);
    if (m.route_to) check_address(*m.route_to);
}

// The reply body the daemon would send for a parsed command that succeeded, formatted by
// the functions of the header.
std::string reply_body(const Command& command) {
    return std::visit(
        [](const auto& c) -> std::string {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, Update> || std::is_same_v<T, Lookup>) {
                check_stream(c);
                const std::string reply = format_port_reply(c.remote_port, c.remote_address);
                FUZZ_CHECK(reply.starts_with(std::to_string(c.remote_port) + " "), reply);
                FUZZ_CHECK(reply.ends_with(" 6") == c.remote_address.ipv6, reply);
                return reply;
            } else if constexpr (std::is_same_v<T, VersionFeature>) {
                const auto reply = format_feature_reply(c.date, FeatureSet::kernel_relay());
                FUZZ_CHECK(reply == "0" || reply == "1");
                return std::string(reply);
            } else if constexpr (std::is_same_v<T, Version>) {
                return std::string(format_version());
            } else {
                if constexpr (std::is_base_of_v<CallTags, T>) FUZZ_CHECK(is_token(c.call_id));
                return std::string(format_ok());
            }
        },
        command);
}

// One parse, its reply formatted and framed; returns its class.
std::string check_one(std::string_view input, const ParseResult& r, Cookie cookie) {
    FUZZ_CHECK(cookie == Cookie::expected || r.cookie.empty(), r.cookie);
    FUZZ_CHECK(r.cookie.empty() || is_token(r.cookie), r.cookie);
    FUZZ_CHECK(r.cookie.size() <= kMaxCommandBytes);
    if (input.size() > kMaxCommandBytes)
        FUZZ_CHECK(std::holds_alternative<Error>(r.result) &&
                   std::get<Error>(r.result) == Error::too_long);
    std::string body;
    std::string name;
    if (const auto* error = std::get_if<Error>(&r.result)) {
        body = format_error(*error);
        FUZZ_CHECK(body == "E" + std::to_string(error_code(*error)), body);
        FUZZ_CHECK(!error_meaning(*error).empty());
        name = body + "/" + std::to_string(static_cast<unsigned>(*error));
    } else {
        const Command& command = std::get<Command>(r.result);
        body = reply_body(command);
        name = kCommandNames[command.index()];
        if (const auto* s = std::get_if<Update>(&command); s && s->notify) name += "+notify";
        if (const auto* s = std::get_if<Update>(&command); s && s->to_tag) name += "+to";
        if (const auto* s = std::get_if<Lookup>(&command); s && s->to_tag) name += "+to";
    }
    const std::string reply = frame_reply(r.cookie, body);
    FUZZ_CHECK(reply.ends_with('\n') &&
                   reply.size() == (r.cookie.empty() ? 0 : r.cookie.size() + 1) + body.size() + 1,
               reply);
    FUZZ_CHECK(r.cookie.empty() || reply.starts_with(r.cookie + " "), reply);
    return name;
}

Outcome check(std::string_view input) {
    const ParseResult with_cookie = parse_datagram(input, Cookie::expected);
    const ParseResult without = parse_datagram(input, Cookie::absent);
    std::string name = check_one(input, with_cookie, Cookie::expected) + " | " +
                       check_one(input, without, Cookie::absent);
    // Blanks at the end do not count, and a cookie is only the first token.
    if (input.size() + 2 <= kMaxCommandBytes) {
        const std::string terminated = std::string(input) + "\r\n";
        FUZZ_CHECK(same(parse_datagram(terminated, Cookie::expected), with_cookie),
                   "a trailing CRLF changed the result with a cookie");
        FUZZ_CHECK(same(parse_datagram(terminated, Cookie::absent), without),
                   "a trailing CRLF changed the result without a cookie");
        ParseResult prefixed = parse_datagram("c " + std::string(input), Cookie::expected);
        FUZZ_CHECK(prefixed.cookie == "c", prefixed.cookie);
        prefixed.cookie.clear();
        FUZZ_CHECK(same(prefixed, without), "a cookie before the command changed its result");
    }
    const bool ok = std::holds_alternative<Command>(with_cookie.result) ||
                    std::holds_alternative<Command>(without.result);
    return {ok ? Outcome::Kind::ok : Outcome::Kind::error, std::move(name)};
}

}  // namespace rtpproxy_fuzz

// ---- ng datagrams (ng::parse_datagram) and bencode -----------------------------------------

namespace ng_fuzz {

using rtpproxyd::bencode::Entry;
using rtpproxyd::bencode::Value;
namespace bencode = rtpproxyd::bencode;
namespace ng = rtpproxyd::ng;
namespace sdp = rtpproxyd::sdp;

// Keys as Kamailio and OpenSIPS spell them, and as rtpengine also takes them.
constexpr std::string_view kKeys[] = {"command",
                                      "call-id",
                                      "call id",
                                      "Call_ID",
                                      "callid",
                                      "from-tag",
                                      "from tag",
                                      "FROM-TAG",
                                      "to-tag",
                                      "via-branch",
                                      "sdp",
                                      "SDP",
                                      "flags",
                                      "replace",
                                      "direction",
                                      "received-from",
                                      "received from",
                                      "address family",
                                      "address-family",
                                      "media address",
                                      "media-address",
                                      "ICE",
                                      "ice",
                                      "TOS",
                                      "delete-delay",
                                      "delete delay",
                                      "record call",
                                      "record-call",
                                      "label",
                                      "supports",
                                      "transport protocol",
                                      "transport-protocol",
                                      "rtcp-mux",
                                      "rtcp mux",
                                      "limit",
                                      "codec",
                                      "unknown",
                                      "",
                                      "a-key-longer-than-any-that-is-read"};

constexpr std::string_view kStrings[] = {"ping",
                                         "offer",
                                         "answer",
                                         "delete",
                                         "query",
                                         "list",
                                         "statistics",
                                         "start recording",
                                         "",
                                         "trust-address",
                                         "SIP-source-address",
                                         "symmetric",
                                         "asymmetric",
                                         "strict-source",
                                         "media-handover",
                                         "port-latching",
                                         "no-port-latching",
                                         "no-rtcp-attribute",
                                         "full-rtcp-attribute",
                                         "record-call",
                                         "reset",
                                         "fatal",
                                         "fast",
                                         "origin",
                                         "session-connection",
                                         "SDP version",
                                         "IP4",
                                         "IP6",
                                         "IP5",
                                         "192.0.2.1",
                                         "2001:db8::1",
                                         "::",
                                         "0.0.0.0",
                                         "1.2.3.4.5",
                                         "yes",
                                         "no",
                                         "on",
                                         "off",
                                         "remove",
                                         "force",
                                         "load limit",
                                         "load-limit",
                                         "internal",
                                         "external",
                                         "RTP/AVP",
                                         "RTP/SAVPF",
                                         "demux",
                                         "accept",
                                         "0",
                                         "30",
                                         "-1",
                                         "00",
                                         "abc"};

constexpr std::int64_t kIntegers[] = {0,
                                      1,
                                      -1,
                                      184,
                                      255,
                                      256,
                                      65535,
                                      65536,
                                      2147483647,
                                      -30,
                                      std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};

constexpr std::string_view kTokens[] = {"d",
                                        "e",
                                        "l",
                                        "i",
                                        "i0e",
                                        "i-1e",
                                        "0:",
                                        "1:",
                                        "999999999:",
                                        "7:command",
                                        "4:ping",
                                        "5:offer",
                                        "6:answer",
                                        "3:sdp",
                                        "7:call-id",
                                        "8:from-tag",
                                        "6:to-tag",
                                        "5:flags",
                                        "le",
                                        "de",
                                        "llee",
                                        "dde",
                                        " ",
                                        "{",
                                        "\r\n",
                                        "i9223372036854775807e",
                                        "i9223372036854775808e",
                                        "i-9223372036854775808e",
                                        "i-0e",
                                        "i03e",
                                        "ie",
                                        "01:",
                                        "18446744073709551616:"};

// Sizes at which the ng layer refuses: the cookie and the datagram.
constexpr std::size_t kLimits[] = {ng::kMaxCookie + 1, ng::kMaxMessage};

std::string some_sdp(Rng& rng) {
    if (rng.one_in(3)) return sdp_fuzz::generate(rng);
    return sdp_fuzz::seeds()[rng.below(sdp_fuzz::seeds().size())];
}

Value random_value(Rng& rng, std::size_t depth) {
    switch (rng.below(depth > 3 ? 2 : 5)) {
        case 0:
            if (rng.one_in(8)) return Value(some_sdp(rng));
            if (rng.one_in(6)) return Value(rng.pick(kBoundaryNumbers));
            return Value(rng.pick(kStrings));
        case 1:
            return Value(rng.pick(kIntegers));
        case 2: {
            Value::List list;
            for (std::size_t n = rng.below(4); n > 0; --n)
                list.push_back(random_value(rng, depth + 1));
            return Value(std::move(list));
        }
        case 3: {
            Value::Dictionary dictionary;
            for (std::size_t n = rng.below(4); n > 0; --n)
                dictionary.push_back({std::string(rng.pick(kKeys)), random_value(rng, depth + 1)});
            return Value(std::move(dictionary));
        }
        default: {
            std::string bytes;
            for (std::size_t n = rng.below(16); n > 0; --n) bytes += static_cast<char>(rng.next());
            return Value(std::move(bytes));
        }
    }
}

Value strings(std::initializer_list<std::string_view> items) {
    Value::List list;
    for (const std::string_view item : items) list.emplace_back(item);
    return Value(std::move(list));
}

std::string datagram(std::string_view cookie, Value::Dictionary dictionary) {
    return std::string(cookie) + " " + bencode::encode(Value(std::move(dictionary)));
}

const std::vector<std::string>& seeds() {
    static const std::vector<std::string> kSeeds = [] {
        const auto& sdps = sdp_fuzz::seeds();
        std::vector<std::string> out = {
            // Kamailio 5.6's rtpengine module: offer, answer, query, delete.
            datagram("1_27356_5", {{"supports", strings({"load limit"})},
                                   {"sdp", sdps[0]},
                                   {"replace", strings({"origin", "session-connection"})},
                                   {"call-id", "a84b4c76e66710@pc33.atlanta.com"},
                                   {"via-branch", "z9hG4bK776asdhds"},
                                   {"received-from", strings({"IP4", "192.0.2.10"})},
                                   {"from-tag", "1928301774"},
                                   {"command", "offer"}}),
            datagram("1_27356_6",
                     {{"supports", strings({"load limit"})},
                      {"sdp", sdps[1]},
                      {"flags", strings({"trust-address", "port-latching", "no-rtcp-attribute"})},
                      {"ICE", "remove"},
                      {"direction", strings({"internal", "external"})},
                      {"transport-protocol", "RTP/AVP"},
                      {"rtcp-mux", strings({"demux"})},
                      {"call-id", "a84b4c76e66710@pc33.atlanta.com"},
                      {"received-from", strings({"IP4", "192.0.2.20"})},
                      {"from-tag", "1928301774"},
                      {"to-tag", "a6c85cf"},
                      {"command", "answer"}}),
            datagram("1_27356_7", {{"call-id", "a84b4c76e66710@pc33.atlanta.com"},
                                   {"from-tag", "1928301774"},
                                   {"command", "query"}}),
            datagram("1_27356_8", {{"call-id", "a84b4c76e66710@pc33.atlanta.com"},
                                   {"from-tag", "1928301774"},
                                   {"to-tag", "a6c85cf"},
                                   {"delete-delay", 0},
                                   {"flags", strings({"fatal"})},
                                   {"command", "delete"}}),
            // OpenSIPS: IPv6, a media address, TOS, a label, recording, the delay as a string.
            datagram("6_1", {{"command", "offer"},
                             {"call-id", "c6@host"},
                             {"from-tag", "f6"},
                             {"sdp", sdps[4]},
                             {"address family", "IP6"},
                             {"media address", "2001:db8::7"},
                             {"TOS", 184},
                             {"label", "caller"},
                             {"record call", "yes"},
                             {"delete delay", "30"},
                             {"flags", strings({"SIP source address", "asymmetric"})}}),
            datagram("7_1", {{"command", "list"}, {"limit", 32}}),
            datagram("7_2", {{"command", "statistics"}}),
            datagram("7_3", {{"command", "start recording"}, {"call-id", "x"}}),
            // Nesting, as rtpengine's codec options have it.
            datagram("7_4", {{"command", "offer"},
                             {"call-id", "c"},
                             {"from-tag", "f"},
                             {"sdp", sdps[2]},
                             {"codec", Value::Dictionary{{"strip", strings({"all"})},
                                                         {"transcode", strings({"PCMA"})}}},
                             {"ICE", "force"}}),
            "5323_1 d7:command4:pinge",
            "abc d7:command4:pinge\r\n",
            "x d3:sdp1: e",
            "abc d7:command6:recorde",
        };
        return out;
    }();
    return kSeeds;
}

std::string generate(Rng& rng) {
    Value::Dictionary d;
    d.push_back({"command", Value(rng.pick({"ping", "offer", "answer", "delete", "query", "list",
                                            "statistics", "start recording", "PING", ""}))});
    for (std::size_t n = rng.below(8); n > 0; --n) {
        const std::string_view key = rng.pick(kKeys);
        Value value = random_value(rng, 0);
        if (key == "sdp" && rng.one_in(2)) value = Value(some_sdp(rng));
        d.insert(d.begin() + static_cast<std::ptrdiff_t>(rng.below(d.size() + 1)),
                 {std::string(key), std::move(value)});
    }
    std::string cookie = std::to_string(rng.below(100000)) + "_" + std::to_string(rng.below(100));
    if (rng.one_in(16)) cookie.assign(ng::kMaxCookie + rng.below(3) - 1, 'c');
    std::string out = cookie + " " + bencode::encode(Value(std::move(d)));
    if (rng.one_in(8)) out += rng.pick({"\n", "\r\n", " ", "\t"});
    return out;
}

// Every value of a tree, for a mutation to pick one.
void collect(Value& v, std::vector<Value*>& out) {
    out.push_back(&v);
    if (auto* list = v.as_list()) {
        for (Value& item : *list) collect(item, out);
    } else if (auto* dictionary = v.as_dictionary()) {
        for (Entry& entry : *dictionary) collect(entry.value, out);
    }
}

void mutate_value(Context& c, Value& v) {
    Rng& rng = c.rng;
    auto* list = v.as_list();
    auto* dictionary = v.as_dictionary();
    switch (rng.below(10)) {
        case 0:
            v = random_value(rng, 0);
            break;
        case 1:
            if (dictionary)
                dictionary->insert(dictionary->begin() + static_cast<std::ptrdiff_t>(
                                                             rng.below(dictionary->size() + 1)),
                                   {std::string(rng.pick(kKeys)), random_value(rng, 0)});
            else if (list)
                list->push_back(random_value(rng, 0));
            break;
        case 2:
            // The same key twice.
            if (dictionary && !dictionary->empty()) {
                const Entry copy = (*dictionary)[rng.below(dictionary->size())];
                dictionary->insert(dictionary->begin() + static_cast<std::ptrdiff_t>(
                                                             rng.below(dictionary->size() + 1)),
                                   copy);
            }
            break;
        case 3:
            if (dictionary && !dictionary->empty())
                dictionary->erase(dictionary->begin() +
                                  static_cast<std::ptrdiff_t>(rng.below(dictionary->size())));
            else if (list && !list->empty())
                list->erase(list->begin() + static_cast<std::ptrdiff_t>(rng.below(list->size())));
            break;
        case 4:
            if (dictionary && !dictionary->empty())
                (*dictionary)[rng.below(dictionary->size())].key = std::string(rng.pick(kKeys));
            break;
        case 5: {
            // Nested deeper: around ng's limit of 8 and the decoder's default of 32.
            const std::size_t levels = rng.pick({1, 2, 7, 8, 9, 31, 32, 33, 40});
            for (std::size_t k = 0; k < levels; ++k) {
                if (rng.one_in(3)) {
                    Value::Dictionary wrapper;
                    wrapper.push_back({std::string(rng.pick(kKeys)), std::move(v)});
                    v = Value(std::move(wrapper));
                } else {
                    Value::List wrapper;
                    wrapper.push_back(std::move(v));
                    v = Value(std::move(wrapper));
                }
            }
            break;
        }
        case 6:
            if (const auto* s = v.as_string()) {
                std::string bytes = *s;
                if (bytes.starts_with("v=") && !rng.one_in(4))
                    sdp_fuzz::mutate_structured(c, bytes);
                else
                    mutate_bytes(c, bytes);
                v = Value(std::move(bytes));
            }
            break;
        case 7:
            if (v.is_integer()) v = Value(rng.pick(kIntegers));
            break;
        case 8:
            if (dictionary && dictionary->size() > 1)
                std::swap((*dictionary)[rng.below(dictionary->size())],
                          (*dictionary)[rng.below(dictionary->size())]);
            else if (list && list->size() > 1)
                std::swap((*list)[rng.below(list->size())], (*list)[rng.below(list->size())]);
            break;
        default:
            // The right value as another type: 30 as "30", ["x"] as "x", ...
            if (const auto* i = v.as_integer())
                v = Value(std::to_string(*i));
            else if (list && !list->empty())
                v = Value((*list)[0]);
            else if (const auto* s = v.as_string())
                v = Value(strings({*s}));
            break;
    }
}

// Byte edits that know bencode: the length prefixes, the integers, the nesting.
void mutate_bencode_text(Rng& rng, std::string& s) {
    switch (rng.below(4)) {
        case 0: {
            std::vector<std::pair<std::size_t, std::size_t>> lengths;
            for (const auto& run : digit_runs(s))
                if (run.first + run.second < s.size() && s[run.first + run.second] == ':')
                    lengths.push_back(run);
            if (lengths.empty()) break;
            const auto [begin, length] = lengths[rng.below(lengths.size())];
            const std::size_t value =
                std::stoull(s.substr(begin, std::min<std::size_t>(length, 18)));
            s.replace(
                begin, length,
                rng.pick({std::string("999999999"), std::string("0"), std::string("01"),
                          std::to_string(value + 1), std::to_string(value == 0 ? 0 : value - 1),
                          std::string("18446744073709551616"), std::string("4294967296"),
                          std::string()}));
            break;
        }
        case 1: {
            std::vector<std::pair<std::size_t, std::size_t>> integers;
            for (std::size_t i = s.find('i'); i != std::string::npos; i = s.find('i', i + 1)) {
                const std::size_t e = s.find('e', i + 1);
                if (e != std::string::npos && e - i <= 22) integers.emplace_back(i + 1, e - i - 1);
            }
            if (integers.empty()) break;
            const auto [begin, length] = integers[rng.below(integers.size())];
            s.replace(begin, length,
                      rng.pick({"", "-", "-0", "03", "9223372036854775807", "9223372036854775808",
                                "-9223372036854775808", "-9223372036854775809",
                                "99999999999999999999", "1 ", "+1"}));
            break;
        }
        case 2: {
            const std::size_t levels = rng.pick({7, 8, 9, 31, 32, 33, 200});
            std::string open;
            for (std::size_t k = 0; k < levels; ++k) open += rng.one_in(3) ? "d1:x" : "l";
            s.insert(rng.below(s.size() + 1), open + "i1e" + std::string(levels, 'e'));
            break;
        }
        default:
            if (!s.empty() && rng.one_in(2))
                s.pop_back();
            else
                s += rng.pick({"e", "ee", "i1e", "0:"});
            break;
    }
}

void mutate_structured(Context& c, std::string& s) {
    Rng& rng = c.rng;
    const std::size_t space = s.find(' ');
    std::string cookie = space == std::string::npos ? std::string() : s.substr(0, space);
    std::string body = space == std::string::npos ? s : s.substr(space + 1);
    bool has_space = space != std::string::npos;
    if (rng.one_in(8)) {
        // The cookie: none, empty, at and around kMaxCookie, or odd.
        switch (rng.below(4)) {
            case 0:
                has_space = !has_space;
                break;
            case 1:
                cookie.assign(ng::kMaxCookie + rng.below(3) - 1, 'c');
                break;
            case 2:
                cookie.clear();
                break;
            default:
                cookie = random_token(rng);
                break;
        }
    } else {
        // Trailing blanks are not bencode: keep them aside (in one piece: a byte at a time is
        // quadratic for a datagram padded with blanks to kMaxMessage).
        const std::size_t last = body.find_last_not_of(" \t\r\n");
        const std::size_t keep = last == std::string::npos ? 0 : last + 1;
        const std::string blanks = body.substr(keep);
        body.resize(keep);
        bencode::Limits generous;
        generous.max_depth = 256;
        generous.max_elements = 1u << 20;
        auto decoded = bencode::decode(body, generous);
        if (decoded && !rng.one_in(5)) {
            std::vector<Value*> values;
            collect(*decoded.value, values);
            mutate_value(c, *values[rng.below(values.size())]);
            body = bencode::encode(*decoded.value);
        } else {
            mutate_bencode_text(rng, body);
        }
        body += blanks;
    }
    s = has_space ? cookie + " " + body : cookie + body;
    // The whole datagram around kMaxMessage, in one more string of the dictionary (rarely:
    // such an input costs a thousand small ones).
    if (rng.one_in(400) && s.ends_with('e') && s.size() + 20 < ng::kMaxMessage) {
        const std::size_t target = ng::kMaxMessage + rng.below(5) - 2;
        const std::size_t room = target - s.size() - 3 - 1;  // "1:x" and ':'
        // The length's own digits count too.
        std::size_t length = room - 6;
        for (std::size_t digits = 1; digits <= 7; ++digits)
            if (std::to_string(room - digits).size() == digits) length = room - digits;
        s.insert(s.size() - 1, "1:x" + std::to_string(length) + ":" + std::string(length, 'y'));
    }
}

// A decodable input encodes back to itself (bencode.hpp: "a faithful picture of the bytes"),
// and the encoding decodes to the same value.
void check_round_trip(std::string_view bytes) {
    const bencode::DecodeResult decoded = bencode::decode(bytes);
    if (!decoded) {
        FUZZ_CHECK(!decoded.error.reason.empty() && decoded.error.offset <= bytes.size(),
                   decoded.error.message());
        return;
    }
    const std::string encoded = bencode::encode(*decoded.value);
    const bencode::DecodeResult again = bencode::decode(encoded);
    FUZZ_CHECK(again && *again.value == *decoded.value, "encode(decode(x)) decodes otherwise");
    FUZZ_CHECK(encoded == bytes, "encode(decode(x)) is not x: " + encoded);
}

// A framed reply: the cookie, a space, and a dictionary with the result.
void check_reply(std::string_view cookie, std::string_view reply, std::string_view result) {
    FUZZ_CHECK(
        reply.size() > cookie.size() && reply.starts_with(cookie) && reply[cookie.size()] == ' ',
        std::string(reply));
    const bencode::DecodeResult decoded = bencode::decode(reply.substr(cookie.size() + 1));
    FUZZ_CHECK(decoded && decoded.value->is_dictionary(), std::string(reply));
    const Value* r = decoded.value->find("result");
    FUZZ_CHECK(r && r->is_string() && (result.empty() || *r->as_string() == result),
               std::string(reply));
}

void check_request(std::string_view cookie, const ng::Request& r) {
    const ng::Command c = r.command;
    FUZZ_CHECK(ng::command_name(c) != "unknown");
    const bool offer_answer = c == ng::Command::offer || c == ng::Command::answer;
    FUZZ_CHECK(r.sdp.has_value() == offer_answer);
    if (offer_answer || c == ng::Command::delete_ || c == ng::Command::query)
        FUZZ_CHECK(!r.call_id.empty());
    if (offer_answer || c == ng::Command::delete_) FUZZ_CHECK(!r.from_tag.empty());
    if (c == ng::Command::answer) FUZZ_CHECK(!r.to_tag.empty());
    if (c != ng::Command::ping) {
        FUZZ_CHECK(r.direction.size() <= 2);
        FUZZ_CHECK(!r.delete_delay || *r.delete_delay >= 0);
        FUZZ_CHECK(!r.limit || *r.limit > 0);
        if (r.received_from)
            FUZZ_CHECK(sdp::is_numeric_address(r.received_from->family, r.received_from->address));
        if (r.media_address)
            FUZZ_CHECK(sdp::is_numeric_address(r.media_address->family, r.media_address->address));
    }
    if (r.sdp) sdp_fuzz::check_positions(*r.sdp);
    check_reply(cookie, ng::frame(cookie, ng::pong_reply()), "pong");
    check_reply(cookie, ng::frame(cookie, ng::ok_reply({{"sdp", "v=0\r\n"}})), "ok");
    check_reply(cookie, ng::frame(cookie, ng::overload_reply(r)),
                r.supports_load_limit() ? "load limit" : "error");
    check_reply(cookie, ng::frame(cookie, ng::call_not_found_reply(r)),
                r.flags.fatal ? "error" : "ok");
}

Outcome check(std::string_view input) {
    const auto message = ng::split_message(input);
    const ng::Datagram d = ng::parse_datagram(input);
    check_round_trip(input);
    if (!message) {
        FUZZ_CHECK(d.dropped() && d.cookie.empty());
        return {Outcome::Kind::dropped, "dropped"};
    }
    check_round_trip(message->dictionary);
    FUZZ_CHECK(!d.dropped() && d.cookie == message->cookie);
    FUZZ_CHECK(d.request.has_value() == d.reply.empty());
    if (d.request) {
        check_request(d.cookie, *d.request);
        std::string name = "ok: " + std::string(ng::command_name(d.request->command));
        if (d.request->sdp)
            name +=
                " media " + std::to_string(std::min<std::size_t>(d.request->sdp->media.size(), 4));
        return {Outcome::Kind::ok, std::move(name)};
    }
    check_reply(d.cookie, d.reply, "error");
    const auto decoded = bencode::decode(std::string_view(d.reply).substr(d.cookie.size() + 1));
    const Value* reason = decoded.value->find("error-reason");
    FUZZ_CHECK(reason && reason->is_string() && !reason->as_string()->empty(), d.reply);
    return {Outcome::Kind::error, "error: " + without_numbers(*reason->as_string())};
}

}  // namespace ng_fuzz

// ---- the targets -------------------------------------------------------------------------

struct Target {
    std::string_view name;
    std::string_view description;
    const std::vector<std::string>& (*seeds)();
    std::string (*generate)(Rng&);
    void (*mutate)(Context&, std::string&);  // aware of the structure
    Outcome (*check)(std::string_view);
    std::span<const std::string_view> tokens;
    std::span<const std::size_t> limits;
    std::size_t max_input;  // mutations stop growing an input here
    bool drops;             // whether the protocol drops some inputs unanswered
};

constexpr std::size_t kRtpproxyLimits[] = {rtpproxyd::kMaxCommandBytes};
constexpr std::size_t kSdpLimits[] = {rtpproxyd::sdp::Limits{}.max_bytes};

const Target kTargets[] = {
    {"rtpproxy", "rtpproxyd::parse_datagram() with and without a cookie, and the replies",
     rtpproxy_fuzz::seeds, rtpproxy_fuzz::generate, rtpproxy_fuzz::mutate_structured,
     rtpproxy_fuzz::check, rtpproxy_fuzz::kTokens, kRtpproxyLimits, 2 * rtpproxyd::kMaxCommandBytes,
     false},
    {"ng", "rtpproxyd::ng::parse_datagram(), the replies, and bencode's round trip", ng_fuzz::seeds,
     ng_fuzz::generate, ng_fuzz::mutate_structured, ng_fuzz::check, ng_fuzz::kTokens,
     ng_fuzz::kLimits, rtpproxyd::ng::kMaxMessage + 4096, true},
    {"sdp", "rtpproxyd::sdp::relay_every_media(), its result parsed again", sdp_fuzz::seeds,
     sdp_fuzz::generate, sdp_fuzz::mutate_structured, sdp_fuzz::check, sdp_fuzz::kTokens,
     kSdpLimits, rtpproxyd::sdp::Limits{}.max_bytes + 4096, false},
};

std::string random_bytes(Rng& rng, const Target& target) {
    const std::size_t size =
        rng.one_in(20) ? rng.below(8192) : rng.below(rng.one_in(4) ? 1024 : 64);
    std::string out;
    if (rng.one_in(2)) {
        for (std::size_t i = 0; i < size; ++i) out += static_cast<char>(rng.next());
    } else {
        // Pieces of the target's language in random order.
        while (out.size() < size)
            out += rng.one_in(3) ? std::string(1, rng.pick(kInterestingBytes))
                                 : std::string(rng.pick(target.tokens));
    }
    return out;
}

std::string next_input(const Target& target, Context& c) {
    Rng& rng = c.rng;
    const std::size_t kind = rng.below(100);
    if (kind < 3) return random_bytes(rng, target);
    const bool generated = kind < 15;
    std::string s = generated ? target.generate(rng) : c.any_input();
    std::size_t mutations = 1 + (rng.one_in(4) ? rng.below(10) : rng.below(3));
    if (generated && rng.one_in(2)) mutations = 0;
    for (; mutations > 0; --mutations) {
        if (rng.below(5) < 3)
            target.mutate(c, s);
        else
            mutate_bytes(c, s);
        if (s.size() > target.max_input) s.resize(target.max_input);
    }
    return s;
}

Outcome checked(const Target& target, std::string_view input) {
    try {
        return target.check(input);
    } catch (const std::bad_alloc&) {
        // The one exception the headers allow.
        return {Outcome::Kind::error, "bad_alloc"};
    } catch (const std::exception& e) {
        check_failed("no exception but std::bad_alloc", __LINE__, e.what());
    } catch (...) {
        check_failed("no exception but std::bad_alloc", __LINE__, "not a std::exception");
    }
}

struct Options {
    std::uint64_t count = 100'000;
    std::uint64_t seed = 1;
    std::optional<std::filesystem::path> corpus;
    std::optional<std::string> replay;
};

// A name for a corpus file: the input's number and its class in safe characters.
std::string corpus_name(const Target& target, std::uint64_t index, std::string_view name) {
    std::string out = std::string(target.name) + "-" + std::to_string(index) + "-";
    for (const char c : name.substr(0, 60)) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
        out += safe ? c : '_';
    }
    return out;
}

int fuzz(const Target& target, const Options& options) {
    Rng rng(options.seed);
    std::vector<std::string> pool;
    std::unordered_set<std::string> classes;
    Context context{rng, target.seeds(), pool, target.tokens, target.limits};
    if (options.corpus) std::filesystem::create_directories(*options.corpus);
    // Kept inputs: few and small, so that splicing picks among them cheaply.
    constexpr std::size_t kMaxPool = 4096;
    constexpr std::size_t kMaxPooledInput = 16 * 1024;
    std::uint64_t ok = 0;
    std::uint64_t errors = 0;
    std::uint64_t dropped = 0;
    // The input the parsers took longest for: a quadratic path shows here first.
    std::chrono::duration<double> slowest{0};
    std::uint64_t slowest_input = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < options.count; ++i) {
        const std::string input = next_input(target, context);
        current.index = i;
        current.input = input;
        current.active = true;
        const auto before = std::chrono::steady_clock::now();
        Outcome outcome = checked(target, input);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - before;
        current.active = false;
        if (took > slowest) {
            slowest = took;
            slowest_input = i;
        }
        switch (outcome.kind) {
            case Outcome::Kind::ok:
                ++ok;
                break;
            case Outcome::Kind::error:
                ++errors;
                break;
            case Outcome::Kind::dropped:
                ++dropped;
                break;
        }
        if (!classes.insert(outcome.name).second) continue;
        if (pool.size() < kMaxPool && input.size() <= kMaxPooledInput) pool.push_back(input);
        if (options.corpus) {
            std::ofstream file(*options.corpus / corpus_name(target, i, outcome.name),
                               std::ios::binary);
            file.write(input.data(), static_cast<std::streamsize>(input.size()));
        }
    }
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    std::printf("target=%.*s inputs=%" PRIu64 " ok=%" PRIu64 " errors=%" PRIu64,
                static_cast<int>(target.name.size()), target.name.data(), options.count, ok,
                errors);
    if (target.drops) std::printf(" dropped=%" PRIu64, dropped);
    std::printf(" classes=%zu slowest_input=%" PRIu64 " slowest_seconds=%.3f seed=%" PRIu64
                " seconds=%.1f\n",
                classes.size(), slowest_input, slowest.count(), options.seed, seconds.count());
    return 0;
}

int replay(const Target& target, const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "daemon_fuzz: cannot read %s\n", path.c_str());
        return 2;
    }
    std::ostringstream bytes;
    bytes << file.rdbuf();
    const std::string input = bytes.str();
    current.replay = path.c_str();
    current.input = input;
    current.active = true;
    const Outcome outcome = checked(target, input);
    current.active = false;
    std::printf("target=%.*s replay=%s class=%s\n", static_cast<int>(target.name.size()),
                target.name.data(), path.c_str(), outcome.name.c_str());
    return 0;
}

int usage() {
    std::fputs(
        "usage: daemon_fuzz TARGET [--count N] [--seed S] [--corpus DIR]\n"
        "       daemon_fuzz TARGET --replay FILE\n"
        "targets:\n",
        stderr);
    for (const Target& t : kTargets)
        std::fprintf(stderr, "  %-9.*s %.*s\n", static_cast<int>(t.name.size()), t.name.data(),
                     static_cast<int>(t.description.size()), t.description.data());
    return 2;
}

bool parse_number(std::string_view text, std::uint64_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

#ifdef DAEMON_FUZZ_SANITIZED
// UBSan's reports do not run the death callback in ASan's runtime: with abort_on_error they
// raise SIGABRT, whose handler prints the input. And with their stack, which UBSan leaves out
// by default. UBSAN_OPTIONS still overrides these.
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1:abort_on_error=1"; }
#endif

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string_view name = argv[1];
    const auto* target = std::find_if(std::begin(kTargets), std::end(kTargets),
                                      [name](const Target& t) { return t.name == name; });
    if (target == std::end(kTargets)) return usage();
    Options options;
    for (int i = 2; i < argc; i += 2) {
        const std::string_view option = argv[i];
        if (i + 1 >= argc) return usage();
        const std::string_view value = argv[i + 1];
        if (option == "--count") {
            if (!parse_number(value, options.count)) return usage();
        } else if (option == "--seed") {
            if (!parse_number(value, options.seed)) return usage();
        } else if (option == "--corpus") {
            options.corpus = std::filesystem::path(value);
        } else if (option == "--replay") {
            options.replay = std::string(value);
        } else {
            return usage();
        }
    }

    current.target = target->name;
    current.seed = options.seed;
#ifdef DAEMON_FUZZ_SANITIZED
    __sanitizer_set_death_callback(print_input);
#endif
    // UBSan's reports end in abort() (see __ubsan_default_options), and so do the checks and
    // std::terminate(), which noexcept parse_datagram() calls for an exception.
    std::signal(SIGABRT, [](int) {
        print_input();
        std::signal(SIGABRT, SIG_DFL);
        std::raise(SIGABRT);
    });
    std::set_terminate([] {
        std::fputs("daemon_fuzz: std::terminate()\n", stderr);
        std::abort();
    });
    return options.replay ? replay(*target, *options.replay) : fuzz(*target, options);
}
