#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Sends and receives RTP-like UDP packets whose payload can be checked on arrival.
#
#   udp.py send --from ADDR:PORT --to ADDR:PORT [--count N] [--size B] ...
#   udp.py recv --bind ADDR:PORT [--count N] [--timeout S] [--expect-from ADDR:PORT]
#               (SIGTERM ends the wait early and still reports)
#   udp.py echo --bind ADDR:PORT [--count N] [--timeout S]
#   udp.py ping --from ADDR:PORT --to ADDR:PORT [--count N] [--expect-from ADDR:PORT]
#   udp.py raw4 --from ADDR:PORT --to ADDR:PORT [--udp-len L] [--checksum C|--bad-checksum]
#               [--truncate N]   (IPv4 only, needs CAP_NET_RAW: hand-made broken UDP)
#
# Every packet starts with a 12-byte RTP header (version 2, sequence number,
# timestamp, SSRC; payload type 200 for --kind rtcp, which is what an RTCP
# sender report carries there) followed by bytes computed from the SSRC, the
# sequence number and the offset, so a receiver can tell that a packet
# arrived whole and unchanged without knowing what was sent.
#
# Output is key=value: one "packet ..." line per packet received (with -v) and
# a summary line. Addresses print as IP:PORT or [IPv6]:PORT, as iptrtpproxy
# prints them. Exit status: 0 when everything expected happened, 1 when not,
# 2 on bad usage.

import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

HEADER = struct.Struct("!BBHII")
RTP_PT = 0
RTCP_PT = 200


