// SPDX-License-Identifier: GPL-2.0
// sessbench: session set-up for the benchmark and the control-plane figures through libxtrtpproxy.
//
//   sessbench setup --gates-a IP,... --gates-b IP,... --port-a P --port-b P --count N
//                   --per-switchboard M --client-a IP:PORT --client-b IP:PORT --out FILE
//       allocates N sessions (M per switchboard, switchboard j on the j-th gate addresses) in
//       batches and writes rtpgen's session file: "GATE-A PORT-A GATE-B PORT-B" per session.
//   sessbench churn --gate-a IP --gate-b IP --port-a P --port-b P --count N --batch B
//                   --client-a IP:PORT --client-b IP:PORT [--rounds R] [--pause-ms MS]
//       allocates N sessions and deletes them again, B per request batch (B = 1: one request
//       at a time, each waiting for its answer), R times (default 1; 0: until SIGTERM, which
//       ends the round under way first), MS ms apart; prints the rates.
//   sessbench list [--repeat R] [--save FILE] [--format table|single]
//                  [--label TEXT | --label-prefix TEXT]
//       dumps every session of every switchboard R times; prints the count and the times, and
//       for one more dump the kernel's and the library's shares (dump_secs, parse_secs), of
//       session tables or (single) of one message per session; --save keeps its messages.
//       A label filter dumps only the sessions with that label or label prefix.
//   sessbench dumps [--repeat R] [--format table|single]
//       R session dumps as the kernel sends them, none restarted, then R through the library
//       (which restarts interrupted ones); prints how many the kernel flagged as interrupted
//       (NLM_F_DUMP_INTR), how many sessions the others listed (fewest, most), how many of
//       those listed a session twice, and what the library's lists did.
//   sessbench parse --file FILE [--repeat R]
//       parses messages saved by list --save: the library's cost, natively on the host too.
//   sessbench clear [--addr-a IP [--port-a P]] [--lo N [--hi M]]
//       deletes every session, or those of the switchboards named, in the id range; the request
//       goes as the library makes it, without the CLI's checks.
//   sessbench fill --gate-a IP --port-a P --gate-b IP --port-b P --client-a IP:PORT
//                  --client-b IP:PORT [--wait 1]
//       allocates sessions in bulk until the kernel refuses one (after a line on standard input
//       with --wait); prints how many it deleted again on the way (removed), how many it got
//       and the error.
//   sessbench audit --gate-a IP --port-a P --gate-b IP --port-b P [--count N] [--rounds R]
//       R times: allocates N learning sessions in a switchboard whose sessions expire after 1 s
//       and are freed at once, then audits it back to back until they are gone; prints how
//       many rounds one audit freed all N itself (caught), and how many audits counted more
//       sessions than the switchboard held (overcounted: each is counted once).
//   sessbench latency [--count N]
//       N info requests one after the other; prints the median, 99th and 99.9th percentile,
//       longest wait in microseconds and how many waited over 1 ms.
//   sessbench calibrate [--count N]
//       N generic netlink requests that need no module: the cost of a round trip here.
//
// Output is one line of key=value pairs, for the shell to collect.
#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include <malloc.h>
#include <sys/mman.h>

