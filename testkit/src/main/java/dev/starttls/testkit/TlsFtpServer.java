package dev.starttls.testkit;

import dev.starttls.TlsPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.command.CommandFactoryFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * An FTPS server for tests: Apache FtpServer on {@code 127.0.0.1} with explicit TLS ({@code AUTH TLS}) on one port and
 * implicit TLS on another, passive data ports on {@code 127.0.0.1}, a certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1} from a throwaway CA, and one user with a temporary home directory.
 *
 * <pre>{@code
 * try (TlsFtpServer ftp = TlsFtpServer.builder().user("alice", "secret").start()) {
 *     Files.writeString(ftp.home().resolve("hello.txt"), "Hello");
 *     try (FtpSession session = FtpTls.connect("localhost", ftp.explicitPort(), ftp.clientPolicy())) {
 *         session.login("alice", "secret");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Like vsftpd and ProFTPD (and unlike FtpServer itself), it behaves as a hardened server by default: it refuses
 * {@code USER}/{@code PASS} before TLS ({@code 530}), refuses transfers over an unprotected data connection
 * ({@code 522}, after {@code PROT C} or without {@code PROT}), and refuses every data connection that does not resume the
 * control connection's TLS session (vsftpd's {@code require_ssl_reuse=YES}; the data handshake fails), so a client
 * that works here works there. Each switch can be turned off in the {@link Builder}.
 *
 * <p>Ports are chosen by the operating system, so instances run in parallel. Thread-safe.
 *
 * @since 0.1
 */
public final class TlsFtpServer implements AutoCloseable {
    /** Commands that open a data connection (RFC 959 4.1.3, RFC 3659 7). */
    private static final Set<String> DATA_COMMANDS = Set.of("RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD");

    private final CertificateAuthority ca;
    private final HeldCertificate serverCertificate;
    private final TlsPolicy clientPolicy;
    private final FtpsConfiguration tls;
    private final String userName;
    private final String password;
    private final UserManager users;
    private final FtpServer server;
    private final Listener explicit;
    private final Listener implicit;
    private volatile Path home;

    private TlsFtpServer(Builder builder) {
        ca = CertificateAuthority.create();
        serverCertificate = ca.issue("localhost", "127.0.0.1", "::1");
        clientPolicy = ca.trustingPolicy();
        tls = new FtpsConfiguration(serverCertificate, builder.requireSessionReuse, builder.protocols);
        userName = builder.userName;
        password = builder.password;

        FtpServerFactory factory = new FtpServerFactory();
        ConnectionConfigFactory connections = new ConnectionConfigFactory();
        connections.setAnonymousLoginEnabled(false);
        connections.setMaxLogins(100);
        connections.setMaxThreads(0);
        factory.setConnectionConfig(connections.createConnectionConfig());
        users = new PropertiesUserManagerFactory().createUserManager(); // in memory: no file
        factory.setUserManager(users);
        CommandFactoryFactory commands = new CommandFactoryFactory();
        commands.addCommand("AUTH", PipelinedCommandGuard.auth()); // CVE-2011-0411: see PipelinedCommandGuard
        factory.setCommandFactory(commands.createCommandFactory());
        factory.addListener("default", listener(false));
        factory.addListener("implicit", listener(true));
        // FtpServer clears this map on stop: a mutable one
        factory.setFtplets(new HashMap<>(Map.of("hardening",
                new Hardening(builder.refuseLoginInClear, builder.refuseUnprotectedData))));
        server = factory.createServer();
        explicit = factory.getListener("default");
        implicit = factory.getListener("implicit");
        newHome();
        try {
            server.start();
        } catch (FtpException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot start the FTPS server on 127.0.0.1", e);
        }
    }

    private Listener listener(boolean implicitTls) {
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        data.setPassiveExternalAddress("127.0.0.1");
        data.setPassivePorts("0"); // any free port, chosen per transfer
        data.setActiveEnabled(false); // PORT/EPRT would connect out; tests use passive mode
        data.setImplicitSsl(implicitTls);
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        listener.setImplicitSsl(implicitTls);
        listener.setSslConfiguration(tls);
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        return listener.createListener();
    }

    /** Starts a server with the defaults: user {@code alice} / {@code secret}, TLS 1.3 and 1.2, hardened. */
    public static TlsFtpServer start() {
        return builder().start();
    }

    /** A builder for a server with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Gives the user a new, empty temporary home directory (the old one is deleted); sessions that log in afterwards
     * see the new one.
     *
     * @return the new home directory
     */
    public Path newHome() {
        Path old = home;
        try {
            Path fresh = Files.createTempDirectory("starttls-ftp-home");
            BaseUser user = new BaseUser();
            user.setName(userName);
            user.setPassword(password);
            user.setHomeDirectory(fresh.toString());
            user.setAuthorities(List.<Authority>of(new WritePermission()));
            users.save(user);
            home = fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a home directory", e);
        } catch (FtpException e) {
            throw new IllegalStateException("cannot add the FTP user " + userName, e);
        }
        if (old != null) {
            deleteTree(old);
        }
        return home;
    }

    /** The user's home directory: put files here for downloads, find uploads here. */
    public Path home() {
        return home;
    }

    /** The user name that may log in. */
    public String userName() {
        return userName;
    }

    /** The user's password. */
    public String password() {
        return password;
    }

    /** The port for plain FTP with {@code AUTH TLS} (explicit FTPS, RFC 4217). */
    public int explicitPort() {
        return explicit.getPort();
    }

    /** The port for implicit FTPS (TLS from the first byte, as on port 990). */
    public int implicitPort() {
        return implicit.getPort();
    }

    /** The CA that issued the server certificate. */
    public CertificateAuthority ca() {
        return ca;
    }

    /** The certificate both ports and every data connection present (SANs localhost, 127.0.0.1, ::1). */
    public HeldCertificate serverCertificate() {
        return serverCertificate;
    }

    /** A client policy that trusts this instance's CA only. */
    public TlsPolicy clientPolicy() {
        return clientPolicy;
    }

    /** How many data connections were refused because they did not resume the control session (NET-408). */
    public int refusedDataConnections() {
        return tls.refusedDataHandshakes();
    }

    /** Stops the server and deletes the home directory. */
    @Override
    public void close() {
        server.stop();
        Path last = home;
        if (last != null) {
            deleteTree(last);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a test directory left behind is not worth failing a test for
        }
    }

    /**
     * Settings of a {@link TlsFtpServer}.
     *
     * <pre>{@code
     * TlsFtpServer tls12 = TlsFtpServer.builder().protocols("TLSv1.2").start();
     * }</pre>
     *
     * <p>Builders are not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String userName = "alice";
        private String password = "secret";
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private boolean requireSessionReuse = true;
        private boolean refuseLoginInClear = true;
        private boolean refuseUnprotectedData = true;

        private Builder() {
        }

        /** The user that may log in (default {@code alice} / {@code secret}). */
        public Builder user(String name, String password) {
            this.userName = Objects.requireNonNull(name, "name");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** The TLS versions the server accepts (default TLSv1.3 and TLSv1.2). */
        public Builder protocols(String... protocols) {
            if (protocols.length == 0) {
                throw new IllegalArgumentException("at least one protocol");
            }
            this.protocols = List.of(protocols);
            return this;
        }

        /**
         * Accepts data connections that make a full TLS handshake instead of resuming the control session, as Apache
         * FtpServer does by itself (and Commons Net needs).
         */
        public Builder allowDataWithoutSessionReuse() {
            this.requireSessionReuse = false;
            return this;
        }

        /** Accepts {@code USER} and {@code PASS} before {@code AUTH TLS}. */
        public Builder allowLoginInClear() {
            this.refuseLoginInClear = false;
            return this;
        }

        /** Transfers files and listings over clear data connections ({@code PROT C}). */
        public Builder allowUnprotectedData() {
            this.refuseUnprotectedData = false;
            return this;
        }

        /** Starts the server. */
        public TlsFtpServer start() {
            return new TlsFtpServer(this);
        }
    }

    /** The refusals a hardened server makes, with vsftpd's reply codes. */
    private static final class Hardening extends DefaultFtplet {
        private final boolean refuseLoginInClear;
        private final boolean refuseUnprotectedData;

        Hardening(boolean refuseLoginInClear, boolean refuseUnprotectedData) {
            this.refuseLoginInClear = refuseLoginInClear;
            this.refuseUnprotectedData = refuseUnprotectedData;
        }

        @Override
        public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException, IOException {
            String command = request.getCommand().toUpperCase(Locale.ROOT);
            if (refuseLoginInClear && !session.isSecure() && (command.equals("USER") || command.equals("PASS"))) {
                session.write(new DefaultFtpReply(530, "Non-anonymous sessions must use encryption."));
                return FtpletResult.SKIP;
            }
            if (refuseUnprotectedData && DATA_COMMANDS.contains(command) && !session.getDataConnection().isSecure()) {
                session.write(new DefaultFtpReply(522, "Data connections must be encrypted."));
                return FtpletResult.SKIP;
            }
            return FtpletResult.DEFAULT;
        }
    }
}
