/**
 * The service-provider interface for protocol modules: the one STARTTLS procedure ({@link dev.starttls.spi.StartTls})
 * and what a protocol supplies to it ({@link dev.starttls.spi.StartTlsDialogue}), the {@link dev.starttls.spi.Channel}
 * a dialogue reads and writes through, numeric replies, and {@link dev.starttls.spi.ChannelSession}, the common part of
 * every session. Stable for modules of this project and for users adding their own protocol (see ARCHITECTURE.md,
 * "Adding a protocol"); application code uses the protocol entry points ({@code SmtpTls}, ...) instead.
 */
package dev.starttls.spi;