#include "xtrtpproxy/client.hpp"
#include "xtrtpproxy/message.hpp"
#include "xtrtpproxy/types.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using xtrtpproxy::Address;
using xtrtpproxy::Client;
using xtrtpproxy::SessionParams;
using xtrtpproxy::SessionRange;
using xtrtpproxy::StreamIndex;
using xtrtpproxy::SwitchboardSelector;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// --key value pairs after the subcommand.
class Args {
  public:
    Args(int argc, char** argv) {
        for (int i = 2; i < argc; i += 2) {
            std::string_view key = argv[i];
            if (!key.starts_with("--") || i + 1 >= argc)
                throw std::invalid_argument("expected --key value, got '" + std::string(key) + "'");
            values_[std::string(key.substr(2))] = argv[i + 1];
        }
    }
    std::string str(const std::string& key) const {
        auto it = values_.find(key);
        if (it == values_.end()) throw std::invalid_argument("--" + key + " is required");
        return it->second;
    }
    bool has(const std::string& key) const { return values_.contains(key); }
    unsigned long num(const std::string& key, std::optional<unsigned long> fallback = {}) const {
        if (!values_.contains(key) && fallback) return *fallback;
        const std::string text = str(key);
        char* end = nullptr;
        const unsigned long value = std::strtoul(text.c_str(), &end, 10);
        if (text.empty() || *end) throw std::invalid_argument("--" + key + ": not a number");
        return value;
    }
    std::vector<Address> addresses(const std::string& key) const {
        std::vector<Address> out;
        const std::string text = str(key);
        std::size_t pos = 0;
        while (pos <= text.size()) {
            const std::size_t comma = std::min(text.find(',', pos), text.size());
            out.push_back(Address::parse(std::string_view(text).substr(pos, comma - pos)));
            pos = comma + 1;
        }
        return out;
    }

  private:
    std::map<std::string, std::string> values_;
};

xtrtpproxy::Endpoint endpoint(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("'" + text + "' is not IP:PORT");
    return {Address::parse(std::string_view(text).substr(0, colon)),
            static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)))};
}

// Both clients fixed (no learning): what a SIP proxy knows from the SDP of a call. Their RTCP
// endpoints (RTP port + 1) are the library's defaults.
SessionParams client_params(const Args& args) {
    const auto a = endpoint(args.str("client-a"));
    const auto b = endpoint(args.str("client-b"));
    SessionParams params;
    params.stream(StreamIndex::rtp_a).addr = a.addr;
    params.stream(StreamIndex::rtp_a).port = a.port;
    params.stream(StreamIndex::rtp_b).addr = b.addr;
    params.stream(StreamIndex::rtp_b).port = b.port;
    return params;
}

SwitchboardSelector selector(const Address& a, unsigned long port_a, const Address& b,
                             unsigned long port_b) {
    SwitchboardSelector sel;
    sel.addr_a = a;
    sel.port_a = static_cast<std::uint16_t>(port_a);
    sel.addr_b = b;
    sel.port_b = static_cast<std::uint16_t>(port_b);
    return sel;
}

// Allocates count sessions in one switchboard, batch per request batch; returns their ids.
std::vector<std::uint32_t> alloc_many(Client& client, const SwitchboardSelector& sel,
                                      const SessionParams& params, unsigned long count,
                                      unsigned long batch,
                                      std::vector<xtrtpproxy::SessionEntry>* entries = nullptr) {
    std::vector<std::uint32_t> ids;
    ids.reserve(count);
    if (batch <= 1) {
        for (unsigned long i = 0; i < count; ++i) {
            auto entry = client.alloc(sel, params);
            ids.push_back(entry.session.id);
            if (entries) entries->push_back(std::move(entry));
        }
        return ids;
    }
    const std::vector<SessionParams> chunk(batch, params);
    for (unsigned long done = 0; done < count;) {
        const unsigned long n = std::min(batch, count - done);
        auto results = client.alloc_batch(sel, std::span(chunk).first(n));
        for (auto& r : results) {
            const auto& entry = r.get();  // rethrows a failed item
            ids.push_back(entry.session.id);
            if (entries) entries->push_back(entry);
        }
        done += n;
    }
    return ids;
}

void remove_many(Client& client, const SwitchboardSelector& sel,
                 const std::vector<std::uint32_t>& ids, unsigned long batch) {
    if (batch <= 1) {
        for (auto id : ids)
            if (client.remove(sel, SessionRange{id, id}) != 1)
                throw std::runtime_error("delete of session " + std::to_string(id) +
                                         " deleted nothing");
        return;
    }
    std::vector<SessionRange> ranges;
    for (std::size_t done = 0; done < ids.size();) {
        const std::size_t n = std::min<std::size_t>(batch, ids.size() - done);
        ranges.clear();
        for (std::size_t i = 0; i < n; ++i) ranges.push_back({ids[done + i], ids[done + i]});
        for (const auto& r : client.remove_batch(sel, ranges))
            if (r.get() != 1) throw std::runtime_error("a batched delete deleted nothing");
        done += n;
    }
}

