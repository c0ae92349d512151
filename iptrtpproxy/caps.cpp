// SPDX-License-Identifier: GPL-2.0
// Capability check and drop with libcap.
#include "caps.hpp"

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace iptrtpproxy {

namespace {

struct CapFree {
    void operator()(void* caps) const noexcept { cap_free(caps); }
};
using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

bool has(cap_t caps, cap_flag_t set) {
    cap_flag_value_t value = CAP_CLEAR;
    return cap_get_flag(caps, CAP_NET_ADMIN, set, &value) == 0 && value == CAP_SET;
}

}  // namespace

NetAdminStatus net_admin_status(cap_t caps) {
    if (has(caps, CAP_EFFECTIVE)) return NetAdminStatus::effective;
    if (has(caps, CAP_PERMITTED)) return NetAdminStatus::permitted;
    return NetAdminStatus::missing;
}

std::string missing_net_admin_message(const std::string& program_path) {
    return "CAP_NET_ADMIN is missing: run iptrtpproxy as root, or give it the capability with "
           "'setcap cap_net_admin+ep " +
           program_path + "' (as root) and run it as any user";
}

void acquire_net_admin(const std::string& program_path) {
    const CapPtr current(cap_get_proc());
    if (!current) throw std::system_error(errno, std::generic_category(), "cap_get_proc");
    if (net_admin_status(current.get()) == NetAdminStatus::missing)
        throw std::runtime_error(missing_net_admin_message(program_path));

    const CapPtr wanted(cap_init());
    if (!wanted) throw std::system_error(errno, std::generic_category(), "cap_init");
    const cap_value_t net_admin[] = {CAP_NET_ADMIN};
    if (cap_set_flag(wanted.get(), CAP_PERMITTED, 1, net_admin, CAP_SET) < 0 ||
        cap_set_flag(wanted.get(), CAP_EFFECTIVE, 1, net_admin, CAP_SET) < 0 ||
        cap_set_proc(wanted.get()) < 0)
        throw std::system_error(errno, std::generic_category(),
                                "cannot drop capabilities other than CAP_NET_ADMIN");
    // Ambient capabilities would pass to programs we never run; clear them anyway.
    cap_reset_ambient();
}

}  // namespace iptrtpproxy