def parse_endpoint(text):
    """Splits IP:PORT or [IPv6]:PORT; returns (family, address, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"not ADDR:PORT: {text}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        socket.inet_pton(family, host)
    except OSError:
        raise argparse.ArgumentTypeError(f"not an IP address: {host}") from None
    return family, host, int(port)


def format_endpoint(sockaddr):
    host, port = sockaddr[0], sockaddr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def body_byte(ssrc, seq, offset):
    return (ssrc + seq * 7 + offset) & 0xFF


def make_packet(kind, seq, ssrc, size):
    if size < HEADER.size:
        raise ValueError(f"packets are at least {HEADER.size} bytes")
    pt = RTCP_PT if kind == "rtcp" else RTP_PT
    header = HEADER.pack(0x80, pt, seq & 0xFFFF, (seq * 160) & 0xFFFFFFFF, ssrc)
    body = bytes(body_byte(ssrc, seq, i) for i in range(size - HEADER.size))
    return header + body


def check_packet(data):
    """Returns (ok, seq, ssrc, kind) of a received packet."""
    if len(data) < HEADER.size:
        return False, -1, -1, "?"
    first, pt, seq, _, ssrc = HEADER.unpack_from(data)
    kind = "rtcp" if pt == RTCP_PT else "rtp" if pt == RTP_PT else "?"
    body = data[HEADER.size:]
    ok = first == 0x80 and kind != "?" and all(
        b == body_byte(ssrc, seq, i) for i, b in enumerate(body))
    return ok, seq, ssrc, kind


def bound_socket(endpoint):
    family, host, port = endpoint
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((host, port))
    return sock


def announce_ready(path):
    if path:
        with open(path + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.rename(path + ".tmp", path)


class Tally:
    """What arrived: counts, bytes, distinct sources, bad payloads."""

    def __init__(self, verbose, expect_from):
        self.verbose = verbose
        self.expect_from = expect_from
        self.received = 0
        self.bytes = 0
        self.bad = 0
        self.unexpected = 0
        self.sources = []

    def add(self, data, sockaddr):
        ok, seq, ssrc, kind = check_packet(data)
        source = format_endpoint(sockaddr)
        self.received += 1
        self.bytes += len(data)
        if not ok:
            self.bad += 1
        if source not in self.sources:
            self.sources.append(source)
        if self.expect_from and source != self.expect_from:
            self.unexpected += 1
        if self.verbose:
            print(f"packet n={self.received} from={source} len={len(data)} kind={kind} "
                  f"seq={seq} ssrc={ssrc} ok={int(ok)}", flush=True)

    def summary(self, **extra):
        fields = dict(extra)
        fields.update(received=self.received, bytes=self.bytes, bad=self.bad,
                      unexpected=self.unexpected, sources=",".join(self.sources) or "-")
        print(" ".join(f"{k}={v}" for k, v in fields.items()), flush=True)

    def clean(self):
        return self.bad == 0 and self.unexpected == 0


class Stop(Exception):
    """SIGTERM: stop receiving, report what arrived."""


def stop(signum, frame):
    raise Stop()


def receive(sock, tally, count, timeout, reply=False):
    """Receives until count packets arrived (count 0: until timeout or SIGTERM)."""
    deadline = time.monotonic() + timeout
    while count == 0 or tally.received < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        readable, _, _ = select.select([sock], [], [], left)
        if not readable:
            break
        data, sockaddr = sock.recvfrom(65535)
        tally.add(data, sockaddr)
        if reply:
            sock.sendto(data, sockaddr)


def cmd_send(args):
    sock = bound_socket(args.from_)
    family, host, port = args.to
    total = 0
    for i in range(args.count):
        packet = make_packet(args.kind, args.seq + i, args.ssrc, args.size)
        sock.sendto(packet, (host, port))
        total += len(packet)
        if args.interval and i + 1 < args.count:
            time.sleep(args.interval)
    print(f"sent={args.count} bytes={total}", flush=True)
    return 0


def cmd_recv(args):
    sock = bound_socket(args.bind)
    tally = Tally(args.verbose, args.expect_from)
    signal.signal(signal.SIGTERM, stop)
    announce_ready(args.ready)
    try:
        receive(sock, tally, args.count, args.timeout)
        # Anything beyond what was expected is as wrong as too little.
        if args.count:
            receive(sock, tally, 0, args.linger)
    except Stop:
        pass
    tally.summary()
    return 0 if tally.received == args.count and tally.clean() else 1


def cmd_echo(args):
    sock = bound_socket(args.bind)
    tally = Tally(args.verbose, args.expect_from)
    announce_ready(args.ready)
    receive(sock, tally, args.count, args.timeout, reply=True)
    tally.summary()
    return 0 if (args.count == 0 or tally.received == args.count) and tally.clean() else 1


def cmd_ping(args):
    sock = bound_socket(args.from_)
    family, host, port = args.to
    tally = Tally(args.verbose, args.expect_from)
    mismatched = 0
    for i in range(args.count):
        packet = make_packet(args.kind, args.seq + i, args.ssrc, args.size)
        sock.sendto(packet, (host, port))
        before = tally.received
        deadline = time.monotonic() + args.timeout
        while tally.received == before and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], deadline - time.monotonic())
            if not readable:
                break
            data, sockaddr = sock.recvfrom(65535)
            tally.add(data, sockaddr)
            if data != packet:
                mismatched += 1
        if args.interval:
            time.sleep(args.interval)
    tally.summary(sent=args.count, mismatched=mismatched)
    return 0 if tally.received == args.count and tally.clean() and not mismatched else 1


def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def cmd_raw4(args):
    """Sends one UDP datagram built by hand, as broken as asked."""
    for family, _, _ in (args.from_, args.to):
        if family != socket.AF_INET:
            raise SystemExit("udp.py: raw4 is IPv4 only")
    src, sport = socket.inet_aton(args.from_[1]), args.from_[2]
    dst, dport = socket.inet_aton(args.to[1]), args.to[2]
    payload = make_packet(args.kind, args.seq, args.ssrc, args.size)
    ulen = 8 + len(payload) if args.udp_len is None else args.udp_len
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_UDP, 8 + len(payload))
    checksum = inet_checksum(pseudo + struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) +
                             payload) or 0xFFFF
    if args.checksum is not None:
        checksum = args.checksum
    elif args.bad_checksum:
        checksum ^= 0x5555
    datagram = struct.pack("!HHHH", sport, dport, ulen, checksum) + payload
    if args.truncate is not None:
        datagram = datagram[:args.truncate]
    # The kernel fills in the IP total length and header checksum.
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, os.getpid() & 0xFFFF, 0, 64,
                         socket.IPPROTO_UDP, 0, src, dst)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for _ in range(args.count):
        sock.sendto(header + datagram, (args.to[1], 0))
    print(f"sent={args.count} udp-len={ulen} checksum=0x{checksum:04x} bytes={len(datagram)}",
          flush=True)
    return 0


def endpoint_text(text):
    """Normalises ADDR:PORT to the form the summary prints."""
    _, host, port = parse_endpoint(text)
    return format_endpoint((host, port))


def main():
    parser = argparse.ArgumentParser(description="RTP-like UDP test traffic")
    sub = parser.add_subparsers(dest="command", required=True)

    def packet_options(p):
        p.add_argument("-v", "--verbose", action="store_true", help="one line per packet")
        p.add_argument("--count", type=int, default=1, help="packets to send")
        p.add_argument("--size", type=int, default=172,
                       help="UDP payload bytes per packet (default 172: 20 ms of G.711)")
        p.add_argument("--kind", choices=("rtp", "rtcp"), default="rtp")
        p.add_argument("--ssrc", type=lambda s: int(s, 0), default=0x1234ABCD)
        p.add_argument("--seq", type=int, default=0, help="first sequence number")
        p.add_argument("--interval", type=float, default=0.0, help="seconds between packets")

    def receive_options(p, count_help):
        p.add_argument("-v", "--verbose", action="store_true", help="one line per packet")
        p.add_argument("--bind", type=parse_endpoint, required=True)
        p.add_argument("--count", type=int, default=0, help=count_help)
        p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait in all")
        p.add_argument("--ready", help="file to create once the socket is bound")

    send = sub.add_parser("send", help="send packets")
    send.add_argument("--from", dest="from_", type=parse_endpoint, required=True)
    send.add_argument("--to", type=parse_endpoint, required=True)
    packet_options(send)
    send.set_defaults(handler=cmd_send)

    recv = sub.add_parser("recv", help="receive and check packets")
    receive_options(recv, "packets expected; 0: expect none within --timeout")
    recv.add_argument("--expect-from", type=endpoint_text,
                      help="every packet must come from this ADDR:PORT")
    recv.add_argument("--linger", type=float, default=0.3,
                      help="seconds to wait for packets beyond --count")
    recv.set_defaults(handler=cmd_recv)

    echo = sub.add_parser("echo", help="send every packet back to its source")
    receive_options(echo, "packets to echo before exiting; 0: until --timeout")
    echo.add_argument("--expect-from", type=endpoint_text)
    echo.set_defaults(handler=cmd_echo)

    ping = sub.add_parser("ping", help="send packets, expect each echoed back unchanged")
    ping.add_argument("--from", dest="from_", type=parse_endpoint, required=True)
    ping.add_argument("--to", type=parse_endpoint, required=True)
    ping.add_argument("--timeout", type=float, default=3.0, help="seconds to wait per packet")
    ping.add_argument("--expect-from", type=endpoint_text,
                      help="every reply must come from this ADDR:PORT")
    packet_options(ping)
    ping.set_defaults(handler=cmd_ping)

    raw4 = sub.add_parser("raw4", help="send hand-made, possibly broken, IPv4 UDP")
    raw4.add_argument("--from", dest="from_", type=parse_endpoint, required=True)
    raw4.add_argument("--to", type=parse_endpoint, required=True)
    raw4.add_argument("--udp-len", type=int, help="UDP length field (default: the real one)")
    raw4.add_argument("--checksum", type=lambda s: int(s, 0), help="UDP checksum field")
    raw4.add_argument("--bad-checksum", action="store_true", help="a wrong UDP checksum")
    raw4.add_argument("--truncate", type=int, help="cut the UDP datagram to this many bytes")
    packet_options(raw4)
    raw4.set_defaults(handler=cmd_raw4)

    args = parser.parse_args()
    try:
        return args.handler(args)
    except OSError as e:
        print(f"udp.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