int setup(const Args& args) {
    const auto gates_a = args.addresses("gates-a");
    const auto gates_b = args.addresses("gates-b");
    const unsigned long count = args.num("count"), per_sb = args.num("per-switchboard");
    const unsigned long batch = args.num("batch", 1000);
    if (gates_a.size() != gates_b.size() || per_sb * gates_a.size() < count)
        throw std::invalid_argument("not enough switchboards for --count sessions");
    const SessionParams params = client_params(args);
    Client client;
    std::vector<xtrtpproxy::SessionEntry> entries;
    entries.reserve(count);
    const auto start = Clock::now();
    for (std::size_t j = 0; j * per_sb < count; ++j) {
        const auto sel = selector(gates_a[j], args.num("port-a"), gates_b[j], args.num("port-b"));
        alloc_many(client, sel, params, std::min(per_sb, count - j * per_sb), batch, &entries);
    }
    const double secs = seconds_since(start);

    const std::string out = args.str("out");
    std::FILE* f = std::fopen(out.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write " + out);
    for (const auto& e : entries) {
        std::fprintf(f, "%s %u %s %u\n", e.switchboard.gate_a.addr.to_string().c_str(),
                     e.session.stream(StreamIndex::rtp_a).gate_port,
                     e.switchboard.gate_b.addr.to_string().c_str(),
                     e.session.stream(StreamIndex::rtp_b).gate_port);
    }
    if (std::fclose(f)) throw std::runtime_error("cannot write " + out);
    std::printf("sessions=%zu secs=%.6f rate=%.1f\n", entries.size(), secs, entries.size() / secs);
    return 0;
}

volatile std::sig_atomic_t stop_requested = 0;

int churn(const Args& args) {
    const auto sel = selector(Address::parse(args.str("gate-a")), args.num("port-a"),
                              Address::parse(args.str("gate-b")), args.num("port-b"));
    const unsigned long count = args.num("count"), batch = args.num("batch");
    const unsigned long rounds = args.num("rounds", 1);
    const auto pause = std::chrono::milliseconds(args.num("pause-ms", 0));
    const SessionParams params = client_params(args);
    std::signal(SIGTERM, [](int) { stop_requested = 1; });
    Client client;
    double alloc_secs = 0, delete_secs = 0;
    unsigned long done = 0;
    while ((rounds == 0 || done < rounds) && !stop_requested) {
        if (done && pause.count()) std::this_thread::sleep_for(pause);
        auto start = Clock::now();
        const auto ids = alloc_many(client, sel, params, count, batch);
        alloc_secs += seconds_since(start);
        start = Clock::now();
        remove_many(client, sel, ids, batch);
        delete_secs += seconds_since(start);
        ++done;
    }
    const double n = static_cast<double>(count * done);
    std::printf(
        "count=%lu batch=%lu rounds=%lu alloc_secs=%.6f delete_secs=%.6f alloc_rate=%.1f "
        "delete_rate=%.1f alloc_delete_rate=%.1f\n",
        count, batch, done, alloc_secs, delete_secs, n / alloc_secs, n / delete_secs,
        n / (alloc_secs + delete_secs));
    return 0;
}

using Messages = std::vector<std::vector<std::byte>>;

// Appends the sessions of messages of either format: one session per message (GET_SESSION) or
// session tables (GET_SESSION_TABLE).
void parse_messages(const Messages& messages, std::vector<xtrtpproxy::SessionEntry>& entries) {
    for (const auto& m : messages) {
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
        const auto* genl = static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh));
        if (genl->cmd == RTPPROXY_CMD_GET_SESSION_TABLE)
            xtrtpproxy::parse_session_table_reply(nlh, entries);
        else
            entries.push_back(xtrtpproxy::parse_session_reply(nlh));
    }
}

