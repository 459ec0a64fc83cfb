package dev.starttls.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** Commons Net is an optional dependency: {@code FtpTls} must load and work without it on the class path. */
class FtpTlsWithoutCommonsNetTest {
    /** A class loader that sees this module's and core's classes but not Commons Net (as a user without it). */
    private static ClassLoader withoutCommonsNet() throws Exception {
        URL ftpClasses = FtpTls.class.getProtectionDomain().getCodeSource().getLocation();
        URL coreClasses = dev.starttls.TlsPolicy.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {ftpClasses, coreClasses}, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void ftpTlsLoadsWithoutCommonsNet() throws Exception {
        ClassLoader loader = withoutCommonsNet();
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.apache.commons.net.ftp.FTPSClient"));
        Class<?> ftpTls = Class.forName("dev.starttls.ftp.FtpTls", true, loader); // links and verifies the class
        assertEquals(990, ftpTls.getField("IMPLICIT_PORT").getInt(null));
    }
}
