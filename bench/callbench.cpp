// SPDX-License-Identifier: GPL-2.0
/*
 * callbench: sets up and tears down calls through a media relay's control protocol, as a SIP
 * proxy with several workers does, and says how many it did per second.
 *
 *   callbench rtpproxy|ng --to ADDR:PORT --calls N [--first I] [--window W]
 *             [--phase cycle|setup|teardown] [--prefix P]
 *
 * rtpproxy: U, then L once U is answered, then D (rtpproxy's protocol over UDP, in the
 * form Kamailio's rtpproxy module sends: "Uc0,8 CALL ADDR PORT FROM;1"); ng: offer, answer and
 * delete with an SDP each (rtpengine's protocol). W calls are in flight at once (a proxy's workers
 * each wait for their answer); a request unanswered for 1 s is sent again with the same cookie, as
 * Kamailio does, at most 4 times. --phase setup stops after L (answer), teardown sends only D
 * (delete) to calls a setup made: the two around a memory reading. The calls are
 * PREFIX-I for I from --first on (call-id), tags from-I and to-I.
 *
 * Prints "calls=N requests=R retransmits=K errors=E secs=S calls_per_sec=X". Exit status 0
 * when every call went through, 1 when a reply was an error or never came (the first such is
 * printed on stderr), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bencode.hpp"

namespace {

namespace bencode = rtpproxyd::bencode;

enum class Protocol { rtpproxy, ng };
enum class Phase { cycle, setup, teardown };
enum Stage { offer = 0, answer = 1, remove = 2, done = 3 };

constexpr double kRetransmitSecs = 1.0;
constexpr int kMaxTries = 5;

struct Options {
    Protocol protocol = Protocol::rtpproxy;
    Phase phase = Phase::cycle;
    sockaddr_storage to{};
    socklen_t to_len = 0;
    long calls = 0, first = 0, window = 16;
    std::string prefix = "cb";
};

struct Call {
    long index = 0;
    Stage stage = offer;
    int tries = 0;
    double sent_at = 0;
    uint64_t cookie = 0;
    std::string request;
};

double now() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "callbench: %s\nusage: callbench rtpproxy|ng --to ADDR:PORT --calls N [--first I] "
                 "[--window W] [--phase cycle|setup|teardown] [--prefix P]\n",
                 why);
    std::exit(2);
}

long to_long(const char* text, const char* name, long min) {
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (!*text || *end || v < min)
        usage((std::string(name) + ": not a number >= " + std::to_string(min)).c_str());
    return v;
}

void parse_endpoint(const std::string& text, Options& o) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) usage("--to: ADDR:PORT");
    std::string host = text.substr(0, colon);
    long port = to_long(text.c_str() + colon + 1, "--to's port", 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    auto* sin = reinterpret_cast<sockaddr_in*>(&o.to);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&o.to);
    if (inet_pton(AF_INET, host.c_str(), &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(static_cast<uint16_t>(port));
        o.to_len = sizeof(*sin);
    } else if (inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(static_cast<uint16_t>(port));
        o.to_len = sizeof(*sin6);
    } else {
        usage("--to: not an IPv4 or IPv6 address");
    }
}

Options parse_options(int argc, char** argv) {
    Options o;
    if (argc < 2) usage("which protocol?");
    std::string_view proto = argv[1];
    if (proto == "rtpproxy")
        o.protocol = Protocol::rtpproxy;
    else if (proto == "ng")
        o.protocol = Protocol::ng;
    else
        usage("the protocol is rtpproxy or ng");
    for (int i = 2; i < argc; i += 2) {
        std::string_view name = argv[i];
        if (i + 1 >= argc) usage((std::string(name) + " needs a value").c_str());
        const char* value = argv[i + 1];
        if (name == "--to")
            parse_endpoint(value, o);
        else if (name == "--calls")
            o.calls = to_long(value, "--calls", 1);
        else if (name == "--first")
            o.first = to_long(value, "--first", 0);
        else if (name == "--window")
            o.window = to_long(value, "--window", 1);
        else if (name == "--prefix")
            o.prefix = value;
        else if (name == "--phase" && std::string_view(value) == "cycle")
            o.phase = Phase::cycle;
        else if (name == "--phase" && std::string_view(value) == "setup")
            o.phase = Phase::setup;
        else if (name == "--phase" && std::string_view(value) == "teardown")
            o.phase = Phase::teardown;
        else
            usage(("unknown option or value: " + std::string(name) + " " + value).c_str());
    }
    if (!o.to_len || !o.calls) usage("--to and --calls are needed");
    return o;
}

// An ng request: a dictionary of strings, encoded by the daemon's own bencode.
std::string ng_request(std::initializer_list<std::pair<const char*, std::string>> items) {
    bencode::Value::Dictionary d;
    for (const auto& [key, value] : items) d.push_back({key, bencode::Value(value)});
    return bencode::encode(bencode::Value(std::move(d)));
}

// A top-level string of an ng reply, nullopt when it is absent or the reply is not bencode.
std::optional<std::string> ng_string(std::string_view reply, std::string_view key) {
    const auto decoded = bencode::decode(reply);
    if (!decoded) return std::nullopt;
    const bencode::Value* v = decoded.value->find(key);
    const std::string* text = v ? v->as_string() : nullptr;
    return text ? std::optional(*text) : std::nullopt;
}

std::string sdp(const char* addr, long port) {
    std::string a = addr;
    return "v=0\r\no=- 1 1 IN IP4 " + a + "\r\ns=-\r\nc=IN IP4 " + a + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) +
           " RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
}

class Bench {
  public:
    explicit Bench(const Options& o) : o_(o) {}

    int run() {
        fd_ = socket(o_.to.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd_ < 0 || connect(fd_, reinterpret_cast<const sockaddr*>(&o_.to), o_.to_len) < 0) {
            std::perror("callbench: socket");
            return 1;
        }
        int size = 4 << 20;
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        double start = now();
        long next = 0, finished = 0;
        std::vector<Call> calls(static_cast<size_t>(o_.window));
        std::vector<size_t> idle;
        for (size_t i = 0; i < calls.size(); i++) idle.push_back(i);
        while (finished < o_.calls) {
            while (!idle.empty() && next < o_.calls) {
                Call& c = calls[idle.back()];
                idle.pop_back();
                c = Call{};
                c.index = o_.first + next++;
                c.stage = o_.phase == Phase::teardown ? remove : offer;
                send_stage(c, &c - calls.data());
            }
            pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
            poll(&p, 1, 100);
            receive(calls, idle, finished);
            retransmit(calls, idle, finished);
        }
        double secs = now() - start;
        std::printf(
            "calls=%ld requests=%ld retransmits=%ld errors=%ld secs=%.3f "
            "calls_per_sec=%.1f\n",
            o_.calls, requests_, retransmits_, errors_, secs,
            secs > 0 ? static_cast<double>(o_.calls) / secs : 0.0);
        close(fd_);
        return errors_ ? 1 : 0;
    }

  private:
    std::string request_of(const Call& c) const {
        std::string id = o_.prefix + "-" + std::to_string(c.index);
        std::string from = "from-" + std::to_string(c.index);
        std::string to = "to-" + std::to_string(c.index);
        long port = 10000 + 2 * (c.index % 20000);
        if (o_.protocol == Protocol::rtpproxy) {
            switch (c.stage) {
                case offer:
                    return "Uc0,8 " + id + " 10.9.1.100 " + std::to_string(port) + " " + from +
                           ";1";
                case answer:
                    return "Lc0,8 " + id + " 10.9.2.100 " + std::to_string(port) + " " + from +
                           ";1 " + to + ";1";
                default:
                    return "D " + id + " " + from + " " + to;
            }
        }
        switch (c.stage) {
            case offer:
                return ng_request({{"call-id", id},
                                   {"command", "offer"},
                                   {"from-tag", from},
                                   {"sdp", sdp("10.9.1.100", port)}});
            case answer:
                return ng_request({{"call-id", id},
                                   {"command", "answer"},
                                   {"from-tag", from},
                                   {"sdp", sdp("10.9.2.100", port)},
                                   {"to-tag", to}});
            default:
                return ng_request({{"call-id", id}, {"command", "delete"}, {"from-tag", from}});
        }
    }

    /*
     * PID-COUNTER_SLOT: unique across runs too (a relay answers a cookie it saw in the last
     * seconds from its reply cache); the slot finds the call again.
     */
    std::string cookie_of(const Call& c, size_t slot) const {
        return std::to_string(getpid()) + "-" + std::to_string(c.cookie) + "_" +
               std::to_string(slot);
    }

    void send_stage(Call& c, size_t slot) {
        c.cookie = next_cookie_++;
        c.request = cookie_of(c, slot) + " " + request_of(c);
        c.tries = 0;
        transmit(c);
    }

    void transmit(Call& c) {
        c.tries++;
        c.sent_at = now();
        requests_++;
        if (send(fd_, c.request.data(), c.request.size(), 0) < 0 && errno != EAGAIN &&
            errno != ENOBUFS && errno != ECONNREFUSED)
            std::perror("callbench: send");
    }

    /* Whether the reply (cookie stripped) says the stage went through. */
    bool good_reply(const Call& c, std::string_view reply) const {
        while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r'))
            reply.remove_suffix(1);
        if (o_.protocol == Protocol::rtpproxy) {
            if (c.stage == remove) return reply == "0";
            // "PORT ADDR": a port, not an E code.
            return !reply.empty() && reply[0] >= '1' && reply[0] <= '9';
        }
        auto result = ng_string(reply, "result");
        if (!result || *result != "ok") return false;
        return c.stage == remove || ng_string(reply, "sdp").has_value();
    }

    void finish(Call& c, size_t slot, std::vector<size_t>& idle, long& finished) {
        c.stage = done;
        idle.push_back(slot);
        finished++;
    }

    void fail(Call& c, std::string_view why) {
        if (!errors_)
            std::fprintf(stderr, "callbench: call %ld: %.*s: %s\n", c.index,
                         static_cast<int>(why.size()), why.data(), c.request.c_str());
        errors_++;
    }

    void receive(std::vector<Call>& calls, std::vector<size_t>& idle, long& finished) {
        static char buf[65536];
        ssize_t n;
        while ((n = recv(fd_, buf, sizeof(buf), 0)) >= 0) {
            std::string_view r(buf, static_cast<size_t>(n));
            size_t sp = r.find(' ');
            size_t us = r.substr(0, sp).rfind('_');
            if (sp == std::string_view::npos || us == std::string_view::npos || us > sp) continue;
            size_t slot =
                std::strtoul(std::string(r.substr(us + 1, sp - us - 1)).c_str(), nullptr, 10);
            if (slot >= calls.size()) continue;
            Call& c = calls[slot];
            if (c.stage == done || r.substr(0, sp) != cookie_of(c, slot))
                continue;  // late reply to a retransmission: already handled
            if (!good_reply(c, r.substr(sp + 1))) {
                fail(c, "bad reply: " + std::string(r.substr(sp + 1)));
                finish(c, slot, idle, finished);
                continue;
            }
            bool last = c.stage == remove || (o_.phase == Phase::setup && c.stage == answer);
            if (last) {
                finish(c, slot, idle, finished);
                continue;
            }
            c.stage = static_cast<Stage>(c.stage + 1);
            send_stage(c, slot);
        }
    }

    void retransmit(std::vector<Call>& calls, std::vector<size_t>& idle, long& finished) {
        double t = now();
        for (size_t slot = 0; slot < calls.size(); slot++) {
            Call& c = calls[slot];
            if (c.stage == done || c.request.empty() || t - c.sent_at < kRetransmitSecs) continue;
            if (c.tries >= kMaxTries) {
                fail(c, "no reply");
                finish(c, slot, idle, finished);
                continue;
            }
            retransmits_++;
            transmit(c);
        }
    }

    const Options& o_;
    int fd_ = -1;
    uint64_t next_cookie_ = 1;
    long requests_ = 0, retransmits_ = 0, errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv);
    return Bench(o).run();
}
