// SPDX-License-Identifier: GPL-2.0
// The recording options of alloc and update (--nflog-group, --nflog-copy, --no-nflog): copies of
// a session's datagrams to an NFLOG group.
#pragma once

#include <boost/program_options/options_description.hpp>

#include "option_values.hpp"
#include "xtrtpproxy/types.hpp"

namespace iptrtpproxy {

// Adds the recording options to group, for parsing and help.
void add_recording_options(boost::program_options::options_description& group);

// Sets params.recording (--nflog-group, with --nflog-copy) or params.stop_recording
// (--no-nflog); without them neither (alloc: no recording, update: kept). Throws UsageError for
// a bad group or copy, for --nflog-copy without --nflog-group, for --nflog-group with
// --no-nflog.
void parse_recording_options(const Values& values, xtrtpproxy::SessionParams& params);

}  // namespace iptrtpproxy
