// SPDX-License-Identifier: GPL-2.0
// The recorder's files: Call-IDs as file names, the pcap written (read back with libpcap),
// and the move from the spool to the recording directory, on one file system and across two.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <span>
#include <string>

#include "recorder_pcap.hpp"
#include "recorder_util.hpp"

using namespace rtpproxyd;
using namespace rectest;

TEST(RecordingName, CallIdsAsFileNames) {
    EXPECT_EQ(file_name_of_call_id("a84b4c76e66710@pc33.atlanta.com"),
              "a84b4c76e66710@pc33.atlanta.com");
    EXPECT_EQ(file_name_of_call_id("x-1_2+3.4"), "x-1_2+3.4");
    EXPECT_EQ(file_name_of_call_id("../etc/passwd"), "%2E.%2Fetc%2Fpasswd");
    EXPECT_EQ(file_name_of_call_id("-rf"), "%2Drf");
    EXPECT_EQ(file_name_of_call_id("a b=c%d:\"<>\x01\xff"), "a%20b%3Dc%25d%3A%22%3C%3E%01%FF");
    EXPECT_EQ(recording_stem(
                  "abc@h", std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))),
              "abc@h=1700000000");
}

TEST(RecordingName, LongCallIdsAreCutAndTold) {
    const std::string common(200, 'a');
    const std::string x = file_name_of_call_id(common + "x");
    const std::string y = file_name_of_call_id(common + "y");
    EXPECT_NE(x, y);
    EXPECT_EQ(x.size(), 140u + 1 + 22);
    EXPECT_EQ(x.substr(0, 141), std::string(140, 'a') + "~");
    // A %XX is not cut in two.
    const std::string spaced = file_name_of_call_id(std::string(139, 'a') + " tail");
    EXPECT_EQ(spaced.substr(0, 140), std::string(139, 'a') + "~");
}

TEST(PcapFile, RawIPv4AndIPv6RecordsReadBack) {
    TempDir dir;
    const auto d4 = udp({ip("10.0.0.2"), 7000}, {v4, 40000}, 172, 0x11);
    const auto d6 = udp({ip("2001:db8::2"), 6000}, {v6, 41000}, 160, 0x22);
    std::string path;
    {
        PcapFile file = PcapFile::create(dir.path(), "call=1");
        path = file.path();
        EXPECT_EQ(path, dir.path() + "/call=1.pcap");
        file.write({1700000000, 1}, d4, d4.size());
        file.write({1700000000, 20001}, d6, d6.size());
        file.write({1700000000, 40001}, std::span<const std::byte>(d4.data(), 50), d4.size());
        EXPECT_EQ(file.packets(), 3u);
        EXPECT_TRUE(file.close());
        EXPECT_TRUE(file.close()) << "once";
    }
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0007, 0u) << "not for others";
    const Capture c = read_pcap(path);
    EXPECT_EQ(c.linktype, DLT_RAW);
    ASSERT_EQ(c.packets.size(), 3u);
    EXPECT_EQ(c.packets[0], d4);
    EXPECT_EQ(c.packets[1], d6);
    EXPECT_EQ(c.headers[1].ts.tv_usec, 20001);
    EXPECT_EQ(c.headers[2].caplen, 50u);
    EXPECT_EQ(c.headers[2].len, d4.size());
}

TEST(PcapFile, NeverReplacesAFile) {
    TempDir dir;
    PcapFile a = PcapFile::create(dir.path(), "call=1");
    PcapFile b = PcapFile::create(dir.path(), "call=1");
    EXPECT_EQ(b.path(), dir.path() + "/call=1-2.pcap");
    const auto e = testutil::catch_system_error([] { PcapFile::create("/nonexistent", "x"); });
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.pcap"), std::string::npos) << e.what();
}

TEST(MoveRecording, IntoTheRecordingDirectory) {
    TempDir spool, record;
    PcapFile a = PcapFile::create(spool.path(), "call=1");
    a.close();
    EXPECT_EQ(move_recording(a.path(), record.path()), record.path() + "/call=1.pcap");
    EXPECT_FALSE(fs::exists(a.path()));
    PcapFile b = PcapFile::create(spool.path(), "call=1");
    b.close();
    EXPECT_EQ(move_recording(b.path(), record.path()), record.path() + "/call=1-2.pcap")
        << "the first stays";
    EXPECT_EQ(read_pcap(record.path() + "/call=1.pcap").linktype, DLT_RAW);
}

TEST(MoveRecording, AcrossFileSystemsByCopy) {
    TempDir spool;
    struct stat a, b;
    if (::stat(spool.path().c_str(), &a) < 0 || ::stat("/dev/shm", &b) < 0 || a.st_dev == b.st_dev)
        GTEST_SKIP() << "no second file system (/dev/shm) here";
    std::string pattern = "/dev/shm/recorder_test.XXXXXX";
    const std::string record = ::mkdtemp(pattern.data());
    PcapFile file = PcapFile::create(spool.path(), "call=1");
    const auto d = udp({ip("10.0.0.2"), 7000}, {v4, 40000}, 100);
    file.write({1, 0}, d, d.size());
    file.close();
    const std::string moved = move_recording(file.path(), record);
    EXPECT_EQ(moved, record + "/call=1.pcap");
    EXPECT_FALSE(fs::exists(file.path()));
    EXPECT_EQ(read_pcap(moved).packets.size(), 1u);
    fs::remove_all(record);
}
