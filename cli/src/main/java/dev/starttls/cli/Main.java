package dev.starttls.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code starttls} command line: {@code probe} servers like {@code openssl s_client -starttls}, scan many,
 * {@code serve} the test kit's TLS mail servers as a process, and a {@code demo}.
 *
 * <pre>{@code
 * ./starttls demo
 * ./starttls probe --ca company-ca.pem smtp://mail.example.com:587
 * ./starttls probe --targets servers.txt --concurrency 64 --shard 3/8 > shard-3.jsonl
 * }</pre>
 *
 * @since 0.1
 */
@Command(name = "starttls", mixinStandardHelpOptions = true, version = "starttls 0.1",
        description = "TLS on SMTP, POP3 and IMAP connections: probe, scan, serve, demo.",
        subcommands = {ProbeCommand.class, ServeCommand.class, DemoCommand.class, HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    private Main() {
    }

    /** {@code starttls} alone: a usage error that lists the subcommands. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: probe, serve or demo");
    }

    /** A {@link CommandLine} for the whole tool, for {@code execute(args)} in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Runs the tool and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
