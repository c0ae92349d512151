// SPDX-License-Identifier: GPL-2.0
// The daemon's log: stderr in the foreground, syslog once it detached, as rtpproxy logs.
#pragma once

#include <string_view>

#include "options.hpp"

namespace rtpproxyd::log {

// Messages below level are dropped. facility: a syslog facility name as -d gives it (empty:
// LOG_DAEMON); to_syslog from then on.
void setup(LogLevel level, std::string_view facility, bool to_syslog);
bool enabled(LogLevel level);
void write(LogLevel level, std::string_view message);

inline void debug(std::string_view m) { write(LogLevel::debug, m); }
inline void info(std::string_view m) { write(LogLevel::info, m); }
inline void notice(std::string_view m) { write(LogLevel::notice, m); }
inline void warning(std::string_view m) { write(LogLevel::warning, m); }
inline void error(std::string_view m) { write(LogLevel::error, m); }

}  // namespace rtpproxyd::log
