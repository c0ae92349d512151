// SPDX-License-Identifier: GPL-2.0
// The recording options: their help, their values and the combinations that are a bad command
// line.
#include "recording_options.hpp"

namespace po = boost::program_options;

namespace iptrtpproxy {

void add_recording_options(po::options_description& group) {
    const auto text = [](const char* name) { return po::value<std::string>()->value_name(name); };
    // clang-format off
    group.add_options()
        ("nflog-group", text("group"), "record the session to this NFLOG group, 0..65535 (tcpdump -i nflog:GROUP)")
        ("nflog-copy", text("which"), "with --nflog-group: 'received' (the default), 'sent' or 'both'")
        ("no-nflog", po::bool_switch(), "stop recording the session");
    // clang-format on
}

void parse_recording_options(const Values& values, xtrtpproxy::SessionParams& params) {
    using xtrtpproxy::Recording;
    const auto group = values.text("nflog-group");
    const auto copy = values.text("nflog-copy");
    const bool off = values.flag("no-nflog");
    if (group && off)
        throw UsageError("--nflog-group and --no-nflog contradict each other: give one of them");
    if (copy && !group) throw UsageError("--nflog-copy needs --nflog-group");
    if (off) {
        params.stop_recording = true;
        return;
    }
    if (!group) return;
    Recording recording;
    recording.nflog_group =
        static_cast<std::uint16_t>(parse_number("nflog-group", *group, 0, 65535, "NFLOG group"));
    if (copy) {
        if (*copy == "received")
            recording.copy = Recording::kReceived;
        else if (*copy == "sent")
            recording.copy = Recording::kSent;
        else if (*copy == "both")
            recording.copy = Recording::kBoth;
        else
            throw UsageError("invalid copies '" + *copy +
                             "' for --nflog-copy: received, sent or both");
    }
    params.recording = recording;
}

}  // namespace iptrtpproxy
