package dev.kvcap.cli;

/** Turns any exception into the one line the user sees. */
final class Errors {

    private Errors() {}

    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        } else if (t instanceof java.nio.file.NoSuchFileException) {
            msg = "no such file: " + msg;
        } else if (t instanceof java.nio.file.AccessDeniedException) {
            msg = "permission denied: " + msg;
        } else if (t instanceof OutOfMemoryError) {
            msg = "out of memory (" + msg + "): try a smaller --batch or -Xmx via KVCAP_JAVA_OPTS";
        }
        return msg.replaceAll("\\s+", " ").trim();
    }
}
