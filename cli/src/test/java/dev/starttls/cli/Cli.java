package dev.starttls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code starttls} in-process with captured output. */
final class Cli {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
        /** Every stdout line as JSON; fails on a line that is not. */
        List<JsonNode> jsonLines() {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isEmpty()) {
                    try {
                        nodes.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new UncheckedIOException("not JSON: " + line + "\nstderr: " + err, e);
                    }
                }
            }
            return nodes;
        }

        JsonNode json() {
            List<JsonNode> nodes = jsonLines();
            if (nodes.size() != 1) {
                throw new AssertionError("expected one JSON object, got " + nodes.size() + ": " + this);
            }
            return nodes.get(0);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
