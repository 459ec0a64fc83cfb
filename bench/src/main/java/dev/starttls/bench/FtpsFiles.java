package dev.starttls.bench;

import dev.starttls.TlsPolicy;
import dev.starttls.ftp.FtpSession;
import dev.starttls.ftp.FtpTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * Many small files in one FTPS session: time per file (login excluded) and the share of data connections whose TLS
 * handshake resumed the control session, for this library and for Commons Net, against a server that does not require
 * reuse (Commons Net cannot resume).
 */
final class FtpsFiles {
    /** Per-file milliseconds and resumed share for one client. */
    record Result(String client, int files, double millisPerFile, int resumed, String failure) {
        String row() {
            return failure != null ? "| " + client + " | n/a | n/a | " + Report.sanitize(failure) + " |"
                    : String.format(Locale.ROOT, "| %s | %.2f | %d of %d | |", client, millisPerFile, resumed, files);
        }
    }

    private FtpsFiles() {
    }

    /** Writes {@code count} files of {@code size} bytes named {@code f000.txt}... into {@code home}. */
    static List<String> writeFiles(Path home, int count, int size) throws IOException {
        byte[] content = new byte[size];
        java.util.Arrays.fill(content, (byte) 'x');
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = String.format(Locale.ROOT, "f%03d.txt", i);
            Files.write(home.resolve(names[i]), content);
        }
        return List.of(names);
    }

    static Result library(String host, int port, TlsPolicy policy, String user, String password, List<String> files) {
        try (FtpSession ftp = FtpTls.connect(host, port, policy)) {
            ftp.login(user, password);
            int resumed = 0;
            long start = System.nanoTime();
            for (String file : files) {
                try (InputStream in = ftp.retrieve(file)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                if (ftp.lastDataHandshake().map(h -> h.resumed()).orElse(false)) {
                    resumed++;
                }
            }
            double perFile = (System.nanoTime() - start) / 1e6 / files.size();
            return new Result(Contestants.LIBRARY, files.size(), perFile, resumed, null);
        } catch (IOException | RuntimeException e) {
            return new Result(Contestants.LIBRARY, files.size(), 0, 0, e.toString());
        }
    }

    static Result commonsNet(String host, int port, SSLContext context, String user, String password,
            List<String> files) {
        FTPSClient ftp = new FTPSClient(false, context);
        ftp.setEndpointCheckingEnabled(true);
        try {
            ftp.connect(host, port);
            if (!ftp.login(user, password)) {
                throw new IOException("login refused: " + ftp.getReplyString());
            }
            ftp.execPBSZ(0);
            ftp.execPROT("P");
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            long start = System.nanoTime();
            for (String file : files) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (!ftp.retrieveFile(file, out)) {
                    throw new IOException("RETR " + file + ": " + ftp.getReplyString());
                }
            }
            double perFile = (System.nanoTime() - start) / 1e6 / files.size();
            ftp.logout();
            // Commons Net has no resumption of the control session on data connections: 0 by construction
            return new Result(Contestants.COMMONS_NET, files.size(), perFile, 0, null);
        } catch (IOException | RuntimeException e) {
            return new Result(Contestants.COMMONS_NET, files.size(), 0, 0, e.toString());
        } finally {
            try {
                ftp.disconnect();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
