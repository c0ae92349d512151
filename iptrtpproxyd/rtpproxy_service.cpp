// SPDX-License-Identifier: GPL-2.0
// RtpproxyService: rtpproxy's commands as sippy's rtpproxy answers them, over the call table.
#include "rtpproxy_service.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <utility>

namespace rtpproxyd {

xtrtpproxy::Address to_kernel_address(const Address& address) {
    return xtrtpproxy::Address::from_bytes(
        std::as_bytes(std::span(address.bytes.data(), address.ipv6 ? 16 : 4)));
}

Address to_command_address(const xtrtpproxy::Address& address) {
    Address out;
    out.ipv6 = address.is_v6();
    const auto bytes = address.bytes();
    std::memcpy(out.bytes.data(), bytes.data(), bytes.size());
    return out;
}

namespace {

// The packet counts of one stream's kernel session, as Q reports them.
struct StreamCounts {
    std::uint64_t from_offerer = 0;
    std::uint64_t from_answerer = 0;
    std::uint64_t relayed = 0;
    std::uint64_t dropped = 0;
    std::uint64_t idle_ms = 0;
};

StreamCounts counts_of(const xtrtpproxy::Session& session, Side offerer_side) {
    StreamCounts c;
    c.idle_ms = session.idle_ms;
    for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i) {
        const auto& s = session.streams[i];
        const Side side = i < 2 ? Side::a : Side::b;
        (side == offerer_side ? c.from_offerer : c.from_answerer) += s.packets + s.drops;
        c.relayed += s.packets;
        c.dropped += s.drops;
    }
    return c;
}

std::optional<std::string_view> to_tag_name(const std::optional<Tag>& tag) {
    if (!tag) return std::nullopt;
    return tag->name;
}

using Counter = std::pair<const char*, std::uint64_t>;

// Q's and G's answer: the values of the counters named (all of them when none is), space
// separated, each as "name=value" when verbose; nullopt for a name that is not a counter,
// which sippy refuses.
std::optional<std::string> format_counters(std::span<const Counter> counters,
                                           const std::vector<std::string>& names, bool verbose) {
    std::vector<std::string_view> wanted(names.begin(), names.end());
    if (wanted.empty())
        for (const auto& counter : counters) wanted.push_back(counter.first);
    std::string out;
    for (const auto name : wanted) {
        const auto it = std::find_if(counters.begin(), counters.end(),
                                     [&](const Counter& c) { return name == c.first; });
        if (it == counters.end()) return std::nullopt;
        if (!out.empty()) out += ' ';
        if (verbose) out += std::string(name) + "=";
        out += std::to_string(it->second);
    }
    return out;
}

}  // namespace

RtpproxyService::RtpproxyService(CallTable& calls, const RelayPlan& plan,
                                 RtpproxyServiceConfig config)
    : calls_(calls), plan_(plan), config_(std::move(config)) {}

std::string RtpproxyService::handle(const Command& command) {
    return std::visit(
        [&](const auto& c) -> std::string {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, Version>) {
                return std::string(format_version());
            } else if constexpr (std::is_same_v<T, VersionFeature>) {
                return std::string(format_feature_reply(c.date, config_.features));
            } else if constexpr (std::is_same_v<T, Update>) {
                return stream(c, true, c.notify);
            } else if constexpr (std::is_same_v<T, Lookup>) {
                return stream(c, false, std::nullopt);
            } else if constexpr (std::is_same_v<T, Delete>) {
                return remove(c);
            } else if constexpr (std::is_same_v<T, Record>) {
                return record(c, false);
            } else if constexpr (std::is_same_v<T, NoRecord>) {
                return record(c, true);
            } else if constexpr (std::is_same_v<T, Copy>) {
                // Copies to a file or another address are not done by the kernel relay.
                return format_error(Error::copy_failed);
            } else if constexpr (std::is_same_v<T, Play>) {
                // No prompts to play: the media never leave the kernel.
                return format_error(calls_.find(c.call_id) ? Error::play_failed
                                                           : Error::session_not_found);
            } else if constexpr (std::is_same_v<T, NoPlay>) {
                // Nothing plays, so stopping succeeds for a call we have.
                return calls_.find(c.call_id) ? std::string(format_ok())
                                              : format_error(Error::session_not_found);
            } else if constexpr (std::is_same_v<T, Query>) {
                return query(c);
            } else if constexpr (std::is_same_v<T, Info>) {
                return info(c);
            } else if constexpr (std::is_same_v<T, DeleteAll>) {
                calls_.remove_all();
                return std::string(format_ok());
            } else {
                static_assert(std::is_same_v<T, Statistics>);
                return statistics(c);
            }
        },
        command);
}

