// SPDX-License-Identifier: GPL-2.0
// Checked output: flushing and looking at the stream state, and undoing what was not reported.
#include "output.hpp"

#include <cerrno>
#include <exception>

namespace iptrtpproxy {

OutputError::OutputError(int error, const std::string& more)
    : std::system_error(error, std::generic_category(), "writing the output failed" + more) {}

namespace {

// The stream does not keep the errno of its failed write: take it now, before anything else
// can change it.
int failed_write_errno() { return errno != 0 ? errno : EIO; }

}  // namespace

void flush_checked(std::ostream& out) {
    out.flush();
    if (!out) throw OutputError(failed_write_errno());
}

void write_or_undo(std::ostream& out, const std::string& text, const std::function<void()>& undo) {
    out << text;
    out.flush();
    if (out) return;
    const int error = failed_write_errno();
    try {
        undo();
    } catch (const std::exception& e) {
        throw OutputError(error,
                          std::string(", and undoing the command failed too (") + e.what() + ")");
    }
    throw OutputError(error);
}

}  // namespace iptrtpproxy
