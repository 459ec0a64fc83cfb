package dev.starttls.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Why upgrades to each server go over 40 ms, as traced with tcpdump and strace on loopback (bench/FINDINGS.md has the
 * traces and the commands), printed under each server's latency tables so that a stall count is never read without
 * its cause. Constants only.
 */
final class StallCauses {
    static final String GREENMAIL = "Cause of stalls: clients without `TCP_NODELAY` (Commons Net, Angus Mail) hold "
            + "each small write for the server's delayed ACK (Nagle), about 40 ms per exchange; GreenMail also "
            + "writes multi-line replies a line at a time (FIELD-NOTES), which `TCP_QUICKACK` re-armed before each "
            + "read answers.";

    static final String FTPSERVER = "Cause of the STARTTLS stalls (every client, QuickAck or not): Apache "
            + "FtpServer 1.2.1's `NioListener` sets `SO_RCVBUF` to 512 bytes on the control connection (a 1,152-byte "
            + "window, no window scaling). A TLS 1.3 ClientHello that offers a resumption ticket is ~1.8 KB: the "
            + "client sends the first 576 bytes and the rest waits for the window update, which the server sends "
            + "with its delayed ACK, 40 ms later (tcpdump). The server delays that ACK, not the client, so "
            + "`TCP_QUICKACK` cannot help. A first, full handshake (ClientHello ~400 bytes) fits and does not stall; "
            + "implicit TLS does not stall either, because a connection that has sent nothing yet still ACKs at once "
            + "(Linux's quick-ACK mode at the start of a connection). Without QuickAck, implicit TLS stalls on the "
            + "client's delayed ACK instead.";

    static final String POSTFIX = "Postfix: smtpd sets no `TCP_NODELAY`; it writes the TLS 1.3 session ticket and "
            + "the 220 greeting (465), or the parts of a reply, back to back, and the second write waits for the "
            + "client's delayed ACK. Re-arming `TCP_QUICKACK` before each read removes it: compare the floor with "
            + "and without QuickAck.";

    static final String DOVECOT = "Dovecot: its default login service (`service_count = 1`, high-security mode) "
            + "forks and execs a new imap-login or pop3-login process for every connection, which initialises "
            + "OpenSSL and asks the config, stats, anvil and login services before it calls `accept` (strace: "
            + "clone, execve, then accept ~100 ms later on the loaded machine); the client's SYN is answered by the "
            + "kernel at once, but the greeting or ServerHello waits for that process. No client can avoid it. "
            + "With `service_count = 0` and `process_min_avail = 2` in `service imap-login` the same probe drops "
            + "from a median of 128-141 ms to 3-7 ms on the same loaded machine.";

    static final String VSFTPD = "Cause of stalls: vsftpd forks a process per connection, which forks again for "
            + "privilege separation and looks the user up (nsswitch, passwd) and opens its log before it writes the "
            + "greeting or reads the ClientHello (strace); on a loaded machine that start-up alone passes 40 ms. "
            + "Server-side: every client pays it, QuickAck or not.";

    static final String PROFTPD = "Cause of stalls: ProFTPD forks a process per connection, and mod_tls in that "
            + "process reads the system CA bundle (`/etc/ssl/certs/ca-certificates.crt`, 220 KB) and its "
            + "configuration before the 220 greeting (strace: ~290 ms from fork to greeting on the loaded machine). "
            + "Server-side: every client pays it, QuickAck or not.";

    private StallCauses() {
    }

    private static final Map<String, String> BY_SERVER = byServer();

    /** The causes that apply to the servers named in a target's name, as paragraphs. */
    static List<String> of(String targetName) {
        return BY_SERVER.entrySet().stream().filter(e -> targetName.contains(e.getKey())).map(Map.Entry::getValue)
                .collect(Collectors.toList());
    }

    private static Map<String, String> byServer() {
        Map<String, String> causes = new LinkedHashMap<>();
        causes.put("GreenMail", GREENMAIL);
        causes.put("Apache FtpServer", FTPSERVER);
        causes.put("Postfix", POSTFIX);
        causes.put("Dovecot", DOVECOT);
        causes.put("vsftpd", VSFTPD);
        causes.put("ProFTPD", PROFTPD);
        return causes;
    }
}
