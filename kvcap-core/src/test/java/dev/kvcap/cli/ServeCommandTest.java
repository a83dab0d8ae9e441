package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    @TempDir Path dir;

    private static String[] run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8).strip()};
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void serveWithoutAModelDirectoryFailsWithOneLine() {
        String[] r = run("serve", "--model", dir.resolve("nope").toString(), "--port", "0");
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("kvcap: model directory"), r[1]);
        assertEquals(1, r[1].lines().count(), r[1]);
    }

    @Test
    void badServeOptionsAreRefusedBeforeLoadingAnything() {
        String[] r = run("serve", "--model", dir.toString(), "--max-batch", "0");
        assertEquals("2", r[0], "a bad option's value exits 2, as an option picocli refuses does");
        assertTrue(r[1].contains("--max-batch must be at least 1, got 0"), r[1]);
        assertEquals(2, Main.run("serve", "--model", dir.toString(), "--port", "eighty"));
    }

    @Test
    void aBankAnotherProcessIsWritingIsServedReadOnly() throws Exception {
        java.nio.file.Path model = BadInputs.model(dir.resolve("model-locked"));
        try (dev.kvcap.infer.Captioner captioner = dev.kvcap.infer.Captioner.load(model);
                dev.kvcap.bank.MemoryBank writer = Banks.openForWrite(model, captioner);
                dev.kvcap.bank.MemoryBank served = Banks.forServing(model, captioner).orElseThrow()) {
            assertTrue(served.isReadOnly());
            assertFalse(writer.isReadOnly());
        }
        try (dev.kvcap.infer.Captioner captioner = dev.kvcap.infer.Captioner.load(model);
                dev.kvcap.bank.MemoryBank served = Banks.forServing(model, captioner).orElseThrow()) {
            assertFalse(served.isReadOnly(), "once the other writer is gone, the service writes");
        }
    }

    @Test
    void aPortInUseIsOneLineThatSaysWhatToChange() throws Exception {
        java.nio.file.Path model = BadInputs.model(dir.resolve("model"));
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String[] r = run("serve", "--model", model.toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertEquals("1", r[0], r[1]);
            String last = r[1].lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("kvcap: cannot listen on") && last.contains("choose another --port"), r[1]);
            assertTrue(r[1].lines().noneMatch(l -> l.contains("io.javalin")), "no library log line: " + r[1]);
        }
    }
}
