// SPDX-License-Identifier: GPL-2.0
// The one place that deals with privileges: CAP_NET_ADMIN, checked up front with libcap.
#pragma once

#include <sys/capability.h>

#include <string>

namespace iptrtpproxy {

enum class NetAdminStatus {
    effective,  // ready to use
    permitted,  // can be raised into the effective set
    missing,    // not permitted: the kernel would refuse every command
};

NetAdminStatus net_admin_status(cap_t caps);

// What to tell a user who lacks CAP_NET_ADMIN.
std::string missing_net_admin_message(const std::string& program_path);

// Makes CAP_NET_ADMIN effective and drops every other capability (the tool needs nothing
// else, so a bug cannot misuse root's other powers). Throws std::runtime_error with
// missing_net_admin_message if CAP_NET_ADMIN is not permitted.
void acquire_net_admin(const std::string& program_path);

}  // namespace iptrtpproxy
