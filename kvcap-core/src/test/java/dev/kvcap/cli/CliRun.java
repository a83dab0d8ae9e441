package dev.kvcap.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * kvcap run as {@code bin/kvcap} runs it, through {@link Main#run} and its real error handlers,
 * with stderr and stdout captured.
 *
 * @param code the exit status
 */
record CliRun(int code, String err, String out) {

    static CliRun of(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new CliRun(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }
}
