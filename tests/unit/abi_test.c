/* SPDX-License-Identifier: GPL-2.0 */
/* The ABI header compiles as C and keeps its layout and numbering. */
#include <linux/netfilter/xt_RTPPROXY.h>
#include <stddef.h>

#include "abi_asserts.h"

int main(void) {
    struct xt_rtpproxy_tginfo info = {.max_sess = 1};

    return info.max_sess == 1 ? 0 : 1;
}
