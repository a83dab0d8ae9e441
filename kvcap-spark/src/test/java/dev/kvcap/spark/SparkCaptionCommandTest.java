package dev.kvcap.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkCaptionCommandTest {

    @TempDir static Path dir;

    static Path model;
    static Path images;
    static Map<String, String> expected;
    static SparkSession spark;

    @BeforeAll
    static void aModelAndAFolderOfImages() throws Exception {
        spark = LocalSpark.session();
        model = LocalSpark.tinyModel(dir);
        images = dir.resolve("images");
        List<Path> files = LocalSpark.images(images.resolve("nested"), 5);
        Files.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        Files.writeString(images.resolve("notes.txt"), "not an image, and not named like one");
        expected = new HashMap<>();
        LocalSpark.captionsByName(model, files).forEach((name, caption) -> expected.put(name, caption.text()));
    }

    static CliRun run(String... args) {
        return CliRun.ofCommand(new SparkCaptionCommand(), args);
    }

    private static Map<String, Row> byFileName(Path parquet, String column) {
        return spark.read().parquet(parquet.toString()).collectAsList().stream().collect(Collectors.toMap(
                r -> { String p = r.getString(r.fieldIndex(column)); return p.substring(p.lastIndexOf('/') + 1); },
                r -> r));
    }

    @Test
    void captionsAFolderIntoParquetWithAProgressLinePerStage() throws Exception {
        Path out = dir.resolve("folder.parquet");
        CliRun r = run("--model", model.toString(), "--input", images.toString(), "--output", out.toString(),
                "--master", "local[2]", "--batch", "2", "--tokens", "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"images\":6,\"captioned\":5,\"errors\":1"), r.out());
        assertTrue(r.err().lines().anyMatch(l -> l.matches("kvcap spark-caption: stage \\d+ \\(captioning .* into Parquet\\): done, 3 tasks in [\\d.]+ s")),
                "a line per stage, and the images captioned in the 3 partitions asked for (Spark would split 6 files in 2): " + r.err());
        assertTrue(r.err().contains("captioned 5 of 6 images into " + out), r.err());
        Map<String, Row> rows = byFileName(out, "path");
        assertEquals(6, rows.size(), "notes.txt is not taken for an image");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Row row = rows.get(e.getKey());
            assertEquals(e.getValue(), row.getString(row.fieldIndex("caption")), e.getKey());
            assertEquals(e.getValue(), String.join(" ", row.<String>getList(row.fieldIndex("tokens"))));
        }
        Row broken = rows.get("broken.jpg");
        assertNull(broken.get(broken.fieldIndex("caption")));
        assertTrue(broken.getString(broken.fieldIndex("error")).contains("broken.jpg"), broken.toString());
        assertEquals(List.of("path", "caption", "log_prob", "tokens", "error"),
                List.of(spark.read().parquet(out.toString()).columns()), "the image bytes are not copied out");
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary output is left");
        }
    }

    @Test
    void aCsvListOfPathsIsCaptionedAndAMissingFileIsReported() throws Exception {
        Path list = dir.resolve("list.csv");
        StringBuilder csv = new StringBuilder("id,file\n");
        int id = 0;
        for (String name : expected.keySet()) {
            csv.append(id++).append(',').append(images.resolve("nested").resolve(name)).append('\n');
        }
        csv.append(id).append(',').append(images.resolve("gone.png")).append('\n');
        Files.writeString(list, csv);
        Path out = dir.resolve("list-out.parquet");
        CliRun r = run("--model", model.toString(), "--input", list.toString(), "--path-column", "file",
                "--output", out.toString(), "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        Map<String, Row> rows = byFileName(out, "file");
        assertEquals(expected.size() + 1, rows.size());
        expected.forEach((name, caption) -> assertEquals(caption, rows.get(name).getString(rows.get(name).fieldIndex("caption")), name));
        Row gone = rows.get("gone.png");
        assertTrue(gone.getString(gone.fieldIndex("error")).contains("no such file"), gone.toString());
        assertEquals(List.of("id", "file", "caption", "log_prob", "error"), List.of(spark.read().parquet(out.toString()).columns()));
    }

    @Test
    void anExistingOutputOrAMissingInputIsRefusedInOneLine() throws Exception {
        Path taken = Files.createDirectories(dir.resolve("taken"));
        CliRun exists = run("--model", model.toString(), "--input", images.toString(), "--output", taken.toString());
        assertEquals(1, exists.code());
        assertEquals("kvcap: output " + taken + " already exists; remove it or name another", exists.err().strip());

        CliRun missing = run("--model", model.toString(), "--input", dir.resolve("nowhere").toString(), "--output", dir.resolve("x").toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("kvcap: cannot read " + dir.resolve("nowhere")), missing.err());
        assertFalse(missing.err().contains("please report"), missing.err());

        Path list = Files.writeString(dir.resolve("files.csv"), "file\n" + images.resolve("broken.jpg") + "\n");
        CliRun noColumn = run("--model", model.toString(), "--input", list.toString(), "--output", dir.resolve("y").toString());
        assertEquals(1, noColumn.code());
        List<String> lines = noColumn.err().strip().lines().toList();
        assertEquals("kvcap: " + list + " has no column 'path' (columns: file); name the paths' column with --path-column",
                lines.get(lines.size() - 1), "after the progress of reading the list's header");
    }

    @Test
    void aBadModelOrOptionExitsBeforeSparkRuns() {
        CliRun badBatch = run("--model", model.toString(), "--input", images.toString(), "--output", dir.resolve("z").toString(), "--batch", "0");
        assertEquals(2, badBatch.code());
        assertEquals("kvcap: --batch must be at least 1, not 0 (see 'kvcap spark-caption --help')", badBatch.err().strip());

        CliRun noModel = run("--model", dir.resolve("no-model").toString(), "--input", images.toString(),
                "--output", dir.resolve("z").toString(), "--master", "local[1]");
        assertEquals(1, noModel.code());
        assertTrue(noModel.err().startsWith("kvcap: model " + dir.resolve("no-model") + " not found"), noModel.err());
        assertFalse(Files.exists(dir.resolve("z")));
    }

    @Test
    void aModelsMemoryBankIsNotedAsUnreadAndTheCaptionsAreTheModelsOwn() throws Exception {
        Path withBank = Files.createDirectories(dir.resolve("banked"));
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, withBank.resolve(f.getFileName()));
            }
        }
        Path image = images.resolve("nested").resolve("img0.png");
        assertEquals(0, CliRun.of("caption", "--model", withBank.toString(), "--remember", "--memory", "off", image.toString()).code());
        Path out = dir.resolve("banked.parquet");
        CliRun r = run("--model", withBank.toString(), "--input", images.resolve("nested").toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: " + withBank + " has a memory bank, which Spark does not read"), r.err());
        Map<String, Row> rows = byFileName(out, "path");
        expected.forEach((name, caption) -> assertEquals(caption, rows.get(name).getString(rows.get(name).fieldIndex("caption")), name));
        CliRun plain = run("--model", model.toString(), "--input", images.resolve("nested").toString(), "--output", dir.resolve("plain.parquet").toString());
        assertFalse(plain.err().contains("memory bank"), "no note for a model without a bank: " + plain.err());
    }
}
