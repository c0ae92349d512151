#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Client of rtpengine's ng control protocol for the benchmark: ping, and calls set up by offer/answer.
"""rtpengine ng client.

  ng.py ping --ng HOST:PORT [--wait SECS]
  ng.py calls --ng HOST:PORT [--first I] --count N --client-a IP:PORT --client-b IP:PORT --out FILE
  ng.py delete --ng HOST:PORT --count N

`calls` sets up N calls, each with an offer carrying client A's SDP and an
answer carrying client B's, and writes rtpgen's session file: per call the
address and port rtpengine told A to send to (from the answer) and the ones
it told B to send to (from the offer).
"""

import argparse
import os
import socket
import sys


def bencode(value):
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in sorted(value.items())) + b"e"
    raise TypeError(type(value))


def bdecode(data, pos=0):
    """Returns (value, next position); strings come back as str."""
    c = data[pos:pos + 1]
    if c == b"i":
        end = data.index(b"e", pos)
        return int(data[pos + 1:end]), end + 1
    if c == b"l":
        pos += 1
        items = []
        while data[pos:pos + 1] != b"e":
            item, pos = bdecode(data, pos)
            items.append(item)
        return items, pos + 1
    if c == b"d":
        pos += 1
        items = {}
        while data[pos:pos + 1] != b"e":
            key, pos = bdecode(data, pos)
            items[key], pos = bdecode(data, pos)
        return items, pos + 1
    colon = data.index(b":", pos)
    length = int(data[pos:colon])
    start = colon + 1
    return data[start:start + length].decode(errors="replace"), start + length


class Ng:
    def __init__(self, where, timeout=5.0):
        host, port = where.rsplit(":", 1)
        self.addr = (host, int(port))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)
        self.seq = 0

    def request(self, message, attempts=3):
        self.seq += 1
        cookie = b"%d_%d" % (os.getpid(), self.seq)
        packet = cookie + b" " + bencode(message)
        for _ in range(attempts):
            self.sock.sendto(packet, self.addr)
            try:
                while True:
                    data = self.sock.recv(65536)
                    if data.startswith(cookie + b" "):
                        reply, _ = bdecode(data, len(cookie) + 1)
                        return reply
            except (socket.timeout, ConnectionRefusedError):
                continue
        raise TimeoutError("no answer from rtpengine at %s:%d" % self.addr)

    def command(self, message):
        reply = self.request(message)
        if reply.get("result") not in ("ok", "pong"):
            raise RuntimeError("%s: %s" % (message["command"], reply))
        return reply


def endpoint(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def sdp(addr, port, session_id):
    return "\r\n".join([
        "v=0",
        "o=- %d 1 IN IP4 %s" % (session_id, addr),
        "s=-",
        "c=IN IP4 %s" % addr,
        "t=0 0",
        "m=audio %d RTP/AVP 0" % port,
        "a=rtpmap:0 PCMU/8000",
        "a=ptime:20",
        "a=sendrecv",
        "",
    ])


def media_of(text):
    """The connection address and the audio port of an SDP."""
    addr = port = None
    for line in text.splitlines():
        if line.startswith("c=IN IP4 "):
            addr = line.split()[2]
        elif line.startswith("m=audio "):
            port = int(line.split()[1])
    if addr is None or port is None:
        raise RuntimeError("no address or port in SDP: %r" % text)
    return addr, port


def cmd_ping(args):
    import time
    deadline = time.monotonic() + args.wait
    ng = Ng(args.ng, timeout=0.5)
    while True:
        try:
            ng.request({"command": "ping"}, attempts=1)
            print("pong")
            return 0
        except TimeoutError:
            if time.monotonic() > deadline:
                print("no pong within %g s" % args.wait, file=sys.stderr)
                return 1


def cmd_calls(args):
    ng = Ng(args.ng)
    a_addr, a_port = endpoint(args.client_a)
    b_addr, b_port = endpoint(args.client_b)
    with open(args.out, "w") as out:
        for i in range(args.first, args.first + args.count):
            call = {"call-id": "bench-%d" % i, "from-tag": "a%d" % i}
            offer = ng.command(dict(call, command="offer", sdp=sdp(a_addr, a_port, i),
                                    direction=["a", "b"], ICE="remove"))
            to_b = media_of(offer["sdp"])
            answer = ng.command(dict(call, command="answer", sdp=sdp(b_addr, b_port, i),
                                     **{"to-tag": "b%d" % i}, ICE="remove"))
            to_a = media_of(answer["sdp"])
            out.write("%s %d %s %d\n" % (to_a[0], to_a[1], to_b[0], to_b[1]))
    print("calls=%d" % args.count)
    return 0


def cmd_delete(args):
    ng = Ng(args.ng)
    for i in range(args.count):
        ng.command({"command": "delete", "call-id": "bench-%d" % i})
    print("deleted=%d" % args.count)
    return 0


def main():
    parser = argparse.ArgumentParser(description="rtpengine ng client for the benchmark")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ping")
    p.add_argument("--ng", required=True)
    p.add_argument("--wait", type=float, default=30)
    p = sub.add_parser("calls")
    p.add_argument("--ng", required=True)
    p.add_argument("--first", type=int, default=0, help="number of the first call")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--client-a", required=True)
    p.add_argument("--client-b", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("delete")
    p.add_argument("--ng", required=True)
    p.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    return {"ping": cmd_ping, "calls": cmd_calls, "delete": cmd_delete}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