std::string RtpproxyService::stream(const StreamRequest& request, bool update,
                                    const std::optional<Notify>& notify) {
    const auto& mods = request.modifiers;
    if (!plan_.bridging()) {
        if (mods.sender_network == Network::external || mods.receiver_network == Network::external)
            return format_error(Error::external_without_bridge);
        if (mods.sender_network || mods.receiver_network)
            return format_error(Error::internal_without_bridge);
    }
    if (notify && !config_.notify_enabled) return format_error(Error::notify_disabled);

    StreamRequestParams params;
    params.call_id = request.call_id;
    // U comes with the offer, from its sender; L with the answer, from the to-tag's party.
    if (update || !request.to_tag) {
        params.sender_tag = request.from_tag.name;
        params.other_tag = to_tag_name(request.to_tag);
    } else {
        params.sender_tag = request.to_tag->name;
        params.other_tag = request.from_tag.name;
    }
    const auto media = request.from_tag.media
                           ? request.from_tag.media
                           : (request.to_tag ? request.to_tag->media : std::nullopt);
    if (media && (*media < 1 || *media > kMaxMediaIndex)) return format_error(Error::syntax);
    params.media = static_cast<std::uint16_t>(media.value_or(1));
    params.remote = to_kernel_address(request.remote_address);
    params.remote_port = request.remote_port;
    // sippy's default: asymmetric in bridging mode, where the interfaces are routed, and
    // symmetric (latching) otherwise.
    params.asymmetric = mods.asymmetric.value_or(plan_.bridging());
    params.may_create = update;
    params.sender_network = mods.sender_network;
    params.receiver_network = mods.receiver_network;
    params.notify = notify;

    const StreamResult result = calls_.stream(params);
    if (result.local)
        return format_port_reply(result.local->port, to_command_address(result.local->addr));
    switch (result.error) {
        case CallError::not_found:
            // L for a stream we do not have: sippy answers port 0, which Kamailio takes as a
            // failed lookup.
            return update ? format_error(Error::session_not_found) : std::string(format_ok());
        case CallError::no_ports:
            return format_error(Error::no_ports);
        case CallError::no_local_address:
            return format_error(Error::no_local_address_for_family);
        case CallError::no_bridge:
            return format_error(Error::internal_without_bridge);
        case CallError::remote_address:
            return format_error(Error::remote_address);
        case CallError::kernel:
            break;
    }
    return format_error(Error::no_ports);
}

std::string RtpproxyService::remove(const Delete& command) {
    const std::size_t removed =
        calls_.remove(command.call_id, command.from_tag.name, to_tag_name(command.to_tag));
    return removed > 0 ? std::string(format_ok()) : format_error(Error::session_not_found);
}

std::string RtpproxyService::record(const CallTags& command, bool stop) {
    const Call* call = calls_.find(command.call_id);
    if (!call) return format_error(Error::session_not_found);
    const auto streams = calls_.streams(*call, command.from_tag.name, to_tag_name(command.to_tag));
    if (streams.empty()) return format_error(Error::session_not_found);
    if (!config_.recording || !config_.recording->record(*call, streams, stop))
        return format_error(Error::copy_failed);
    return std::string(format_ok());
}

std::string RtpproxyService::query(const Query& command) {
    const Call* call = calls_.find(command.call_id);
    if (!call) return format_error(Error::session_not_found);
    auto streams = calls_.streams(*call, command.from_tag.name, to_tag_name(command.to_tag));
    const auto media = command.from_tag.media;
    std::erase_if(streams, [&](const MediaStream* s) { return media && s->index != *media; });
    if (streams.empty()) return format_error(Error::session_not_found);
    StreamCounts total;
    std::uint64_t idle_ms = UINT64_MAX;
    for (const MediaStream* s : streams) {
        const auto session = calls_.session(*s);
        if (!session) continue;
        const StreamCounts c = counts_of(*session, s->offerer_side);
        total.from_offerer += c.from_offerer;
        total.from_answerer += c.from_answerer;
        total.relayed += c.relayed;
        total.dropped += c.dropped;
        idle_ms = std::min(idle_ms, c.idle_ms);
    }
    if (idle_ms == UINT64_MAX) return format_error(Error::query_failed);
    const std::int64_t ttl =
        std::max<std::int64_t>(0, static_cast<std::int64_t>(config_.idle_timeout) -
                                      static_cast<std::int64_t>(idle_ms / 1000));
    const Counter fields[] = {
        {"ttl", static_cast<std::uint64_t>(ttl)},
        {"pkts_ia", total.from_offerer},
        {"pkts_io", total.from_answerer},
        {"relayed", total.relayed},
        {"dropped", total.dropped},
    };
    return format_counters(fields, command.stats, command.verbose)
        .value_or(format_error(Error::query_failed));
}

std::string RtpproxyService::info(const Info& command) {
    std::string out = "sessions created: " + std::to_string(calls_.streams_created()) +
                      "\nactive sessions: " + std::to_string(calls_.streams()) +
                      "\nactive calls: " + std::to_string(calls_.calls());
    if (command.brief || !config_.kernel_info) return out;
    try {
        const auto info = config_.kernel_info();
        out += "\npackets relayed: " + std::to_string(info.counters.packets) +
               "\nbytes relayed: " + std::to_string(info.counters.bytes) +
               "\nkernel sessions: " + std::to_string(info.sessions);
    } catch (const std::exception&) {
        // The counters are extra: the call table's numbers above stand on their own.
    }
    return out;
}

std::string RtpproxyService::statistics(const Statistics& command) {
    xtrtpproxy::Counters counters;
    if (config_.kernel_info) {
        try {
            counters = config_.kernel_info().counters;
        } catch (const std::exception&) {
            return format_error(Error::stats_failed);
        }
    }
    const Counter all[] = {
        {"nsess_created", calls_.streams_created()},
        {"nsess_destroyed", calls_.streams_ended()},
        {"nsess_timeout", counters.sessions_expired},
        {"nsess_active", calls_.streams()},
        {"npkts_relayed", counters.packets},
        {"nbytes_relayed", counters.bytes},
        {"npkts_dropped", counters.drop_no_session + counters.drop_source + counters.drop_expired +
                              counters.drop_malformed + counters.drop_no_dest + counters.drop_xmit +
                              counters.drop_loop + counters.drop_rate},
    };
    return format_counters(all, command.names, command.verbose)
        .value_or(format_error(Error::stats_failed));
}

}  // namespace rtpproxyd
