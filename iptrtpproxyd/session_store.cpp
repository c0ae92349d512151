// SPDX-License-Identifier: GPL-2.0
// KernelSessions: the call table's requests as libxtrtpproxy sends them.
#include "session_store.hpp"

#include <cerrno>

#include "xtrtpproxy/error.hpp"

namespace rtpproxyd {
namespace {

[[noreturn]] void refused(const xtrtpproxy::KernelError& error) {
    const auto kind =
        error.code().value() == ENOSPC ? StoreError::Kind::full : StoreError::Kind::other;
    throw StoreError(kind, error.what());
}

}  // namespace

xtrtpproxy::SessionEntry KernelSessions::alloc(const xtrtpproxy::SwitchboardGates& switchboard,
                                               const xtrtpproxy::SessionParams& params) {
    try {
        return client_.alloc(switchboard.selector(), params);
    } catch (const xtrtpproxy::KernelError& error) {
        refused(error);
    }
}

bool KernelSessions::update(const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id,
                            const xtrtpproxy::SessionParams& params) {
    try {
        return client_.update(switchboard.selector(), xtrtpproxy::SessionRange{id, id}, params) > 0;
    } catch (const xtrtpproxy::KernelError& error) {
        if (error.code().value() == ENOENT) return false;
        refused(error);
    }
}

bool KernelSessions::remove(const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id) {
    try {
        return client_.remove(switchboard.selector(), xtrtpproxy::SessionRange{id, id}) > 0;
    } catch (const xtrtpproxy::KernelError& error) {
        if (error.code().value() == ENOENT) return false;
        refused(error);
    }
}

std::optional<xtrtpproxy::Session> KernelSessions::session(
    const xtrtpproxy::SwitchboardGates& switchboard, std::uint32_t id) {
    try {
        return client_.session(switchboard.selector(), id).session;
    } catch (const xtrtpproxy::KernelError& error) {
        if (error.code().value() == ENOENT) return std::nullopt;
        refused(error);
    }
}

std::vector<xtrtpproxy::SessionEntry> KernelSessions::labelled(
    const xtrtpproxy::SwitchboardGates& switchboard, std::string_view prefix) {
    try {
        return client_.sessions(switchboard.selector(), std::nullopt,
                                xtrtpproxy::LabelFilter{std::string(prefix), true});
    } catch (const xtrtpproxy::KernelError& error) {
        refused(error);
    }
}

}  // namespace rtpproxyd
