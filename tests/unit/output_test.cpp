// SPDX-License-Identifier: GPL-2.0
// Output that does not reach its reader: detected after the flush, reported with its errno, and
// what the command did is undone.
#include "output.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>

using namespace iptrtpproxy;

namespace {

// A device that takes the first room bytes, then fails every write as a full disk does.
class FullDevice : public std::streambuf {
  public:
    explicit FullDevice(std::size_t room) : room_(room) {}
    const std::string& written() const { return written_; }

  protected:
    int_type overflow(int_type ch) override {
        if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
        if (written_.size() >= room_) {
            errno = ENOSPC;
            return traits_type::eof();
        }
        written_ += traits_type::to_char_type(ch);
        return ch;
    }

  private:
    std::size_t room_;
    std::string written_;
};

template <class F>
OutputError output_error(F f) {
    try {
        f();
    } catch (const OutputError& e) {
        return e;
    }
    ADD_FAILURE() << "no OutputError";
    return OutputError(0);
}

}  // namespace

TEST(FlushChecked, WrittenOutputPasses) {
    std::ostringstream out;
    out << "sess-id=0\n";
    EXPECT_NO_THROW(flush_checked(out));
}

TEST(FlushChecked, FailedWriteIsReportedWithItsErrno) {
    FullDevice device(4);
    std::ostream out(&device);
    out << "version=0.1.0\n";
    const OutputError e = output_error([&] { flush_checked(out); });
    EXPECT_EQ(e.code().value(), ENOSPC);
    EXPECT_EQ(std::string(e.what()), "writing the output failed: No space left on device");
}

TEST(WriteOrUndo, NothingIsUndoneWhenTheLineGetsThrough) {
    FullDevice device(100);
    std::ostream out(&device);
    int undone = 0;
    write_or_undo(out, "sess-id=3\n", [&] { ++undone; });
    EXPECT_EQ(undone, 0);
    EXPECT_EQ(device.written(), "sess-id=3\n");
}

TEST(WriteOrUndo, ALostLineIsUndone) {
    FullDevice device(0);
    std::ostream out(&device);
    int undone = 0;
    const OutputError e =
        output_error([&] { write_or_undo(out, "sess-id=3\n", [&] { ++undone; }); });
    EXPECT_EQ(undone, 1);
    EXPECT_EQ(e.code().value(), ENOSPC);
}

TEST(WriteOrUndo, AFailedUndoIsSaidToo) {
    FullDevice device(0);
    std::ostream out(&device);
    const OutputError e = output_error([&] {
        write_or_undo(out, "sess-id=3\n", [] { throw std::runtime_error("no session in range"); });
    });
    EXPECT_EQ(e.code().value(), ENOSPC);
    EXPECT_EQ(std::string(e.what()),
              "writing the output failed, and undoing the command failed too (no session in "
              "range): No space left on device");
}
