// SPDX-License-Identifier: GPL-2.0
// The xt_rtpproxy commands on top of Socket and the message functions.
#include "xtrtpproxy/client.hpp"

#include <linux/netfilter/xt_RTPPROXY.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <string>
#include <system_error>

#include "xtrtpproxy/dump.hpp"
#include "xtrtpproxy/error.hpp"
#include "xtrtpproxy/message.hpp"

namespace xtrtpproxy {

namespace {

// Runs a request that may carry relay options, rate limits, a label, a clock rate, a recording
// or a label filter: a module too old for one refuses it with an error that says little to
// whoever gave the option (explain_unknown_attribute).
template <class Run>
void naming_refused_options(const Request& request, Run run) {
    try {
        run();
    } catch (const KernelError& e) {
        if (auto too_old = explain_unknown_attribute(e, request)) throw *too_old;
        throw;
    }
}

// The same for one request's outcome in a batch.
std::exception_ptr naming_refused_options(std::exception_ptr error, const Request& request) {
    if (!error) return error;
    try {
        std::rethrow_exception(error);
    } catch (const KernelError& e) {
        if (auto too_old = explain_unknown_attribute(e, request))
            return std::make_exception_ptr(*too_old);
    } catch (...) {
    }
    return error;
}

}  // namespace

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
    naming_refused_options(request, [&] {
        socket_.execute(request, "session alloc",
                        [&](const nlmsghdr* nlh) { entry = parse_session_reply(nlh); });
    });
    if (!entry) throw malformed_reply("session alloc: no reply before the ACK");
    return *entry;
}

std::uint32_t Client::update(const SwitchboardSelector& selector,
                             const std::optional<SessionRange>& range,
                             const SessionParams& params) {
    Request request = make_update_request(socket_.family_id(), selector, range, params);
    std::uint32_t updated = 0;
    naming_refused_options(request, [&] { updated = affected(request, "session update"); });
    return updated;
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
                                           const std::optional<SessionRange>& range,
                                           const std::optional<LabelFilter>& label) {
    std::vector<SessionEntry> entries;
    if (bulk_) {
        Request request = make_session_table_request(socket_.family_id(), selector, range, label);
        // Room for every session up front: growing a vector of 100,000 entries step by step
        // touches twice the memory, and page faults dominate under emulation. Pages of the
        // room a filter leaves unused are never touched.
        const std::size_t expected = info().sessions;
        try {
            // A module too old for the label filter refuses the dump request itself.
            naming_refused_options(request, [&] {
                entries = retry_dump<SessionEntry>(
                    "session list", kDumpAttempts, [&](std::vector<SessionEntry>& items) {
                        items.reserve(expected);
                        return socket_.dump(request, "session list", [&](const nlmsghdr* nlh) {
                            parse_session_table_reply(nlh, items);
                        });
                    });
            });
            return entries;
        } catch (const KernelError& e) {
            if (e.code().value() != EOPNOTSUPP) throw;
            bulk_ = false;
        }
    }
    // A module without the table is older than the labels too: it refuses a filter here.
    Request request = make_sessions_request(socket_.family_id(), selector, range, label);
    naming_refused_options(request, [&] {
        entries = dump_all<SessionEntry>(request, "session list", parse_session_reply);
    });
    return entries;
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

std::vector<BatchResult<SessionEntry>> Client::alloc_each(const SwitchboardSelector& selector,
                                                          std::span<const SessionParams> params) {
    std::vector<Request> requests;
    requests.reserve(params.size());
    for (const auto& p : params)
        requests.push_back(make_alloc_request(socket_.family_id(), selector, p));
    std::vector<std::optional<SessionEntry>> values(params.size());
    auto errors = socket_.batch(
        requests, "session alloc",
        [&](std::size_t index, const nlmsghdr* nlh) { values[index] = parse_session_reply(nlh); });
    for (std::size_t i = 0; i < errors.size(); ++i)
        errors[i] = naming_refused_options(errors[i], requests[i]);
    return collect(values, errors, "session alloc");
}

std::vector<BatchResult<std::uint32_t>> Client::remove_each(const SwitchboardSelector& selector,
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

namespace {

// Runs one_bulk(chunk, results) per chunk of at most per_message items while the kernel has the
// bulk commands. A chunk the kernel refuses changed nothing: each_item redoes it item by item
// for their own results; EOPNOTSUPP says the kernel lacks the commands (bulk = false). Any other
// failure (of the socket) is every item's result of that chunk.
template <class T, class Item, class Bulk, class Each>
std::vector<BatchResult<T>> in_bulk(std::span<const Item> items, std::size_t per_message,
                                    bool& bulk, Bulk one_bulk, Each each_item) {
    std::vector<BatchResult<T>> results;
    results.reserve(items.size());
    for (std::size_t done = 0; done < items.size();) {
        const auto chunk =
            items.subspan(done, std::min<std::size_t>(per_message, items.size() - done));
        done += chunk.size();
        if (bulk) {
            try {
                one_bulk(chunk, results);
                continue;
            } catch (const KernelError& e) {
                if (e.code().value() == EOPNOTSUPP) bulk = false;
            } catch (...) {
                const auto error = std::current_exception();
                for (std::size_t i = 0; i < chunk.size(); ++i) results.emplace_back().error = error;
                continue;
            }
        }
        auto each = each_item(chunk);
        std::move(each.begin(), each.end(), std::back_inserter(results));
    }
    return results;
}

}  // namespace

std::vector<BatchResult<SessionEntry>> Client::alloc_batch(const SwitchboardSelector& selector,
                                                           std::span<const SessionParams> params) {
    std::vector<SessionEntry> entries;
    // RTPPROXY_NEW_BULK_MAX: the reply's records fit one attribute.
    return in_bulk<SessionEntry>(
        params, RTPPROXY_NEW_BULK_MAX, bulk_,
        [&](std::span<const SessionParams> chunk, std::vector<BatchResult<SessionEntry>>& out) {
            Request request = make_alloc_many_request(socket_.family_id(), selector, chunk);
            entries.clear();
            socket_.execute(request, "session alloc",
                            [&](const nlmsghdr* nlh) { parse_session_table_reply(nlh, entries); });
            if (entries.size() != chunk.size())
                throw malformed_reply("session alloc: " + std::to_string(entries.size()) +
                                      " sessions for " + std::to_string(chunk.size()));
            for (auto& entry : entries) out.emplace_back().value = std::move(entry);
        },
        [&](std::span<const SessionParams> chunk) { return alloc_each(selector, chunk); });
}

std::vector<BatchResult<std::uint32_t>> Client::remove_batch(const SwitchboardSelector& selector,
                                                             std::span<const SessionRange> ranges) {
    return in_bulk<std::uint32_t>(
        ranges, RTPPROXY_BULK_MAX, bulk_,
        [&](std::span<const SessionRange> chunk, std::vector<BatchResult<std::uint32_t>>& out) {
            Request request = make_remove_many_request(socket_.family_id(), selector, chunk);
            std::vector<std::uint32_t> counts;
            socket_.execute(request, "session delete",
                            [&](const nlmsghdr* nlh) { counts = parse_affected_list_reply(nlh); });
            if (counts.size() != chunk.size())
                throw malformed_reply("session delete: " + std::to_string(counts.size()) +
                                      " counts for " + std::to_string(chunk.size()) + " ranges");
            for (auto count : counts) out.emplace_back().value = count;
        },
        [&](std::span<const SessionRange> chunk) { return remove_each(selector, chunk); });
}

}  // namespace xtrtpproxy
