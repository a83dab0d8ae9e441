package dev.kvcap.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * What the running command is doing right now, in words a user can act on ("scoring RES.json
 * against REFS.json", "captioning image photo.png", "training epoch 3, batch 17 of 50"). Commands
 * say so at each step over their inputs; when an unexpected exception reaches {@link Main}, the
 * last step said is the "what kvcap was doing" of its one-line message. It is a plain per-thread
 * value, not a stack: a step replaces the one before, and {@link Main#run} clears it.
 *
 * <p>Every step is also a fault-injection point for tests ({@link #failAt}), so that each command's
 * handling of an internal failure can be checked without a real bug.
 */
final class Activity {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    private static final Map<String, Throwable> FAULTS = new HashMap<>();

    private Activity() {}

    /** The command is now doing {@code what} (lower case, no trailing period). */
    static void now(String what) {
        CURRENT.set(what);
        Throwable fault;
        synchronized (FAULTS) {
            fault = FAULTS.entrySet().stream()
                    .filter(e -> what.startsWith(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
        }
        if (fault instanceof Error error) {
            throw error;
        }
        if (fault != null) {
            throw (RuntimeException) fault;
        }
    }

    /** The last step said on this thread, or null. */
    static String current() {
        return CURRENT.get();
    }

    static void clear() {
        CURRENT.remove();
    }

    /**
     * Tests only: the next step whose description starts with {@code prefix} throws {@code e}, as
     * if kvcap had a bug there. {@link #clearFaults()} undoes it.
     */
    static void failAt(String prefix, RuntimeException e) {
        failWith(prefix, e);
    }

    /** As {@link #failAt}, with an {@link Error}. */
    static void failAt(String prefix, Error e) {
        failWith(prefix, e);
    }

    private static void failWith(String prefix, Throwable e) {
        synchronized (FAULTS) {
            FAULTS.put(prefix, e);
        }
    }

    static void clearFaults() {
        synchronized (FAULTS) {
            FAULTS.clear();
        }
    }
}
