// SPDX-License-Identifier: GPL-2.0
// The notification targets' file: what a restarted daemon reads back, a crash's cut line,
// another boot's file, the rewrite, the lock, the field encoding.
#include "notify_journal.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace rtpproxyd;

class NotifyJournalTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir[] = "/tmp/notify_journal_test.XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
        path_ = dir_ + "/notify-targets";
    }
    void TearDown() override {
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    NotifyJournal open(const std::string& boot = "boot-1") {
        return NotifyJournal(path_, boot,
                             [this](std::string_view m) { warnings_.emplace_back(m); });
    }
    std::string text() const {
        std::ifstream in(path_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static NotifyRecord record(const std::string& stream, const std::string& tag) {
        return {stream, "call@x", 1, Notify{"unix:/run/kamailio/timeout.sock", tag}};
    }

    std::string dir_, path_;
    std::vector<std::string> warnings_;
};

TEST_F(NotifyJournalTest, FieldsSurviveTheirEncoding) {
    for (const std::string& text : {std::string(), std::string("plain"), std::string("a b%c"),
                                    std::string("\n\r\t\x7f\x80\xff", 6), std::string(1, '\0')}) {
        const std::string encoded = encode_field(text);
        EXPECT_EQ(encoded.find_first_of(" \n"), std::string::npos) << encoded;
        EXPECT_EQ(decode_field(encoded), text) << encoded;
    }
    EXPECT_EQ(encode_field(""), "%");
    EXPECT_EQ(encode_field("a b"), "a%20b");
    for (const char* bad : {"", "%2", "%zz", "a%", "tab\there"})
        EXPECT_FALSE(decode_field(bad)) << bad;
}

TEST_F(NotifyJournalTest, ARestartReadsTheLiveTargets) {
    {
        auto journal = open();
        EXPECT_TRUE(journal.load().empty()) << "a new file";
        journal.rewrite({});
        journal.put(record("10.0.0.1/35000/0", "1:2"), false);
        journal.put(record("10.0.0.1/35000/1", "3:4"), false);
        journal.put(record("10.0.0.1/35000/0", "1:2 again"), true);  // a re-INVITE's new tag
        journal.erase("10.0.0.1/35000/1");
        journal.put(record("fd00::1/35000/7", std::string("\0 odd%\n", 7)), false);
    }  // the daemon is killed: nothing more is written
    auto restarted = open();
    const auto live = restarted.load();
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live.at("10.0.0.1/35000/0").notify.tag, "1:2 again");
    EXPECT_EQ(live.at("10.0.0.1/35000/0").call, "call@x");
    EXPECT_EQ(live.at("10.0.0.1/35000/0").notify.socket, "unix:/run/kamailio/timeout.sock");
    EXPECT_EQ(live.at("fd00::1/35000/7").notify.tag, std::string("\0 odd%\n", 7));
    EXPECT_TRUE(warnings_.empty());
}

TEST_F(NotifyJournalTest, ACrashCutLineAndForeignLinesAreSkipped) {
    {
        auto journal = open();
        journal.rewrite({record("s/1/1", "kept")});
    }
    {
        std::ofstream out(path_, std::ios::app);
        out << "+ s/1/2 c 1 unix:/x nonsense extra\n"  // seven fields
               "+ s/1/3 c 0 unix:/x t\n"               // media 0
               "- \n"                                  // no stream
               "+ s/1/4 c 1 unix:/x cut-by-a-cra";     // no newline: the crash
    }
    const auto live = open().load();
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live.at("s/1/1").notify.tag, "kept");
}

TEST_F(NotifyJournalTest, AnotherBootsFileHoldsNothing) {
    {
        auto journal = open("boot-1");
        journal.rewrite({record("s/1/1", "t")});
    }
    EXPECT_EQ(open("boot-1").load().size(), 1u);
    EXPECT_TRUE(open("boot-2").load().empty());
}

TEST_F(NotifyJournalTest, ARewriteKeepsOnlyTheLive) {
    auto journal = open();
    journal.rewrite({});
    EXPECT_FALSE(journal.wants_rewrite());
    // One call at a time coming and going: the dead lines call for a rewrite in time.
    std::size_t puts = 0;
    while (!journal.wants_rewrite()) {
        journal.put(record("s/1/" + std::to_string(puts), "t"), false);
        journal.erase("s/1/" + std::to_string(puts));
        ++puts;
        ASSERT_LT(puts, 10000u) << "never asks for a rewrite";
    }
    journal.rewrite({record("s/1/9", "live")});
    EXPECT_EQ(text(),
              "iptrtpproxyd-notify 1 boot-1\n+ s/1/9 call@x 1 "
              "unix:/run/kamailio/timeout.sock live\n");
    journal.put(record("s/1/10", "t"), false);
    EXPECT_EQ(journal.load().size(), 2u);
}

TEST_F(NotifyJournalTest, ReplacedTargetsDoNotCountAsLive) {
    auto journal = open();
    journal.rewrite({record("s/1/1", "t0")});
    // A re-INVITE with a new tag, over and over, on the one stream: bounded all the same.
    std::size_t puts = 0;
    while (!journal.wants_rewrite()) {
        journal.put(record("s/1/1", "t" + std::to_string(++puts)), true);
        ASSERT_LT(puts, 10000u) << "the file would grow without bound";
    }
}

TEST_F(NotifyJournalTest, ASecondDaemonIsRefused) {
    auto journal = open();
    try {
        auto second = open();
        FAIL() << "the second open should be refused";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("another running iptrtpproxyd"), std::string::npos)
            << e.what();
    }
}

TEST_F(NotifyJournalTest, TheFileIsPrivateAndGoesAtACleanStop) {
    auto journal = open();
    journal.rewrite({});
    struct stat st {};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    journal.remove();
    EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

TEST_F(NotifyJournalTest, AMissingDirectoryIsAnError) {
    EXPECT_THROW(NotifyJournal(dir_ + "/none/notify-targets", "b", [](std::string_view) {}),
                 std::runtime_error);
}

}  // namespace
