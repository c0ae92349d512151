// SPDX-License-Identifier: GPL-2.0
// The daemon's log.
#include "log.hpp"

#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace rtpproxyd::log {
namespace {

LogLevel threshold = LogLevel::info;
bool syslog_on = false;

int priority(LogLevel level) {
    switch (level) {
        case LogLevel::debug:
            return LOG_DEBUG;
        case LogLevel::info:
            return LOG_INFO;
        case LogLevel::notice:
            return LOG_NOTICE;
        case LogLevel::warning:
            return LOG_WARNING;
        case LogLevel::error:
            return LOG_ERR;
        case LogLevel::critical:
            return LOG_CRIT;
    }
    return LOG_INFO;
}

int facility_named(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, int>, 20> kFacilities = {{
        {"LOG_DAEMON", LOG_DAEMON}, {"LOG_USER", LOG_USER},     {"LOG_AUTHPRIV", LOG_AUTHPRIV},
        {"LOG_CRON", LOG_CRON},     {"LOG_FTP", LOG_FTP},       {"LOG_KERN", LOG_KERN},
        {"LOG_LPR", LOG_LPR},       {"LOG_MAIL", LOG_MAIL},     {"LOG_NEWS", LOG_NEWS},
        {"LOG_UUCP", LOG_UUCP},     {"LOG_LOCAL0", LOG_LOCAL0}, {"LOG_LOCAL1", LOG_LOCAL1},
        {"LOG_LOCAL2", LOG_LOCAL2}, {"LOG_LOCAL3", LOG_LOCAL3}, {"LOG_LOCAL4", LOG_LOCAL4},
        {"LOG_LOCAL5", LOG_LOCAL5}, {"LOG_LOCAL6", LOG_LOCAL6}, {"LOG_LOCAL7", LOG_LOCAL7},
        {"LOG_AUTH", LOG_AUTH},     {"LOG_SYSLOG", LOG_SYSLOG},
    }};
    for (const auto& [n, f] : kFacilities)
        if (n == name) return f;
    return LOG_DAEMON;
}

}  // namespace

void setup(LogLevel level, std::string_view facility, bool to_syslog) {
    threshold = level;
    syslog_on = to_syslog;
    if (to_syslog) openlog("iptrtpproxyd", LOG_PID | LOG_NDELAY, facility_named(facility));
}

bool enabled(LogLevel level) { return level >= threshold; }

void write(LogLevel level, std::string_view message) {
    if (!enabled(level)) return;
    if (syslog_on) {
        syslog(priority(level), "%.*s", static_cast<int>(message.size()), message.data());
        return;
    }
    static constexpr std::array<const char*, 6> kNames = {"DBUG", "INFO", "NOTI",
                                                          "WARN", "ERR",  "CRIT"};
    std::string line = std::string(kNames[static_cast<std::size_t>(level)]) + ": ";
    line += message;
    line += '\n';
    // One write per line: lines of a log shared with other processes stay whole.
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace rtpproxyd::log
