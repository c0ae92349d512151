// SPDX-License-Identifier: GPL-2.0
// The xt_rtpproxy commands on top of Socket and the message functions.
#include "xtrtpproxy/client.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include "xtrtpproxy/dump.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"

namespace xtrtpproxy {

template <class T, class Parse>
std::vector<T> Client::dump_all(Request& request, std::string_view what, Parse parse) {
    return retry_dump<T>(what, kDumpAttempts, [&](std::vector<T>& items) {
        return socket_.dump(request, what,
                            [&](const nlmsghdr* nlh) { items.push_back(parse(nlh)); });
    });
}

std::uint32_t Client::affected(Request& request, std::string_view what) {
    std::optional<std::uint32_t> count;
    socket_.execute(request, what, [&](const nlmsghdr* nlh) { count = parse_affected_reply(nlh); });
    if (!count) throw malformed_reply(std::string(what) + ": no reply before the ACK");
    return *count;
}

Info Client::info() {
    Request request = make_info_request(socket_.family_id());
    std::optional<Info> info;
    socket_.execute(request, "info", [&](const nlmsghdr* nlh) { info = parse_info_reply(nlh); });
    if (!info) throw malformed_reply("info: no reply before the ACK");
    return *info;
}

std::vector<Switchboard> Client::switchboards(const SwitchboardSelector& selector) {
    Request request = make_switchboards_request(socket_.family_id(), selector);
    return dump_all<Switchboard>(request, "switchboard list", parse_switchboard_reply);
}

SessionEntry Client::alloc(const SwitchboardSelector& selector, const SessionParams& params) {
    Request request = make_alloc_request(socket_.family_id(), selector, params);
    std::optional<SessionEntry> entry;
    socket_.execute(request, "session alloc",
                    [&](const nlmsghdr* nlh) { entry = parse_session_reply(nlh); });
    if (!entry) throw malformed_reply("session alloc: no reply before the ACK");
    return *entry;
}

std::uint32_t Client::update(const SwitchboardSelector& selector,
                             const std::optional<SessionRange>& range,
                             const SessionParams& params) {
    Request request = make_update_request(socket_.family_id(), selector, range, params);
    return affected(request, "session update");
}

std::uint32_t Client::remove(const std::optional<SwitchboardSelector>& selector,
                             const std::optional<SessionRange>& range) {
    Request request = make_remove_request(socket_.family_id(), selector, range);
    return affected(request, "session delete");
}

SessionEntry Client::session(const SwitchboardSelector& selector, std::uint32_t id) {
    Request request = make_session_request(socket_.family_id(), selector, id);
    std::optional<SessionEntry> entry;
    socket_.execute(request, "session get",
                    [&](const nlmsghdr* nlh) { entry = parse_session_reply(nlh); });
    if (!entry) throw malformed_reply("session get: no reply before the ACK");
    return *entry;
}

std::vector<SessionEntry> Client::sessions(const std::optional<SwitchboardSelector>& selector,
                                           const std::optional<SessionRange>& range) {
    Request request = make_sessions_request(socket_.family_id(), selector, range);
    return dump_all<SessionEntry>(request, "session list", parse_session_reply);
}

std::uint32_t Client::reset(std::uint32_t bits,
                            const std::optional<SwitchboardSelector>& selector) {
    Request request = make_reset_request(socket_.family_id(), bits, selector);
    return affected(request, "counter reset");
}

std::uint32_t Client::audit(const std::optional<SwitchboardSelector>& selector) {
    Request request = make_audit_request(socket_.family_id(), selector);
    return affected(request, "audit");
}

namespace {

// Turns the socket's per-request outcome and the parsed replies into BatchResults.
template <class T>
std::vector<BatchResult<T>> collect(std::vector<std::optional<T>>& values,
                                    const std::vector<std::exception_ptr>& errors,
                                    const char* what) {
    std::vector<BatchResult<T>> results(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (errors[i])
            results[i].error = errors[i];
        else if (values[i])
            results[i].value = std::move(values[i]);
        else
            results[i].error = std::make_exception_ptr(
                malformed_reply(std::string(what) + ": no reply before the ACK"));
    }
    return results;
}

}  // namespace

std::vector<BatchResult<SessionEntry>> Client::alloc_batch(const SwitchboardSelector& selector,
                                                           std::span<const SessionParams> params) {
    std::vector<Request> requests;
    requests.reserve(params.size());
    for (const auto& p : params)
        requests.push_back(make_alloc_request(socket_.family_id(), selector, p));
    std::vector<std::optional<SessionEntry>> values(params.size());
    const auto errors = socket_.batch(
        requests, "session alloc",
        [&](std::size_t index, const nlmsghdr* nlh) { values[index] = parse_session_reply(nlh); });
    return collect(values, errors, "session alloc");
}

std::vector<BatchResult<std::uint32_t>> Client::remove_batch(const SwitchboardSelector& selector,
                                                             std::span<const SessionRange> ranges) {
    std::vector<Request> requests;
    requests.reserve(ranges.size());
    for (const auto& range : ranges)
        requests.push_back(make_remove_request(socket_.family_id(), selector, range));
    std::vector<std::optional<std::uint32_t>> values(ranges.size());
    const auto errors = socket_.batch(
        requests, "session delete",
        [&](std::size_t index, const nlmsghdr* nlh) { values[index] = parse_affected_reply(nlh); });
    return collect(values, errors, "session delete");
}

}  // namespace xtrtpproxy
