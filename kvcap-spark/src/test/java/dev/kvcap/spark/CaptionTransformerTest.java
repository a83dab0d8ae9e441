package dev.kvcap.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.infer.Captioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionTransformerTest {

    @TempDir static Path dir;

    static Path model;
    static Path images;
    /** Per file name: what the core Captioner (as {@code kvcap caption} runs it) says. */
    static Map<String, Captioner.Caption> expected;

    static SparkSession spark;

    @BeforeAll
    static void captionWithTheCoreCaptioner() throws Exception {
        spark = LocalSpark.session();
        model = LocalSpark.tinyModel(dir);
        images = dir.resolve("images");
        expected = LocalSpark.captionsByName(model, LocalSpark.images(images, 6));
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void assertCaptionedAsTheCaptionerDoes(List<Row> rows, String pathColumn) {
        for (Row r : rows) {
            String name = fileName(r.getString(r.fieldIndex(pathColumn)));
            Captioner.Caption want = expected.get(name);
            assertNull(r.get(r.fieldIndex("error")), name + ": " + r.get(r.fieldIndex("error")));
            assertEquals(want.text(), r.getString(r.fieldIndex("caption")), name);
            // batches of another size sum in another order: the same words, the same score to float precision
            assertEquals(want.best().logProb(), r.getDouble(r.fieldIndex("log_prob")), 1e-4, name);
        }
    }

    @Test
    void captionsEqualThoseOfTheCaptioner() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString()).repartition(2);
        List<Row> rows = new CaptionTransformer().setModel(model.toString()).setBatchSize(2).transform(files).collectAsList();
        assertEquals(6, rows.size());
        assertCaptionedAsTheCaptionerDoes(rows, "path");
        long distinct = rows.stream().map(r -> r.getDouble(r.fieldIndex("log_prob"))).distinct().count();
        assertTrue(distinct > 1, "the images are told apart, so a mix-up of rows would show");
    }

    @Test
    void aCorruptImageIsReportedNotFatal() throws Exception {
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        List<Path> good = new ArrayList<>();
        for (String name : List.of("img0.png", "img1.png", "img2.png")) {
            good.add(Files.copy(images.resolve(name), mixed.resolve(name)));
        }
        Files.write(mixed.resolve("bad.png"), "this is not an image".getBytes());
        byte[] png = Files.readAllBytes(good.get(0));
        Files.write(mixed.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        Dataset<Row> files = spark.read().format("binaryFile").load(mixed.toString());
        List<Row> rows = new CaptionTransformer().setModel(model.toString()).setBatchSize(4).transform(files).collectAsList();
        assertEquals(5, rows.size());
        int failed = 0;
        for (Row r : rows) {
            String name = fileName(r.getString(r.fieldIndex("path")));
            if (name.equals("bad.png") || name.equals("truncated.png")) {
                failed++;
                assertNull(r.get(r.fieldIndex("caption")), name);
                assertNull(r.get(r.fieldIndex("log_prob")), name);
                String error = r.getString(r.fieldIndex("error"));
                assertNotNull(error, name);
                assertTrue(error.contains(name), "the error names the image: " + error);
            } else {
                assertCaptionedAsTheCaptionerDoes(List.of(r), "path");
            }
        }
        assertEquals(2, failed);
    }

    @Test
    void pathsAndTheImageSourceAreCaptionedAsFileBytesAre() {
        List<String> paths = new ArrayList<>();
        for (String name : expected.keySet()) {
            paths.add(images.resolve(name).toString());
        }
        paths.add(images.resolve("missing.png").toString());
        Dataset<Row> list = spark.createDataset(paths, Encoders.STRING()).toDF("path").repartition(2);
        List<Row> rows = new CaptionTransformer().setModel(model.toString()).setInputCol("path").transform(list).collectAsList();
        assertEquals(7, rows.size());
        List<Row> found = rows.stream().filter(r -> !r.getString(0).endsWith("missing.png")).toList();
        assertCaptionedAsTheCaptionerDoes(found, "path");
        Row missing = rows.stream().filter(r -> r.getString(0).endsWith("missing.png")).findFirst().orElseThrow();
        assertTrue(missing.getString(missing.fieldIndex("error")).contains("no such file"), missing.toString());

        Dataset<Row> decoded = spark.read().format("image").load(images.toString());
        List<Row> fromStructs = new CaptionTransformer().setModel(model.toString()).setInputCol("image").transform(decoded)
                .selectExpr("image.origin AS origin", "caption", "log_prob", "error").collectAsList();
        assertEquals(6, fromStructs.size());
        assertCaptionedAsTheCaptionerDoes(fromStructs, "origin");
    }

    @Test
    void tokensAreTheCaptionsWordsAndOnlyAddedWhenAsked() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        CaptionTransformer plain = new CaptionTransformer().setModel(model.toString());
        assertEquals(List.of("path", "modificationTime", "length", "content", "caption", "log_prob", "error"),
                Arrays.asList(plain.transformSchema(files.schema()).fieldNames()));
        CaptionTransformer withTokens = plain.copy(new org.apache.spark.ml.param.ParamMap()).setTokens(true);
        for (Row r : withTokens.transform(files).collectAsList()) {
            List<String> words = r.getList(r.fieldIndex("tokens"));
            assertEquals(r.getString(r.fieldIndex("caption")), String.join(" ", words));
        }
    }

    @Test
    void anInputThatAlreadyHasACaptionOrLacksTheImageColumnIsRefused() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        CaptionTransformer t = new CaptionTransformer().setModel(model.toString());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> t.transform(files.withColumnRenamed("length", "caption")));
        assertTrue(twice.getMessage().contains("already has a column 'caption'"), twice.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> t.setInputCol("picture").transform(files));
        assertTrue(none.getMessage().contains("no column 'picture'"), none.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> t.setInputCol("length").transform(files));
        assertTrue(wrongType.getMessage().contains("column 'length' is bigint"), wrongType.getMessage());
    }
}
