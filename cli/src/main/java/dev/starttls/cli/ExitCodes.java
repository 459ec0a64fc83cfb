package dev.starttls.cli;

/** The exit statuses of {@code starttls}, for scripts and monitoring. */
final class ExitCodes {
    /** Every target upgraded (or, with {@code --opportunistic}, answered). */
    static final int OK = 0;
    /** At least one upgrade failed; for {@code demo}, a check failed. */
    static final int FAILED = 1;
    /** Bad command line (picocli's own usage code). */
    static final int USAGE = 2;
    /** Every upgrade succeeded but a certificate in a chain expires within {@code --warn-days}. */
    static final int EXPIRES_SOON = 3;

    private ExitCodes() {
    }
}