// One dump of every session (or of those a label filter picks), its messages copied aside as
// they come (--format single: one message per session, as kernels without GET_SESSION_TABLE
// give). Returns false if the kernel flagged it as interrupted.
bool dump_messages(Client& client, bool single, Messages& messages,
                   const std::optional<xtrtpproxy::LabelFilter>& label = std::nullopt) {
    auto request =
        single ? xtrtpproxy::make_sessions_request(client.socket().family_id(), {}, {}, label)
               : xtrtpproxy::make_session_table_request(client.socket().family_id(), {}, {}, label);
    return client.socket().dump(request, "session list", [&](const nlmsghdr* nlh) {
        const auto* bytes = reinterpret_cast<const std::byte*>(nlh);
        messages.emplace_back(bytes, bytes + nlh->nlmsg_len);
    });
}

// parse_messages() timed: returns the time taken; sessions counts what they held. Room for
// expected sessions is made first, as Client::sessions() does.
double parse_all(const Messages& messages, std::size_t& sessions, std::size_t expected) {
    const auto start = Clock::now();
    std::vector<xtrtpproxy::SessionEntry> entries;
    entries.reserve(expected);
    parse_messages(messages, entries);
    const double secs = seconds_since(start);
    sessions = entries.size();
    return secs;
}

// --label TEXT or --label-prefix TEXT: only the sessions with that label, or whose label
// begins with it (the bytes as given; tests/vm/t_labels.sh checks both dumps with it).
std::optional<xtrtpproxy::LabelFilter> label_filter(const Args& args) {
    if (args.has("label")) return xtrtpproxy::LabelFilter{args.str("label"), false};
    if (args.has("label-prefix")) return xtrtpproxy::LabelFilter{args.str("label-prefix"), true};
    return std::nullopt;
}

int list(const Args& args) {
    const unsigned long repeat = args.num("repeat", 3);
    const auto label = label_filter(args);
    Client client;
    std::vector<double> times;
    std::size_t count = 0;
    for (unsigned long i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        count = client.sessions({}, {}, label).size();
        times.push_back(seconds_since(start));
    }
    std::sort(times.begin(), times.end());

    // The same dump once more in two steps: the kernel and the transport (messages copied
    // aside), then the library's parsing of them. --format single: the one-message-per-session
    // dump that kernels without GET_SESSION_TABLE give.
    const bool single = args.has("format") && args.str("format") == "single";
    Messages messages;
    auto start = Clock::now();
    dump_messages(client, single, messages, label);
    const double dump_secs = seconds_since(start);
    std::size_t parsed = 0;
    const double parse_secs = parse_all(messages, parsed, count);
    if (parsed != count) throw std::runtime_error("the split dump saw another number of sessions");
    if (args.has("save")) {
        std::FILE* f = std::fopen(args.str("save").c_str(), "w");
        for (const auto& m : messages)
            if (!f || std::fwrite(m.data(), 1, m.size(), f) != m.size())
                throw std::runtime_error("cannot write " + args.str("save"));
        if (!f || std::fclose(f)) throw std::runtime_error("cannot write " + args.str("save"));
    }
    std::printf(
        "sessions=%zu min_secs=%.6f median_secs=%.6f max_secs=%.6f dump_secs=%.6f "
        "parse_secs=%.6f messages=%zu\n",
        count, times.front(), times[times.size() / 2], times.back(), dump_secs, parse_secs,
        messages.size());
    return 0;
}

// A session as a dump names it: its switchboard's gate A and its id.
using SessionKey = std::tuple<std::string, std::uint16_t, std::uint32_t>;

// How many sessions entries list more than once.
std::size_t repeated_sessions(const std::vector<xtrtpproxy::SessionEntry>& entries) {
    std::set<SessionKey> seen;
    std::size_t repeated = 0;
    for (const auto& e : entries)
        repeated += !seen.emplace(e.switchboard.gate_a.addr.to_string(), e.switchboard.gate_a.port,
                                  e.session.id)
                         .second;
    return repeated;
}

