#!/usr/bin/env python3
"""Which side's delayed ACK stalled which connection, from a loopback capture (bench/FINDINGS.md).

    tcpdump -l -i lo -nn -tt -S "tcp port 587 or tcp port 465" > capture.txt     # while the clients run
    bench/delayed-acks.py capture.txt 587 465 [--group N] [-v]

A delayed ACK is a pure ACK sent 30 ms or more after the data it acknowledges, with nothing sent by that side in
between (Linux's delayed-ACK timer is 40 ms). It stalled the connection when the very next segment is the peer's data, within 3 ms:
the peer was holding that data for the ACK (Nagle on a socket without TCP_NODELAY, or a full receive window). Under
heavy CPU load a late ACK can also be a starved receiving thread; the side that delayed is still the one named.
It also gives the time from the SYN to the server's first byte (greeting or ServerHello): a server that starts a
process per connection shows there. --group N splits each port's connections, in the order they were opened, into groups of N (for example the TLS 1.3
and TLS 1.2 rows of a census run with N + warm-up upgrades per row). -v prints every stalling ACK.
"""
import collections
import re
import sys

args = [a for a in sys.argv[1:] if a != '-v']
verbose = '-v' in sys.argv[1:]
group = None
if '--group' in args:
    i = args.index('--group')
    group = int(args[i + 1])
    del args[i:i + 2]
capture, servers = args[0], set(args[1:])
segment = re.compile(r'^([\d.]+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): Flags \[([^\]]*)\]'
                     r'(?:, seq (\d+)(?::(\d+))?)?(?:, ack (\d+))?.*length (\d+)')
connections = collections.defaultdict(list)
for line in open(capture):
    m = segment.match(line)
    if not m:
        continue
    t, src, dst, flags, _, seq_end, ack, length = m.groups()
    if dst in servers:
        side, key = 'client', (dst, src)
    elif src in servers:
        side, key = 'server', (src, dst)
    else:
        continue
    connections[key].append((float(t), side, flags, int(seq_end) if seq_end else None,
                             int(ack) if ack else None, int(length)))

counts = collections.defaultdict(collections.Counter)
waits = collections.defaultdict(list)  # per group: seconds from the SYN to the server's first byte
by_port = collections.defaultdict(list)
for key, segs in connections.items():
    by_port[key[0]].append((segs[0][0], key))
for port, opened in by_port.items():
    for index, (_, key) in enumerate(sorted(opened)):
        label = port if group is None else f'{port} group {index // group + 1}'
        segs = connections[key]
        stalled = set()
        for i, (t, side, flags, _, ack, length) in enumerate(segs):
            if length or ack is None or any(f in flags for f in 'SFR'):
                continue
            other = 'server' if side == 'client' else 'client'
            acked = [s for s in segs[:i] if s[1] == other and s[5] > 0 and s[3] == ack]
            if not acked or any(s[1] == side and acked[-1][0] <= s[0] < t for s in segs[:i]):
                continue
            if t - acked[-1][0] < 0.030:
                continue
            after = segs[i + 1:i + 2]  # the very next segment: the peer's data, with nothing of ours before it
            if after and after[0][1] == other and after[0][5] > 0 and after[0][0] - t < 0.003:
                stalled.add(side)
                if verbose:
                    flow = ' '.join(f'{s[1][0]}{s[5]}' for s in segs if s[5] > 0)
                    print(f'{label} client port {key[1]}: the {side} delayed its ACK of {acked[-1][5]} bytes by '
                          f'{1000 * (t - acked[-1][0]):.0f} ms; the {other} then sent {after[0][5]} bytes '
                          f'(data: {flow})')
        first_data = [s[0] for s in segs if s[1] == 'server' and s[5] > 0]
        if first_data:
            waits[label].append(first_data[0] - segs[0][0])
        counts[label]['connections'] += 1
        for side in stalled:
            counts[label][f'stalled by the {side}'] += 1
for label in sorted(counts):
    c = counts[label]
    w = sorted(waits[label]) or [float('nan')]
    print(f"{label}: {c['connections']} connections, {c['stalled by the client']} stalled by a client delayed ACK, "
          f"{c['stalled by the server']} by a server delayed ACK; server's first byte after the SYN: median "
          f"{1000 * w[len(w) // 2]:.1f} ms, {sum(1 for x in w if x > 0.040)} over 40 ms")
