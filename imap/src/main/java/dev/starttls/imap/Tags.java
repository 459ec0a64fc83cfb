package dev.starttls.imap;

import java.security.SecureRandom;

/**
 * Command tags: a random prefix per session and a counter, so an attacker who injects responses cannot predict the
 * tag of a pending command; the STARTTLS tag is fully random.
 */
final class Tags {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final String prefix = random(6);
    private int counter;

    String next() {
        return prefix + (++counter);
    }

    String unpredictable() {
        return random(10);
    }

    private static String random(int length) {
        char[] tag = new char[length];
        for (int i = 0; i < length; i++) {
            tag[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(tag);
    }
}