// Dumps while something else allocates and frees sessions (tests/vm/t_accounting.sh): the
// kernel must flag the dumps that changes overtook, and the library must hand back only
// dumps it was not told were inconsistent.
int dumps(const Args& args) {
    const unsigned long repeat = args.num("repeat", 100);
    const bool single = args.has("format") && args.str("format") == "single";
    Client client;
    unsigned long interrupted = 0, repeated = 0, parts_most = 0;
    std::size_t fewest = SIZE_MAX, most = 0;
    for (unsigned long i = 0; i < repeat; ++i) {
        Messages messages;
        const bool whole = dump_messages(client, single, messages);
        parts_most = std::max<unsigned long>(parts_most, messages.size());
        if (!whole) {
            ++interrupted;
            continue;
        }
        std::vector<xtrtpproxy::SessionEntry> entries;
        parse_messages(messages, entries);
        repeated += repeated_sessions(entries) != 0;
        fewest = std::min(fewest, entries.size());
        most = std::max(most, entries.size());
    }
    unsigned long lists = 0, gave_up = 0, lists_repeated = 0;
    for (unsigned long i = 0; i < repeat; ++i) {
        try {
            lists_repeated += repeated_sessions(client.sessions()) != 0;
            ++lists;
        } catch (const std::system_error& e) {
            if (e.code().value() != EAGAIN) throw;
            ++gave_up;
        }
    }
    std::printf(
        "dumps=%lu interrupted=%lu messages_most=%lu sessions_fewest=%zu sessions_most=%zu "
        "repeated=%lu lists=%lu lists_gave_up=%lu lists_repeated=%lu\n",
        repeat, interrupted, parts_most, fewest == SIZE_MAX ? 0 : fewest, most, repeated, lists,
        gave_up, lists_repeated);
    return 0;
}

// Parses dump messages saved by `list --save`: the library's cost, wherever it runs.
int parse(const Args& args) {
    std::FILE* f = std::fopen(args.str("file").c_str(), "r");
    if (!f) throw std::runtime_error("cannot read " + args.str("file"));
    Messages messages;
    nlmsghdr header;
    while (std::fread(&header, sizeof(header), 1, f) == 1) {
        if (header.nlmsg_len < sizeof(header)) throw std::runtime_error("bad message length");
        std::vector<std::byte> m(NLMSG_ALIGN(header.nlmsg_len));
        std::memcpy(m.data(), &header, sizeof(header));
        const std::size_t rest = header.nlmsg_len - sizeof(header);
        if (std::fread(m.data() + sizeof(header), 1, rest, f) != rest)
            throw std::runtime_error("short message");
        messages.push_back(std::move(m));
    }
    std::fclose(f);
    std::vector<double> times;
    std::size_t sessions = 0;
    for (unsigned long i = 0; i < args.num("repeat", 5); ++i)
        times.push_back(parse_all(messages, sessions, sessions));
    std::sort(times.begin(), times.end());
    std::printf("sessions=%zu parse_secs=%.6f messages=%zu\n", sessions, times.front(),
                messages.size());
    return 0;
}

