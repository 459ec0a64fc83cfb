package com.example.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test kit leaves the user's class path as the user declared it. */
class ClassPathTest {
    private static List<URL> copiesOf(String resource) throws Exception {
        return Collections.list(ClassPathTest.class.getClassLoader().getResources(resource));
    }

    @Test
    void jakartaMailIsOnTheClassPathOnce() throws Exception {
        List<URL> copies = copiesOf("jakarta/mail/Session.class");
        assertEquals(1, copies.size(), "copies of jakarta.mail.Session: " + copies);
    }

    @Test
    void junitIsTheVersionFromTheUsersBom() {
        assertEquals("5.11.4", org.junit.jupiter.api.Test.class.getPackage().getImplementationVersion());
        assertEquals("1.11.4",
                org.junit.platform.commons.util.ReflectionUtils.class.getPackage().getImplementationVersion());
    }
}
