// SPDX-License-Identifier: GPL-2.0
/*
 * Recording: a copy of each datagram a recording session relays goes to
 * its NFLOG group through the kernel's own logging path, nf_log_packet()
 * with an NF_LOG_TYPE_ULOG loginfo, as the NFLOG target sends its copies:
 * nfnetlink_log hands them to tcpdump -i nflog:N, Wireshark or a control
 * daemon in the namespace, in batches as its listener asked for.
 *
 * The family's logger is looked up, and nfnetlink_log loaded, when a
 * session first records in that family (process context, the request's);
 * its module reference is then held until this module goes, so the packet
 * path takes none. A session that does not record costs one test.
 */
#include <linux/kmod.h>
#include <linux/mutex.h>
#include <net/netfilter/nf_log.h>
#include <linux/netfilter/xt_RTPPROXY.h>
#include "record.h"

static DEFINE_MUTEX(rtpp_record_lock);
/* Whether we hold the ULOG logger of IPv4 ([0]) and IPv6 ([1]). */
static bool rtpp_logger_held[2];

static const char *const rtpp_stream_names[RTPPROXY_STREAMS] = {
	"rtp-a", "rtcp-a", "rtp-b", "rtcp-b",
};

/**
 * rtpp_record_prepare - make sure copies of @family can be logged
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 *
 * Return: 0, or -ENOENT when there is no NFLOG logger (nfnetlink_log).
 */
int rtpp_record_prepare(u8 family)
{
	bool *held = &rtpp_logger_held[family == NFPROTO_IPV6];
	int err = 0;

	mutex_lock(&rtpp_record_lock);
	if (!*held) {
		/* As the NFLOG target's checkentry: loaded on first use. */
		err = nf_logger_find_get(family, NF_LOG_TYPE_ULOG);
		if (err) {
			request_module("%s", "nfnetlink_log");
			err = nf_logger_find_get(family, NF_LOG_TYPE_ULOG);
		}
		*held = !err;
	}
	mutex_unlock(&rtpp_record_lock);
	return err;
}

/**
 * rtpp_record_copy - log a copy of a datagram to its session's group
 * @net: the namespace, whose NFLOG listeners hear it
 * @family: the datagram's, NFPROTO_IPV4 or NFPROTO_IPV6
 * @hook: the hook it is reported in
 * @skb: the datagram, network header at skb->data
 * @in: the device it came in on, or NULL
 * @out: the device it goes out on, or NULL
 * @rec: its session's recording
 * @sent: the datagram as sent, else as received
 */
void rtpp_record_copy(struct net *net, u8 family, unsigned int hook,
		      const struct sk_buff *skb, const struct net_device *in,
		      const struct net_device *out,
		      const struct rtpp_record *rec, bool sent)
{
	/* Copy length and batching are the listener's (nfnetlink_log). */
	struct nf_loginfo li = {
		.type = NF_LOG_TYPE_ULOG,
		.u.ulog.group = rec->group,
	};

	nf_log_packet(net, family, hook, skb, in, out, &li, "rtpp %u %s %s",
		      rec->id, rtpp_stream_names[rec->stream],
		      sent ? "sent" : "received");
}

/* The loggers go back when the module does: no session records any more. */
void rtpp_record_exit(void)
{
	if (rtpp_logger_held[0])
		nf_logger_put(NFPROTO_IPV4, NF_LOG_TYPE_ULOG);
	if (rtpp_logger_held[1])
		nf_logger_put(NFPROTO_IPV6, NF_LOG_TYPE_ULOG);
}
