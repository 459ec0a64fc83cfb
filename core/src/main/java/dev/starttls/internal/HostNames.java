package dev.starttls.internal;

import java.net.InetSocketAddress;
import java.net.Socket;

/** Host name helpers: IP-literal detection without any DNS lookup. Not API. */
public final class HostNames {
    private HostNames() {
    }

    /** Whether {@code host} is an IPv4 or IPv6 literal (with or without brackets); never resolves anything. */
    public static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6, possibly bracketed; a DNS name never contains ':'
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** {@code mail.example.com.} becomes {@code mail.example.com}: SNI forbids the trailing dot (RFC 6066 3). */
    public static String stripTrailingDot(String host) {
        return host.endsWith(".") && host.length() > 1 ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * The host to verify a connected socket against when the caller gave no name: its IP address literal, never a
     * name. A plain {@link Socket} cannot prove which name it was connected with: {@code getHostString()} returns the
     * PTR name once anything (a log line) has called {@code getInetAddress().getHostName()}, and whoever answers DNS
     * controls that name. The JDK keeps the name the application gave only in a field it does not expose. Callers who
     * know the name pass it explicitly. An unresolved remote address (a {@code TunneledSocket}'s target) is a name the
     * caller gave and is returned as is.
     *
     * @throws IllegalArgumentException if the socket is not connected
     */
    public static String connectedHost(Socket socket) {
        if (!(socket.getRemoteSocketAddress() instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("the socket is not connected: connect it, or pass the host name");
        }
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
        // an unresolved address (a TunneledSocket's target) holds only the name its creator gave; no lookup fills it.
        // getHostAddress() formats the address; it never looks anything up
        return peer.isUnresolved() ? peer.getHostString() : peer.getAddress().getHostAddress();
    }

    /** Brackets removed from an IPv6 literal such as {@code [::1]}, for certificate matching. */
    public static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
