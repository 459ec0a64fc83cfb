package dev.starttls.ftp;

/**
 * What a session does about its data connections (listings and files) after {@code PBSZ 0} and {@code PROT P}
 * (RFC 4217 9): the control connection is TLS either way.
 *
 * <pre>{@code
 * FtpSession ftp = FtpTls.connect("ftp.example.com", 21, policy, DataProtection.PRIVATE_OR_CLEAR_INSECURELY);
 * }</pre>
 *
 * @since 0.1
 */
public enum DataProtection {
    /** {@code PROT P} is required: a server that refuses it fails the upgrade ({@code REJECTED}). The default. */
    PRIVATE,
    /**
     * {@code PROT P} is asked for, and if the server refuses it, files and listings travel in clear (readable and
     * changeable by anyone on the path). For legacy servers only.
     */
    PRIVATE_OR_CLEAR_INSECURELY
}
