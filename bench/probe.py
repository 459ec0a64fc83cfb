#!/usr/bin/env python3
"""A bare Python/OpenSSL STARTTLS or implicit-TLS client (TCP_NODELAY; TCP_QUICKACK re-armed before each read when
asked), for comparing a server configuration without the JVM in the way (bench/FINDINGS.md, Dovecot).

    bench/probe.py CA PORT imap|pop3|smtp|ftp IMPLICIT(0|1) 1.2|1.3 N QUICKACK(0|1)

Prints the median wall time of N connect + greeting + capabilities (+ upgrade + capabilities again) runs and how many
took over 40 ms."""
import socket
import ssl
import sys
import time

ca, port, proto, implicit, tlsv, n, qa = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]=='1', sys.argv[5], int(sys.argv[6]), sys.argv[7]=='1'
ctx = ssl.create_default_context(cafile=ca)
v = ssl.TLSVersion.TLSv1_3 if tlsv == '1.3' else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = v; ctx.maximum_version = v
cmds = {'imap': ('a1 CAPABILITY', 'a2 STARTTLS', 'a3 CAPABILITY', 'tag'), 'pop3': ('CAPA', 'STLS', 'CAPA', 'dot'),
        'smtp': ('EHLO localhost', 'STARTTLS', 'EHLO localhost', 'num'), 'ftp': ('FEAT', 'AUTH TLS', 'FEAT', 'num')}[proto]
class L:
    def __init__(s, sock, raw): s.s = sock; s.raw = raw; s.buf = b''
    def line(s):
        while b'\n' not in s.buf:
            if qa: s.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            d = s.s.recv(8192)
            if not d: raise EOFError
            s.buf += d
        l, s.buf = s.buf.split(b'\n', 1); return l.rstrip(b'\r').decode('latin1')
    def send(s, c): s.s.sendall((c + '\r\n').encode())
    def reply(s, kind, tag=None):
        while True:
            l = s.line()
            if kind == 'num' and len(l) >= 4 and l[3] == ' ': return l
            if kind == 'tag' and l.startswith(tag + ' '): return l
            if kind == 'greet': return l
            if kind == 'dot' and l == '.': return l
            if kind == 'one': return l
def greet(l):
    if proto in ('smtp', 'ftp'): l.reply('num')
    else: l.line()
def caps(l, c, tag):
    l.send(c)
    if proto == 'imap': l.reply('tag', c.split()[0])
    elif proto == 'pop3': l.reply('dot')
    else: l.reply('num')
times = []
for i in range(n):
    t0 = time.perf_counter()
    raw = socket.create_connection(('127.0.0.1', port)); raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if implicit:
        if qa: raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        s = ctx.wrap_socket(raw, server_hostname='localhost'); l = L(s, s); greet(l); caps(l, cmds[0], 'a1')
    else:
        l = L(raw, raw); greet(l); caps(l, cmds[0], 'a1'); l.send(cmds[1])
        if proto == 'imap': l.reply('tag', 'a2')
        elif proto == 'pop3': l.line()
        else: l.reply('num')
        if qa: raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        s = ctx.wrap_socket(raw, server_hostname='localhost'); l = L(s, s); caps(l, cmds[2], 'a3')
    times.append((time.perf_counter() - t0) * 1000)
    s.close()
over = sum(1 for t in times if t > 40)
times.sort()
print(f"{proto} port {port} implicit={implicit} tls{tlsv} qa={qa}: median {times[len(times)//2]:.1f} ms, over 40: {over}/{n}")
