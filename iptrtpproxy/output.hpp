// SPDX-License-Identifier: GPL-2.0
// Results that must reach their reader: a failed write of standard output is an error (exit 1).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <system_error>

namespace iptrtpproxy {

// Standard output could not be written (a full disk, a closed descriptor, a reader gone):
// what() is "writing the output failed: " and the errno's text.
class OutputError : public std::system_error {
  public:
    explicit OutputError(int error, const std::string& more = "");
};

// Flushes out and throws OutputError if that, or any write to out before it, failed. The errno
// is the one of the failed write when nothing has failed since (EIO when there is none).
void flush_checked(std::ostream& out);

// Writes text to out and flushes it; if it does not get through, runs undo (what made the text
// true, taken back: alloc deletes its session) and throws OutputError, which also says when
// undo failed.
void write_or_undo(std::ostream& out, const std::string& text, const std::function<void()>& undo);

}  // namespace iptrtpproxy
