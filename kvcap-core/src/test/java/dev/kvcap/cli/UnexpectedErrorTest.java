package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.Entry;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import dev.kvcap.eval.ScoringException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command turns an internal failure (injected at one of its {@link Activity} steps) into one
 * line that says what kvcap was doing, names the exception and asks for a report; exits 1; and
 * prints nothing on stdout.
 */
class UnexpectedErrorTest {

    private static final IndexOutOfBoundsException BUG =
            new IndexOutOfBoundsException("Index 22 out of bounds for length 22");
    private static final String REPORT = ": Index 22 out of bounds for length 22 (IndexOutOfBoundsException); please report";

    @TempDir Path dir;

    /** Exit status, stderr, stdout. */
    private record Run(int code, String err, String out) {}

    @AfterEach
    void noFaultsLeft() {
        Activity.clearFaults();
    }

    private static Run run(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.code(), r.err(), r.out());
    }

    /** Injects {@link #BUG} at the step starting with {@code step} and checks the one line. */
    private static Run failsAt(String step, String... args) {
        Activity.failAt(step, BUG);
        Run r = run(args);
        assertEquals(1, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("kvcap: " + step), last);
        assertTrue(last.endsWith(REPORT), last);
        assertFalse(r.err().contains("\tat "), "no stack trace without KVCAP_DEBUG: " + r.err());
        assertEquals("", r.out(), "no partial output on stdout");
        return r;
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(UnexpectedErrorTest.class.getResource("/coco-metrics/" + name).toURI());
    }

    private Path fakeModelWithABank() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("kvcap.json"), "{\"format\": 1, \"modelVersion\": 1}\n");
        Files.write(model.resolve("model.params"), new byte[] {1, 2, 3});
        try (MemoryBank bank = MemoryBank.open(MemoryBank.dirOf(model), new BankInfo(ModelFingerprint.of(model), 4))) {
            bank.add(List.of(new Entry(new float[] {1, 0, 0, 0}, 1, "teach:x")));
        }
        return model;
    }

    @Test
    void scoreSaysWhichFilesItWasScoringAndWritesNoPerImageFile() throws Exception {
        Path perImage = dir.resolve("per_image.json");
        Run r = failsAt("scoring", "score", "--refs", fixture("refs.json").toString(),
                "--results", fixture("results.json").toString(), "--per-image", perImage.toString());
        assertTrue(r.err().contains("results.json against"), r.err());
        assertFalse(Files.exists(perImage));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no temporary file left either");
        }
    }

    @Test
    void aFailureInsideTheMetricsNamesTheImageAndTheCaption() throws Exception {
        Activity.failAt("scoring", new ScoringException("image 560371: tokenizer failed on \"…22 3/4 st.\"",
                new ArrayIndexOutOfBoundsException("Index 22 out of bounds for length 22")));
        Path results = fixture("results.json");
        Run r = run("score", "--refs", fixture("refs.json").toString(), "--results", results.toString());
        assertEquals(1, r.code());
        assertEquals("kvcap: scoring " + results + " against " + fixture("refs.json")
                + ": image 560371: tokenizer failed on \"…22 3/4 st.\" (ArrayIndexOutOfBoundsException); please report",
                r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void evaluateSaysItWasReadingTheCaptions() throws Exception {
        failsAt("reading the captions", "evaluate", "--model", dir.toString(),
                "--captions", fixture("refs.json").toString(), "--images", dir.toString());
    }

    @Test
    void baselineSaysItWasReadingTheCaptions() throws Exception {
        failsAt("reading the captions", "baseline", "--train-captions", fixture("refs.json").toString(),
                "--train-images", dir.toString(), "--captions", fixture("refs.json").toString(), "--images", dir.toString());
    }

    @Test
    void captionSaysItWasLoadingTheModel() {
        failsAt("loading the model", "caption", "--model", dir.toString(), dir.resolve("x.png").toString());
    }

    @Test
    void trainSaysItWasReadingTheTrainingCaptions() throws Exception {
        failsAt("reading the training captions", "train", "--captions", fixture("refs.json").toString(),
                "--images", dir.toString(), "--out", dir.resolve("run").toString(), "--config", "tiny");
        assertFalse(Files.exists(dir.resolve("run")), "no partial model directory");
    }

    @Test
    void demoSaysItWasGeneratingItsData() {
        failsAt("generating", "demo", "--out", dir.resolve("demo").toString(), "--images", "20");
    }

    @Test
    void synthSaysItWasGeneratingImages() {
        failsAt("generating 20 synthetic images", "synth", "--out", dir.resolve("shapes").toString(), "--images", "20");
        assertFalse(Files.exists(dir.resolve("shapes")));
    }

    @Test
    void benchSaysWhichPresetItWasBenchmarking() {
        failsAt("benchmarking preset tiny", "bench", "--quick");
    }

    @Test
    void serveSaysItWasLoadingTheModel() {
        failsAt("loading the model", "serve", "--model", dir.toString(), "--port", "0");
    }

    @Test
    void memoryBuildSaysItWasReadingTheCaptions() throws Exception {
        failsAt("reading the captions", "memory", "build", "--model", fakeModelWithABank().toString(),
                "--captions", fixture("refs.json").toString(), "--images", dir.toString());
    }

    @Test
    void memoryAddSaysItWasLoadingTheModel() throws Exception {
        failsAt("loading the model", "memory", "add", "--model", fakeModelWithABank().toString(),
                dir.resolve("x.png").toString(), "--caption", "a red circle");
    }

    @Test
    void memoryStatsSaysWhichBankItWasReading() throws Exception {
        failsAt("reading the memory bank", "memory", "stats", "--model", fakeModelWithABank().toString());
    }

    @Test
    void memoryRemoveSaysWhatItWasRemoving() throws Exception {
        failsAt("removing source teach:x", "memory", "remove", "--model", fakeModelWithABank().toString(),
                "--source", "teach:x");
    }

    @Test
    void memoryClearFailsBeforeClearingAnything() throws Exception {
        Path model = fakeModelWithABank();
        failsAt("clearing the memory bank", "memory", "clear", "--model", model.toString());
        assertEquals(0, run("memory", "stats", "--model", model.toString()).code());
        assertTrue(run("memory", "stats", "--model", model.toString()).out().contains("\"entries\":1"));
    }

    @Test
    void memoryMergeSaysWhichBankItWasMerging() throws Exception {
        failsAt("merging the memory bank", "memory", "merge", "--model", fakeModelWithABank().toString());
    }

    @Test
    void anErrorSuchAsAStackOverflowIsReportedTheSameWay() {
        Activity.failAt("reading the references", new StackOverflowError());
        Run r = run("score", "--refs", dir.resolve("r.json").toString(), "--results", dir.resolve("s.json").toString());
        assertEquals(1, r.code());
        assertEquals("kvcap: reading the references " + dir.resolve("r.json")
                + ": internal error (StackOverflowError); please report", r.err().strip());
    }

    @Test
    void kvcapsOwnErrorsStillPrintJustTheirMessage() {
        Run r = run("score", "--refs", dir.resolve("missing.json").toString(), "--results", dir.resolve("s.json").toString());
        assertEquals(1, r.code());
        assertFalse(r.err().contains("please report"), r.err());
        assertTrue(r.err().strip().startsWith("kvcap: "), r.err());
    }
}
