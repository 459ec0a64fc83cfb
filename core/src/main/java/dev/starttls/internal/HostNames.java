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
     * The host name a connected socket was connected with: its unresolved host string, never a reverse-DNS name (for a
     * socket connected to an IP address, that address).
     *
     * @throws IllegalArgumentException if the socket is not connected
     */
    public static String connectedHost(Socket socket) {
        if (!(socket.getRemoteSocketAddress() instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("the socket is not connected: connect it, or pass the host name");
        }
        return ((InetSocketAddress) socket.getRemoteSocketAddress()).getHostString();
    }

    /** Brackets removed from an IPv6 literal such as {@code [::1]}, for certificate matching. */
    public static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
