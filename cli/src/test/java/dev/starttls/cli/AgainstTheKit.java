package dev.starttls.cli;

import dev.starttls.testkit.CertificateAuthority;
import dev.starttls.testkit.TlsGreenMail;
import dev.starttls.testkit.TlsGreenMailExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The fixture the CLI tests share: the kit's TLS GreenMail for the class, and a folder for CA files. */
abstract class AgainstTheKit {
    @RegisterExtension
    static final TlsGreenMailExtension MAIL = new TlsGreenMailExtension();

    @TempDir
    static Path dir;

    static TlsGreenMail mail;

    @BeforeAll
    static void startMail() {
        mail = MAIL.get();
    }

    /** Writes these CAs into one PEM file (as {@code --ca} and {@code openssl -CAfile} take it) and names it. */
    static String trust(String fileName, CertificateAuthority... cas) throws IOException {
        String pem = Arrays.stream(cas).map(CertificateAuthority::certificatePem).collect(Collectors.joining());
        return Files.writeString(dir.resolve(fileName), pem).toString();
    }
}
