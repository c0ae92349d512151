// SPDX-License-Identifier: GPL-2.0
// The call table: matching requests to streams, and each stream's kernel session.
#include "call_table.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <utility>

namespace rtpproxyd {
namespace {

using xtrtpproxy::StreamIndex;

StreamIndex rtp_of(Side side) { return side == Side::a ? StreamIndex::rtp_a : StreamIndex::rtp_b; }

bool unspecified(const xtrtpproxy::Address& addr) {
    const auto bytes = addr.bytes();
    return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

// Whether a stream is between the parties: tag and other in either order, a party whose tag
// is not known yet standing for any; or, without other, any stream tag is in.
bool between(const MediaStream& stream, std::string_view tag,
             std::optional<std::string_view> other) {
    if (!other) return stream.offerer == tag || stream.answerer == tag;
    const auto answerer_is = [&](std::string_view t) {
        return stream.answerer.empty() || stream.answerer == t;
    };
    return (stream.offerer == tag && answerer_is(*other)) ||
           (stream.offerer == *other && answerer_is(tag));
}

SessionLabel label_of(const std::string& call, const MediaStream& stream) {
    return SessionLabel{call, stream.offerer, stream.answerer, stream.index, stream.offerer_side};
}

std::optional<std::string> tag_key(std::optional<std::string_view> tag) {
    if (!tag) return std::nullopt;
    return call_key(*tag, kMaxLiteralTag);
}

std::optional<std::string_view> view_of(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return *text;
}

}  // namespace

CallTable::CallTable(const RelayPlan& plan, SessionStore& store, SessionPolicy policy,
                     NotifyJournal* journal)
    : plan_(plan), store_(store), policy_(std::move(policy)), journal_(journal) {}

std::string CallTable::journal_key(const MediaStream& stream) const {
    return stream_key(gates(stream).gate_a, stream.session);
}

void CallTable::keep_notify(MediaStream& stream, const std::string& key, const Notify& notify) {
    const bool replaces = stream.notify != nullptr;
    if (replaces && *stream.notify == notify) return;  // a retransmission, a re-INVITE
    stream.notify = std::make_shared<const Notify>(notify);
    if (!journal_) return;
    journal_->put({journal_key(stream), key, stream.index, notify}, replaces);
    if (journal_->wants_rewrite()) journal_->rewrite(notify_records());
}

std::vector<NotifyRecord> CallTable::notify_records() const {
    std::vector<NotifyRecord> records;
    for (const auto& [key, call] : calls_)
        for (const auto& stream : call.media)
            if (stream.notify)
                records.push_back({journal_key(stream), key, stream.index, *stream.notify});
    return records;
}

const xtrtpproxy::SwitchboardGates& CallTable::gates(const MediaStream& stream) const {
    return plan_.switchboards()[stream.switchboard].gates;
}

xtrtpproxy::Endpoint CallTable::local_endpoint(const MediaStream& stream, Side side) const {
    const auto& gate = gate_of(gates(stream), side);
    return {gate.addr, static_cast<std::uint16_t>(gate.port + 2 * stream.session)};
}

CallTable::Match CallTable::match(Call& call, std::string_view sender,
                                  std::optional<std::string_view> other, std::uint16_t media) {
    // The sender offered this stream first: a repeated offer, or the offerer's answer to the
    // callee's re-INVITE. A new to-tag (another fork's answer came first) replaces the old.
    for (auto& stream : call.media) {
        if (stream.index != media || stream.offerer != sender) continue;
        if (other) stream.answerer = *other;
        return {&stream, true};
    }
    // The sender answered it, or answers it now: the answer, or the callee's re-INVITE.
    for (auto& stream : call.media) {
        if (stream.index != media) continue;
        if (stream.answerer == sender && (!other || stream.offerer == *other))
            return {&stream, false};
        if (other && stream.offerer == *other) {
            stream.answerer = sender;
            return {&stream, false};
        }
    }
    return {};
}

StreamResult CallTable::stream(const StreamRequestParams& request) {
    StreamResult result;
    result.error = CallError::not_found;
    if (request.media < 1 || request.media > kMaxMediaIndex) return result;
    const std::string key = call_key(request.call_id, kMaxLiteralCallId);
    const std::string sender = call_key(request.sender_tag, kMaxLiteralTag);
    const std::optional<std::string> other = tag_key(request.other_tag);

    auto it = calls_.find(key);
    if (it != calls_.end()) {
        const Match found = match(it->second, sender, view_of(other), request.media);
        if (found.stream) {
            if (request.notify) keep_notify(*found.stream, key, *request.notify);
            return point(*found.stream, key, found.sender_is_offerer, request);
        }
    }
    if (!request.may_create) return result;
    if (it == calls_.end()) {
        it = calls_.emplace(key, Call{}).first;
        it->second.call_id = request.call_id;
        it->second.created = std::chrono::steady_clock::now();
    }
    result = create(it->second, key, request, sender, other);
    if (!result.local) erase_call_if_empty(key);
    return result;
}

StreamResult CallTable::create(Call& call, const std::string& key,
                               const StreamRequestParams& request, const std::string& sender,
                               const std::optional<std::string>& receiver) {
    StreamResult result;
    ChoiceError why = ChoiceError::no_local_address;
    const auto choice = plan_.choose(request.remote.family(), request.receiver_family,
                                     request.sender_network, request.receiver_network, &why);
    if (!choice) {
        result.error =
            why == ChoiceError::no_bridge ? CallError::no_bridge : CallError::no_local_address;
        return result;
    }
    MediaStream stream;
    stream.index = request.media;
    stream.offerer = sender;
    stream.answerer = receiver.value_or("");
    stream.switchboard = static_cast<std::uint16_t>(choice->switchboard);
    stream.offerer_side = choice->offerer_side;
    const auto& sb = plan_.switchboards()[choice->switchboard].gates;

    xtrtpproxy::SessionParams params;
    params.label = encode_label(label_of(key, stream));
    params.relay = policy_.relay;
    auto& offerer = params.stream(rtp_of(stream.offerer_side));
    if (!unspecified(request.remote) && request.remote_port != 0) {
        offerer.addr = request.remote;
        offerer.port = request.remote_port;
    }
    if (!request.asymmetric || !offerer.addr) offerer.learn_timeout_ms = policy_.learn_timeout_ms;
    // The answerer is not known before its answer: it is learnt, whatever the modifiers say,
    // so that early media reaches the offerer.
    params.stream(rtp_of(other(stream.offerer_side))).learn_timeout_ms = policy_.learn_timeout_ms;

    try {
        const auto entry = store_.alloc(sb, params);
        stream.session = entry.session.id;
    } catch (const StoreError& error) {
        result.error =
            error.kind() == StoreError::Kind::full ? CallError::no_ports : CallError::kernel;
        result.detail = error.what();
        return result;
    }
    by_session_[session_key(stream.switchboard, stream.session)] = &calls_.find(key)->first;
    call.media.push_back(std::move(stream));
    ++created_;
    if (request.notify) keep_notify(call.media.back(), key, *request.notify);
    result.local = local_endpoint(call.media.back(), other(call.media.back().offerer_side));
    result.created = true;
    return result;
}

StreamResult CallTable::point(MediaStream& stream, const std::string& key, bool sender_is_offerer,
                              const StreamRequestParams& request) {
    StreamResult result;
    const Side sender_side = sender_is_offerer ? stream.offerer_side : other(stream.offerer_side);
    xtrtpproxy::SessionParams params;
    params.label = encode_label(label_of(key, stream));
    if (!unspecified(request.remote) && request.remote_port != 0) {
        if (request.remote.family() != gate_of(gates(stream), sender_side).addr.family()) {
            result.error = CallError::remote_address;
            return result;
        }
        auto& sent = params.stream(rtp_of(sender_side));
        sent.addr = request.remote;
        sent.port = request.remote_port;
        // Learning again from the next packet: the party may have moved (a re-INVITE after a
        // network change); asymmetric, its packets must come from where it said.
        sent.learn_timeout_ms = request.asymmetric ? 0 : policy_.learn_timeout_ms;
    }
    try {
        if (!store_.update(gates(stream), stream.session, params)) {
            // The kernel let it go (expired) and its event is still on its way.
            result.error = CallError::not_found;
            return result;
        }
    } catch (const StoreError& error) {
        result.error = CallError::kernel;
        result.detail = error.what();
        return result;
    }
    result.local = local_endpoint(stream, other(sender_side));
    return result;
}

std::size_t CallTable::remove(std::string_view call_id, std::string_view tag,
                              std::optional<std::string_view> other_tag) {
    const std::string key = call_key(call_id, kMaxLiteralCallId);
    const auto it = calls_.find(key);
    if (it == calls_.end()) return 0;
    const std::string tag_k = call_key(tag, kMaxLiteralTag);
    const auto other_k = tag_key(other_tag);
    std::size_t removed = 0;
    auto& media = it->second.media;
    for (std::size_t i = media.size(); i-- > 0;) {
        if (!between(media[i], tag_k, view_of(other_k))) continue;
        try {
            store_.remove(gates(media[i]), media[i].session);
        } catch (const StoreError&) {
            // Gone already or not removable: either way the stream is over for the proxy.
        }
        erase_stream(it->second, i);
        ++removed;
    }
    erase_call_if_empty(key);
    return removed;
}

std::size_t CallTable::remove_all() {
    std::size_t removed = 0;
    for (auto& [key, call] : calls_) {
        for (const auto& stream : call.media) {
            try {
                store_.remove(gates(stream), stream.session);
            } catch (const StoreError&) {
            }
            ++removed;
        }
    }
    ended_ += removed;
    calls_.clear();
    by_session_.clear();
    if (journal_) journal_->rewrite({});
    return removed;
}

const Call* CallTable::find(std::string_view call_id) const {
    const auto it = calls_.find(call_key(call_id, kMaxLiteralCallId));
    return it == calls_.end() ? nullptr : &it->second;
}

std::vector<const MediaStream*> CallTable::streams(
    const Call& call, std::optional<std::string_view> tag,
    std::optional<std::string_view> other_tag) const {
    std::vector<const MediaStream*> out;
    const auto tag_k = tag_key(tag);
    const auto other_k = tag_key(other_tag);
    for (const auto& stream : call.media) {
        if (tag_k && !between(stream, *tag_k, view_of(other_k))) continue;
        out.push_back(&stream);
    }
    return out;
}

std::optional<xtrtpproxy::Session> CallTable::session(const MediaStream& stream) {
    try {
        return store_.session(gates(stream), stream.session);
    } catch (const StoreError&) {
        return std::nullopt;
    }
}

std::optional<EndedStream> CallTable::forget(std::size_t switchboard, std::uint32_t session) {
    const auto at = by_session_.find(session_key(switchboard, session));
    if (at == by_session_.end()) return std::nullopt;
    const std::string key = *at->second;
    auto& call = calls_.at(key);
    for (std::size_t i = 0; i < call.media.size(); ++i) {
        if (call.media[i].switchboard != switchboard || call.media[i].session != session) continue;
        EndedStream ended{call.call_id, call.media[i]};
        erase_stream(call, i);
        erase_call_if_empty(key);
        return ended;
    }
    return std::nullopt;
}

std::size_t CallTable::forget_switchboard(std::size_t switchboard) {
    std::size_t forgotten = 0;
    for (auto it = calls_.begin(); it != calls_.end();) {
        auto& media = it->second.media;
        for (std::size_t i = media.size(); i-- > 0;) {
            if (media[i].switchboard != switchboard) continue;
            erase_stream(it->second, i);
            ++forgotten;
        }
        it = media.empty() ? calls_.erase(it) : std::next(it);
    }
    return forgotten;
}

CallTable::Rebuilt CallTable::rebuild() {
    Rebuilt rebuilt;
    auto targets = journal_ ? journal_->load() : std::unordered_map<std::string, NotifyRecord>{};
    const auto now = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < plan_.switchboards().size(); ++i) {
        const auto& sb = plan_.switchboards()[i].gates;
        for (const auto& entry : store_.labelled(sb, kLabelPrefix)) {
            const auto label = decode_label(entry.session.label);
            if (!label) continue;
            if (by_session_.contains(session_key(i, entry.session.id))) continue;
            MediaStream stream;
            stream.index = label->media;
            stream.offerer = label->offerer;
            stream.answerer = label->answerer;
            stream.switchboard = static_cast<std::uint16_t>(i);
            stream.offerer_side = label->offerer_side;
            stream.session = entry.session.id;
            // The target of this session, not of one that had its id before.
            const auto target = targets.find(journal_key(stream));
            if (target != targets.end()) {
                if (target->second.call == label->call)
                    stream.notify = std::make_shared<const Notify>(target->second.notify);
                targets.erase(target);
            }
            if (entry.session.state == xtrtpproxy::SessionState::expired) {
                try {
                    store_.remove(sb, entry.session.id);
                } catch (const StoreError&) {
                    // Freed meanwhile: over either way.
                }
                rebuilt.ended.push_back({label->call, std::move(stream)});
                continue;
            }
            const auto node = calls_.try_emplace(label->call).first;
            Call& call = node->second;
            if (call.call_id.empty()) {
                call.call_id = label->call;
                call.created = now - std::chrono::milliseconds(entry.session.age_ms);
            }
            by_session_[session_key(i, stream.session)] = &node->first;
            call.media.push_back(std::move(stream));
            ++rebuilt.streams;
        }
    }
    // Streams the kernel freed (expired and past their resurrection time) or lost with their
    // switchboard while no daemon watched.
    for (auto& [unused, record] : targets) {
        EndedStream ended{record.call, {}};
        ended.stream.index = record.media;
        ended.stream.notify = std::make_shared<const Notify>(std::move(record.notify));
        rebuilt.ended.push_back(std::move(ended));
    }
    if (journal_) journal_->rewrite(notify_records());
    return rebuilt;
}

std::vector<std::string> CallTable::call_ids(std::size_t limit) const {
    std::vector<const Call*> all;
    all.reserve(calls_.size());
    for (const auto& [key, call] : calls_) all.push_back(&call);
    std::sort(all.begin(), all.end(),
              [](const Call* x, const Call* y) { return x->created < y->created; });
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < all.size() && i < limit; ++i) ids.push_back(all[i]->call_id);
    return ids;
}

void CallTable::erase_stream(Call& call, std::size_t index) {
    if (journal_ && call.media[index].notify) journal_->erase(journal_key(call.media[index]));
    by_session_.erase(session_key(call.media[index].switchboard, call.media[index].session));
    call.media.erase(call.media.begin() + static_cast<std::ptrdiff_t>(index));
    ++ended_;
}

void CallTable::erase_call_if_empty(const std::string& key) {
    const auto it = calls_.find(key);
    if (it != calls_.end() && it->second.media.empty()) calls_.erase(it);
}

}  // namespace rtpproxyd
