#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t_daemon_calls with Kamailio driving the daemon over rtpengine's ng protocol (its
# rtpengine module): the same 100 concurrent calls, kill -9 and restart under them, 486 and CANCEL.
# vm: one kernel
# shellcheck disable=SC2034 # read by t_daemon_calls.sh
RELAY=ng
. "$(dirname "$0")/t_daemon_calls.sh"