// Generic netlink round trips that need no module (CTRL_CMD_GETFAMILY of "nlctrl", answered and
// ACKed): run on the host and in the VM, the ratio says how much dearer a request is there.
int calibrate(const Args& args) {
    const unsigned long count = args.num("count", 20000);
    mnl_socket* nl = mnl_socket_open(NETLINK_GENERIC);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
        throw std::runtime_error("cannot open a generic netlink socket");
    const unsigned int portid = mnl_socket_get_portid(nl);
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    const auto start = Clock::now();
    for (unsigned long i = 0; i < count; ++i) {
        nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
        nlh->nlmsg_type = GENL_ID_CTRL;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = static_cast<unsigned int>(i + 1);
        auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
        genl->cmd = CTRL_CMD_GETFAMILY;
        genl->version = 1;
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
            throw std::runtime_error("netlink send failed");
        int ret;
        do {
            const ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
            if (n < 0) throw std::runtime_error("netlink receive failed");
            ret = mnl_cb_run(buf.data(), static_cast<std::size_t>(n), nlh->nlmsg_seq, portid,
                             nullptr, nullptr);
        } while (ret > 0);
        if (ret < 0) throw std::runtime_error("netlink request failed");
    }
    const double secs = seconds_since(start);
    mnl_socket_close(nl);
    std::printf("requests=%lu us_per_request=%.2f\n", count, secs * 1e6 / count);
    return 0;
}

// Every session, or those of the switchboards with gate A's address (and port) in a range: the
// library's request as it is, without the CLI's checks (the kernel's own are what
// tests/vm/t_hardening.sh looks at).
int clear(const Args& args) {
    Client client;
    std::optional<SwitchboardSelector> selector;
    std::optional<SessionRange> range;
    if (args.has("addr-a")) {
        selector = SwitchboardSelector{};
        selector->addr_a = Address::parse(args.str("addr-a"));
        if (args.has("port-a")) selector->port_a = static_cast<std::uint16_t>(args.num("port-a"));
    }
    if (args.has("lo")) {
        const auto lo = static_cast<std::uint32_t>(args.num("lo"));
        range = SessionRange{lo, static_cast<std::uint32_t>(args.num("hi", lo))};
    }
    std::printf("deleted=%u\n", client.remove(selector, range));
    return 0;
}

// Faults in 256 KiB of stack, for what runs later (see fill).
[[gnu::noinline]] void touch_stack() {
    volatile char frame[256 * 1024];
    for (std::size_t i = 0; i < sizeof(frame); i += 4096) frame[i] = 1;
}

// Allocates in bulk until the kernel refuses (tests/vm/t_userns.sh: a memory cgroup that
// fills). Everything it needs is allocated before it starts, and before the line it waits for
// with --wait, so that its own memory does not grow while the cgroup fills.
int fill(const Args& args) {
    Client client;
    const auto sel = selector(Address::parse(args.str("gate-a")), args.num("port-a"),
                              Address::parse(args.str("gate-b")), args.num("port-b"));
    const std::vector<SessionParams> chunk(RTPPROXY_BULK_MAX, client_params(args));
    std::vector<xtrtpproxy::BatchResult<xtrtpproxy::SessionEntry>> results;
    results.reserve(RTPPROXY_BULK_MAX);
    // The heap keeps what it grew to (glibc gives the top of it back above 128 KiB otherwise),
    // and one bulk request and its delete grow it to what every later one needs.
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    mallopt(M_MMAP_THRESHOLD, INT_MAX);
    unsigned long removed = 0;  // the sessions deleted: the namespace's counters say so too
    results = client.alloc_batch(sel, chunk);
    for (const auto& r : results)
        removed += client.remove(sel, SessionRange{r.get().session.id, r.get().session.id});
    // What the error path allocates (the library retries one by one, exceptions) comes from
    // pages touched now: a page fault in a full cgroup would call the OOM killer.
    constexpr std::size_t kReserve = 4 << 20;
    if (void* reserve = std::malloc(kReserve)) {
        std::memset(reserve, 1, kReserve);
        std::free(reserve);
    }
    touch_stack();
    // The error path too: a bulk request with one bad session is refused, sent again one by one
    // and gets one error. Then everything mapped is faulted in and kept, if the limit allows.
    std::vector<SessionParams> bad = chunk;
    bad.back().stream(StreamIndex::rtp_a).addr = Address::parse("255.255.255.255");
    for (const auto& r : client.alloc_batch(sel, bad))
        if (r.ok())
            removed += client.remove(sel, SessionRange{r.get().session.id, r.get().session.id});
    if (mlockall(MCL_CURRENT)) std::perror("sessbench fill: mlockall");
    if (args.has("wait")) {
        std::string line;
        std::getline(std::cin, line);
    }
    unsigned long allocated = 0;
    for (;;) {
        results = client.alloc_batch(sel, chunk);
        for (const auto& r : results) {
            if (!r.ok()) {
                try {
                    r.get();
                } catch (const std::exception& e) {
                    std::printf("removed=%lu allocated=%lu error=\"%s\"\n", removed, allocated,
                                e.what());
                }
                return 1;
            }
            ++allocated;
        }
    }
}

