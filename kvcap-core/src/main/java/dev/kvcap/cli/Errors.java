package dev.kvcap.cli;

import dev.kvcap.bank.BankException;
import dev.kvcap.config.OptionException;
import dev.kvcap.data.DataException;
import dev.kvcap.data.FileErrors;
import dev.kvcap.eval.MetricsInputException;
import dev.kvcap.eval.ScoringException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Turns any exception into the one line the user sees. Two kinds, told apart by type:
 *
 * <ul>
 *   <li><b>kvcap's own errors</b>: the input or the environment is wrong and the message says
 *       what to fix. These are {@link DataException} (and {@code ImageDecodeException}), {@link
 *       MetricsInputException}, {@link BankException}, picocli's {@code ParameterException}, I/O
 *       errors ({@link IOException}, {@link UncheckedIOException}: they name the file), {@link
 *       OutOfMemoryError}, and an {@link IllegalArgumentException} thrown by kvcap's own code
 *       (options and configs are validated with it). Printed as {@code kvcap: <message>}.
 *   <li><b>Unexpected</b>: everything else (an {@code IndexOutOfBoundsException}, a {@code
 *       NullPointerException}, an {@code IllegalArgumentException} from a library, a {@link
 *       ScoringException}...): a bug. Printed as {@code kvcap: <what kvcap was doing>: <short
 *       cause> (<ExceptionType>); please report}, where what kvcap was doing is the command's last
 *       {@link Activity} and a {@link ScoringException} adds the image and caption.
 * </ul>
 *
 * New code that rejects a bad input throws one of the first kind with a message for users; any
 * other exception is reported as a bug.
 */
final class Errors {

    /** Longest cause message kept in an unexpected error's line. */
    private static final int MAX_CAUSE = 160;

    private Errors() {}

    /** The one line for {@code e} (without the {@code kvcap: } prefix). */
    static String line(Throwable e, String activity) {
        Throwable own = usersError(e);
        return own != null ? oneLine(own) : unexpected(e, activity);
    }

    /** Whether {@code e} is a bad option's value ({@link OptionException}, exit 2), unless a bug wraps it. */
    static boolean isBadOption(Throwable e) {
        return usersError(e) instanceof OptionException;
    }

    /** Whether {@code e} is one of kvcap's own errors (see the class comment). */
    static boolean isUsers(Throwable e) {
        return usersError(e) != null;
    }

    /** The first of kvcap's own errors in {@code e}'s cause chain, unless a bug wraps it. */
    private static Throwable usersError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ScoringException) {
                return null;
            }
            if (t instanceof DataException
                    || t instanceof MetricsInputException
                    || t instanceof BankException
                    || t instanceof CommandLine.ParameterException
                    || t instanceof IOException
                    || t instanceof UncheckedIOException
                    || t instanceof OutOfMemoryError
                    || t instanceof IllegalArgumentException && thrownByKvcap(t)) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static boolean thrownByKvcap(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("dev.kvcap.");
    }

    /** {@code <activity>: <short cause> (<Type>); please report}. */
    static String unexpected(Throwable e, String activity) {
        Throwable where = null;
        for (Throwable t = e; t != null && where == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ScoringException) {
                where = t;
            }
        }
        Throwable root = where != null && where.getCause() != null ? where.getCause() : e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = where != null ? where.getMessage() : root.getMessage();
        StringBuilder sb = new StringBuilder(activity);
        sb.append(": ");
        if (cause == null || cause.isBlank()) {
            sb.append("internal error");
        } else {
            String c = flat(cause);
            sb.append(c.length() > MAX_CAUSE ? c.substring(0, MAX_CAUSE - 1) + "…" : c);
        }
        sb.append(" (").append(root.getClass().getSimpleName()).append("); please report");
        return flat(sb.toString());
    }

    /** The message of one of kvcap's own errors, on one line. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        String file = FileErrors.describe(t);
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        } else if (file != null) {
            msg = file;
        } else if (t instanceof OutOfMemoryError) {
            msg = "out of memory (" + msg + "): try a smaller --batch or -Xmx via KVCAP_JAVA_OPTS";
        }
        return flat(msg);
    }

    private static String flat(String s) {
        return shortJsonPaths(s.replaceAll("\\s+", " ").trim());
    }

    /** A JSON path of more segments than this is shortened in messages. */
    private static final int MAX_PATH_SEGMENTS = 6;

    private static final Pattern JSON_PATH = Pattern.compile("\\$(?:\\[\\d+\\]|\\.[A-Za-z_][\\w-]*)+");

    private static final Pattern SEGMENT = Pattern.compile("\\[\\d+\\]|\\.[A-Za-z_][\\w-]*");

    /**
     * Gson's parse errors end with the JSON path where they stopped; for deeply nested input that is
     * hundreds of segments ({@code $[0][0][0]…}, 255 of them at Gson's nesting limit). Such a path
     * keeps its first three segments and its last, with the depth: {@code $[0][0][0]…[0] (255 deep)}.
     */
    static String shortJsonPaths(String s) {
        Matcher m = JSON_PATH.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> segments = new ArrayList<>();
            Matcher seg = SEGMENT.matcher(m.group());
            while (seg.find()) {
                segments.add(seg.group());
            }
            String path = m.group();
            if (segments.size() > MAX_PATH_SEGMENTS) {
                path = "$" + String.join("", segments.subList(0, 3)) + "…" + segments.get(segments.size() - 1)
                        + " (" + segments.size() + " deep)";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(path));
        }
        m.appendTail(out);
        return out.toString();
    }
}
