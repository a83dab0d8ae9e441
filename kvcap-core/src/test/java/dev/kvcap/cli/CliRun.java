package dev.kvcap.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * kvcap run as {@code bin/kvcap} runs it, through {@link Main#run} and its real error handlers,
 * with stderr and stdout captured; also a command of another module run under {@link Main}'s rules
 * (kvcap-spark's {@code spark-caption}).
 *
 * @param code the exit status
 */
public record CliRun(int code, String err, String out) {

    public static CliRun of(String... args) {
        return ofCommand(new Main(), args);
    }

    /** {@code command} (a picocli command object) run through {@link Main#run(Object, String...)}. */
    public static CliRun ofCommand(Object command, String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(command, args);
            return new CliRun(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }
}