// An audit that expires and frees a session in one pass counts it once (tests/vm/t_accounting.sh).
// The expiry work looks every second too: back to back from one process, the audits get there
// first nearly always.
int audit(const Args& args) {
    const auto sel = selector(Address::parse(args.str("gate-a")), args.num("port-a"),
                              Address::parse(args.str("gate-b")), args.num("port-b"));
    const unsigned long count = args.num("count", 4), rounds = args.num("rounds", 5);
    SessionParams params;
    params.stream(StreamIndex::rtp_a).learn_timeout_ms = 600000;
    const std::vector<SessionParams> chunk(count, params);
    Client client;
    const auto held = [&] {
        const auto sbs = client.switchboards(sel);
        if (sbs.size() != 1) throw std::runtime_error("the selector names no one switchboard");
        return static_cast<unsigned long>(sbs[0].live + sbs[0].expired);
    };
    unsigned long caught = 0, overcounted = 0, audits = 0;
    for (unsigned long round = 0; round < rounds; ++round) {
        for (const auto& r : client.alloc_batch(sel, chunk)) r.get();
        for (unsigned long before = held(); before;) {
            const unsigned long n = client.audit(sel);
            const unsigned long after = held();
            ++audits;
            overcounted += n > before;
            caught += before == count && n == count && after == 0;
            before = after;
        }
    }
    std::printf("rounds=%lu audits=%lu caught=%lu overcounted=%lu\n", rounds, audits, caught,
                overcounted);
    return 0;
}

// N info requests, one at a time, each timed: what a control command waits for the namespace's
// mutex while the expiry work scans (docs/performance.md).
int latency(const Args& args) {
    const unsigned long count = args.num("count", 1000);
    Client client;
    std::vector<double> us;
    us.reserve(count);
    for (unsigned long i = 0; i < count; ++i) {
        const auto start = Clock::now();
        client.info();
        us.push_back(seconds_since(start) * 1e6);
    }
    std::sort(us.begin(), us.end());
    const auto at = [&](double q) { return us[static_cast<std::size_t>(q * (us.size() - 1))]; };
    // The longest waits are the emulator's as often as the kernel's: how many waited over 1 ms
    // says more than the single longest.
    const auto over_1ms = us.end() - std::upper_bound(us.begin(), us.end(), 1000.0);
    std::printf("requests=%lu us_median=%.0f us_p99=%.0f us_p999=%.0f us_max=%.0f over_1ms=%ld\n",
                count, at(0.5), at(0.99), at(0.999), us.back(), static_cast<long>(over_1ms));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: sessbench "
                     "setup|churn|list|dumps|parse|clear|fill|audit|latency|calibrate --key "
                     "value...\n";
        return 2;
    }
    const std::string_view cmd = argv[1];
    try {
        const Args args(argc, argv);
        if (cmd == "setup") return setup(args);
        if (cmd == "churn") return churn(args);
        if (cmd == "list") return list(args);
        if (cmd == "clear") return clear(args);
        if (cmd == "latency") return latency(args);
        if (cmd == "audit") return audit(args);
        if (cmd == "fill") return fill(args);
        if (cmd == "calibrate") return calibrate(args);
        if (cmd == "parse") return parse(args);
        if (cmd == "dumps") return dumps(args);
        std::cerr << "sessbench: unknown command '" << cmd << "'\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "sessbench: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sessbench " << cmd << ": " << e.what() << '\n';
        return 1;
    }
}
