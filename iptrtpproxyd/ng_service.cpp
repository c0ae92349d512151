// SPDX-License-Identifier: GPL-2.0
// NgService: rtpengine's ng commands as rtpengine answers them, over the call table.
#include "ng_service.hpp"

#include <sys/socket.h>

#include <chrono>
#include <utility>

namespace rtpproxyd {
namespace {

using bencode::Value;
using Dict = bencode::Value::Dictionary;

int family_of(sdp::Family family) { return family == sdp::Family::ip6 ? AF_INET6 : AF_INET; }
sdp::Family sdp_family(const xtrtpproxy::Address& addr) {
    return addr.is_v6() ? sdp::Family::ip6 : sdp::Family::ip4;
}

// rtpengine's interface names for the two networks of bridging mode.
std::optional<Network> network_named(std::string_view name) {
    if (name == "internal" || name == "int" || name == "priv" || name == "private")
        return Network::internal;
    if (name == "external" || name == "ext" || name == "pub" || name == "public")
        return Network::external;
    return std::nullopt;
}

std::optional<std::string_view> tag_or_none(const std::string& tag) {
    if (tag.empty()) return std::nullopt;
    return tag;
}

Value counters(std::uint64_t packets, std::uint64_t bytes, std::uint64_t errors) {
    return Value(Dict{{"packets", Value(static_cast<std::int64_t>(packets))},
                      {"bytes", Value(static_cast<std::int64_t>(bytes))},
                      {"errors", Value(static_cast<std::int64_t>(errors))}});
}

}  // namespace

NgService::NgService(CallTable& calls, const RelayPlan& plan, NgServiceConfig config)
    : calls_(calls), plan_(plan), config_(std::move(config)) {}

Value NgService::handle(const ng::Request& request) {
    switch (request.command) {
        case ng::Command::ping:
            return ng::pong_reply();
        case ng::Command::offer:
            return offer_or_answer(request, true);
        case ng::Command::answer:
            return offer_or_answer(request, false);
        case ng::Command::delete_:
            return remove(request);
        case ng::Command::query:
            return query(request);
        case ng::Command::list:
            return list(request);
        case ng::Command::statistics:
            return statistics();
        case ng::Command::start_recording:
            return record(request, false);
        case ng::Command::stop_recording:
            return record(request, true);
    }
    return ng::error_reply(ng::kUnrecognizedCommand);
}

Value NgService::offer_or_answer(const ng::Request& request, bool offer) {
    const sdp::Session& session = *request.sdp;
    std::optional<Network> sender_network, receiver_network;
    if (!request.direction.empty()) {
        sender_network = network_named(request.direction[0]);
        if (!sender_network)
            return ng::error_reply("Unknown interface '" + request.direction[0] + "'");
        if (request.direction.size() > 1) {
            receiver_network = network_named(request.direction[1]);
            if (!receiver_network)
                return ng::error_reply("Unknown interface '" + request.direction[1] + "'");
        }
        if (!plan_.bridging()) {
            // One network: rtpengine's single interface answers to any direction.
            sender_network.reset();
            receiver_network.reset();
        }
    }
    const bool known_call = calls_.find(request.call_id) != nullptr;
    std::vector<sdp::MediaPlan> plans;
    std::vector<std::uint16_t> created;
    const auto roll_back = [&] {
        // An offer that fails halfway leaves nothing: the proxy tries the next relay with it.
        if (offer && !known_call) calls_.remove(request.call_id, request.from_tag, std::nullopt);
    };
    for (std::size_t i = 0; i < session.media.size(); ++i) {
        const sdp::Media& media = session.media[i];
        if (media.rejected()) {
            plans.push_back(sdp::MediaPlan::keep());
            continue;
        }
        // Where the sender receives: media-address, else received-from when asked to trust
        // the SIP source (behind NAT), else the SDP's c=.
        std::optional<xtrtpproxy::Address> remote;
        const sdp::Connection* c = session.connection_of(i);
        if (request.media_address) {
            remote = xtrtpproxy::Address::try_parse(request.media_address->address);
        } else if (request.flags.sip_source_address && request.received_from) {
            remote = xtrtpproxy::Address::try_parse(request.received_from->address);
        } else if (c && c->numeric) {
            remote = xtrtpproxy::Address::try_parse(c->address);
        } else if (request.received_from) {
            remote = xtrtpproxy::Address::try_parse(request.received_from->address);
        }
        if (!remote) {
            roll_back();
            return ng::error_reply("Failed to parse SDP: no numeric address for media " +
                                   std::to_string(i + 1));
        }
        StreamRequestParams params;
        params.call_id = request.call_id;
        if (offer) {
            params.sender_tag = request.from_tag;
            params.other_tag = tag_or_none(request.to_tag);
        } else {
            params.sender_tag = request.to_tag;
            params.other_tag = request.from_tag;
        }
        params.media = static_cast<std::uint16_t>(i + 1);
        // Hold (c=0.0.0.0) keeps the stream's destination, as rtpproxy does.
        params.remote = *remote;
        if (c && c->zero)
            params.remote = xtrtpproxy::Address::parse(remote->is_v6() ? "::" : "0.0.0.0");
        params.remote_port = media.port;
        params.asymmetric = request.flags.asymmetric;
        params.may_create = offer;
        if (request.address_family) params.receiver_family = family_of(*request.address_family);
        params.sender_network = sender_network;
        params.receiver_network = receiver_network;

        const StreamResult result = calls_.stream(params);
        if (!result.local) {
            roll_back();
            switch (result.error) {
                case CallError::not_found:
                    return ng::error_reply(ng::kUnknownCallId);
                case CallError::no_ports:
                    // The exact reason that makes Kamailio try its next relay.
                    return ng::error_reply(ng::kRanOutOfPorts);
                case CallError::no_local_address:
                    return ng::error_reply("No local address of the requested family");
                case CallError::remote_address:
                    return ng::error_reply("Media address of the wrong family for its interface");
                case CallError::no_bridge:
                case CallError::kernel:
                    break;
            }
            return ng::error_reply(ng::kRanOutOfPorts);
        }
        sdp::Endpoint endpoint;
        endpoint.family = sdp_family(result.local->addr);
        endpoint.address = result.local->addr.to_string();
        endpoint.port = result.local->port;
        plans.push_back(sdp::MediaPlan::relay_to(std::move(endpoint)));
    }
    sdp::RewriteOptions options;
    options.replace_origin = request.replace.origin;
    options.strip_ice = true;
    options.add_rtcp_attribute = !request.flags.no_rtcp_attribute;
    auto rewritten = sdp::rewrite(session, plans, options);
    if (!rewritten) {
        roll_back();
        return ng::error_reply("Failed to rewrite SDP: " + rewritten.error);
    }
    Dict reply{{"sdp", Value(std::move(*rewritten.sdp))}};
    if (const auto warning = record_call(request))
        return ng::warning_reply(*warning, std::move(reply));
    return ng::ok_reply(std::move(reply));
}

std::optional<std::string_view> NgService::record_call(const ng::Request& request) {
    // The key ("record call": yes or no) wins over the flag (record-call).
    std::optional<bool> wanted = request.record_call;
    if (!wanted && request.flags.record_call) wanted = true;
    if (!wanted) return std::nullopt;
    return record_streams(request, !*wanted);
}

std::optional<std::string_view> NgService::record_streams(const ng::Request& request, bool stop) {
    const Call* call = calls_.find(request.call_id);
    if (!call) return ng::kUnknownCallId;
    const auto streams =
        calls_.streams(*call, tag_or_none(request.from_tag), tag_or_none(request.to_tag));
    if (streams.empty()) return ng::kCallNotFound;
    if (!config_.recording) return ng::kRecordingDisabled;
    if (!config_.recording->record(*call, streams, stop)) return ng::kRecordingFailed;
    return std::nullopt;
}

Value NgService::record(const ng::Request& request, bool stop) {
    const auto failure = record_streams(request, stop);
    return failure ? ng::error_reply(*failure) : ng::ok_reply();
}

Value NgService::remove(const ng::Request& request) {
    const std::size_t removed =
        calls_.remove(request.call_id, request.from_tag, tag_or_none(request.to_tag));
    if (removed == 0) return ng::call_not_found_reply(request);
    return ng::ok_reply();
}

Value NgService::query(const ng::Request& request) {
    const Call* call = calls_.find(request.call_id);
    if (!call) return ng::error_reply(ng::kUnknownCallId);
    std::uint64_t rtp_packets = 0, rtp_bytes = 0, rtp_errors = 0;
    std::uint64_t rtcp_packets = 0, rtcp_bytes = 0, rtcp_errors = 0;
    std::uint64_t idle_ms = 0;
    for (const MediaStream* stream : calls_.streams(*call, std::nullopt, std::nullopt)) {
        const auto session = calls_.session(*stream);
        if (!session) continue;
        idle_ms = std::max(idle_ms, session->idle_ms);
        for (std::size_t i = 0; i < xtrtpproxy::kStreams; ++i) {
            const auto& s = session->streams[i];
            const bool rtcp = i % 2 == 1;
            (rtcp ? rtcp_packets : rtp_packets) += s.packets;
            (rtcp ? rtcp_bytes : rtp_bytes) += s.bytes;
            (rtcp ? rtcp_errors : rtp_errors) += s.drops;
        }
    }
    const auto age = std::chrono::steady_clock::now() - call->created;
    const auto now = std::chrono::system_clock::now();
    const auto created =
        std::chrono::duration_cast<std::chrono::seconds>((now - age).time_since_epoch());
    return ng::ok_reply(Dict{
        {"created", Value(static_cast<std::int64_t>(created.count()))},
        {"totals", Value(Dict{{"RTP", counters(rtp_packets, rtp_bytes, rtp_errors)},
                              {"RTCP", counters(rtcp_packets, rtcp_bytes, rtcp_errors)}})},
        {"idle", Value(static_cast<std::int64_t>(idle_ms / 1000))},
    });
}

Value NgService::list(const ng::Request& request) {
    const std::size_t limit = request.limit ? static_cast<std::size_t>(*request.limit) : 32;
    Value::List ids;
    for (auto& id : calls_.call_ids(limit)) ids.emplace_back(std::move(id));
    return ng::ok_reply(Dict{{"calls", Value(std::move(ids))}});
}

Value NgService::statistics() {
    xtrtpproxy::Counters kernel;
    if (config_.kernel_info) {
        try {
            kernel = config_.kernel_info().counters;
        } catch (const std::exception&) {
        }
    }
    const auto n = [](std::uint64_t v) { return Value(static_cast<std::int64_t>(v)); };
    return ng::ok_reply(Dict{
        {"statistics",
         Value(Dict{{"currentstatistics", Value(Dict{{"sessionsown", n(calls_.calls())},
                                                     {"sessionsforeign", n(0)},
                                                     {"sessionstotal", n(calls_.calls())},
                                                     {"streams", n(calls_.streams())}})},
                    {"totalstatistics", Value(Dict{{"managedsessions", n(calls_.streams_created())},
                                                   {"timeoutsessions", n(kernel.sessions_expired)},
                                                   {"packetsrelayed", n(kernel.packets)},
                                                   {"bytesrelayed", n(kernel.bytes)}})}})}});
}

}  // namespace rtpproxyd
