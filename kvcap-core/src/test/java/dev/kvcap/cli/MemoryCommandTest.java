package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.Entry;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kvcap memory stats|remove|clear} on a fake model directory (kvcap.json + model.params). */
class MemoryCommandTest {

    private static final int DIM = 8;

    @TempDir Path model;

    private String modelId;

    /** Exit status, stdout, stderr. */
    private record Result(int code, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }
    }

    private static Result memory(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MemoryCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler(
                (e, c, parsed) -> {
                    c.getErr().println("kvcap: " + Errors.oneLine(e));
                    return 1;
                });
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void fakeModelWithABank() throws Exception {
        Files.writeString(model.resolve("kvcap.json"), "{\"format\": 1, \"modelVersion\": 1}\n");
        Files.write(model.resolve("model.params"), new byte[] {1, 2, 3});
        modelId = ModelFingerprint.of(model);
        fillBank(modelId);
    }

    private void fillBank(String id) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            float[] key = new float[DIM];
            key[i % DIM] = i;
            entries.add(new Entry(key, i % 5, i < 8 ? "train:" + (i / 4) : "teach:" + i));
        }
        try (MemoryBank bank = MemoryBank.open(MemoryBank.dirOf(model), new BankInfo(id, DIM))) {
            bank.add(entries);
        }
    }

    @Test
    void statsPrintsOneJsonObjectDescribingTheBank() {
        Result r = memory("stats", "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        JsonObject o = r.json();
        assertEquals(12, o.get("entries").getAsLong());
        assertEquals(6, o.get("sources").getAsLong()); // train:0, train:1, teach:8..11
        assertEquals(5, o.get("words").getAsLong());
        assertEquals(DIM, o.get("dim").getAsInt());
        assertEquals(modelId, o.get("model_id").getAsString());
        assertTrue(o.get("matches_model").getAsBoolean());
        assertTrue(o.get("bytes_on_disk").getAsLong() > 0);
    }

    @Test
    void statsOfAModelWithoutABankSaysItDoesNotExist() throws Exception {
        MemoryBank.reset(MemoryBank.dirOf(model));
        Result r = memory("stats", "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.json().get("exists").getAsBoolean());
        assertEquals(0, r.json().get("entries").getAsLong());
    }

    @Test
    void removeDeletesTheEntriesOfASourcePrefixDurably() {
        Result r = memory("remove", "--model", model.toString(), "--source", "teach:");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, r.json().get("removed").getAsLong());
        assertEquals(8, r.json().get("entries").getAsLong());
        assertEquals(8, memory("stats", "--model", model.toString()).json().get("entries").getAsLong());
    }

    @Test
    void mergeLeavesOneSegmentWithEveryEntry() throws Exception {
        fillBank(modelId); // a second batch: a second segment
        assertTrue(segments() > 1);
        Result r = memory("merge", "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(24, r.json().get("entries").getAsLong());
        assertEquals(1, segments());
    }

    private int segments() throws Exception {
        try (var dir = org.apache.lucene.store.FSDirectory.open(MemoryBank.dirOf(model));
                var reader = org.apache.lucene.index.DirectoryReader.open(dir)) {
            return reader.leaves().size();
        }
    }

    @Test
    void clearEmptiesTheBank() {
        Result r = memory("clear", "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.json().get("cleared").getAsBoolean());
        assertEquals(0, memory("stats", "--model", model.toString()).json().get("entries").getAsLong());
    }

    @Test
    void aBankFromAnotherModelIsReportedRefusedForRemovalAndClearable() throws Exception {
        MemoryBank.reset(MemoryBank.dirOf(model));
        fillBank("0000000000000000");
        Result stats = memory("stats", "--model", model.toString());
        assertEquals(0, stats.code());
        assertFalse(stats.json().get("matches_model").getAsBoolean());
        assertTrue(stats.err().contains("kvcap memory clear --model"), stats.err());

        Result remove = memory("remove", "--model", model.toString(), "--source", "train:");
        assertEquals(1, remove.code());
        assertEquals(1, remove.err().strip().lines().count(), remove.err());
        assertTrue(remove.err().contains("built for model 0000000000000000"), remove.err());
        assertTrue(remove.err().contains("kvcap memory clear --model"), remove.err());

        assertEquals(0, memory("clear", "--model", model.toString()).code());
        try (MemoryBank bank = MemoryBank.open(MemoryBank.dirOf(model), new BankInfo(modelId, DIM))) {
            assertEquals(0, bank.size());
        }
    }

    @Test
    void aDirectoryThatIsNotAModelIsAOneLineError() throws Exception {
        Path notModel = Files.createDirectory(model.resolve("nope"));
        Result r = memory("stats", "--model", notModel.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("kvcap: ") && r.err().contains("not a kvcap model directory"), r.err());
    }

    @Test
    void mainKnowsTheMemoryCommand() {
        assertEquals(0, Main.run("memory", "clear", "--model", model.toString()));
    }
}
