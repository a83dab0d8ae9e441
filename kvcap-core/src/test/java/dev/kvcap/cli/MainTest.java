package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir Path dir;

    /** Runs kvcap as {@code bin/kvcap} does, returning exit status, stderr and stdout. */
    private static String[] run(String... args) {
        CliRun r = CliRun.of(args); // the real handlers: one-line errors, exit 1 or 2
        return new String[] {String.valueOf(r.code()), r.err(), r.out()};
    }

    private static void assertOneLineError(String[] r) {
        assertNotEquals("0", r[0]);
        String err = r[1].strip();
        assertTrue(err.startsWith("kvcap: "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void anUnknownOptionIsAOneLineErrorWithNonZeroExit() {
        assertEquals(2, Main.run("train", "--no-such-option"));
    }

    @Test
    void aBadValueOfAnOptionExitsTwoAsAnOptionPicocliRefusesDoes() throws Exception {
        Path model = BadInputs.model(dir.resolve("model"));
        String[] beam = run("caption", "--model", model.toString(), "--beam", "0", "x.png");
        assertOneLineError(beam);
        assertEquals("2", beam[0], beam[1]);
        String[] limit = run("evaluate", "--model", dir.toString(), "--captions", "c.json", "--images", dir.toString(), "--limit", "0");
        assertEquals("2", limit[0], limit[1]);
        assertTrue(limit[1].contains("--limit must be at least 1, got 0"), limit[1]);
        String[] epochs = run("train", "--captions", "c.json", "--images", dir.toString(), "--out", dir.resolve("m").toString(), "--epochs", "0");
        assertEquals("2", epochs[0], epochs[1]);
        assertTrue(epochs[1].contains("--epochs must be at least 1, got 0"), epochs[1]);
        String[] precision = run("caption", "--model", dir.toString(), "--precision", "fp16", "x.png");
        assertEquals("2", precision[0], precision[1]);
        String[] missing = run("evaluate", "--model", dir.toString(), "--captions", dir.resolve("nope.json").toString(), "--images", dir.toString());
        assertEquals("1", missing[0], "a missing file is not a bad option: " + missing[1]);
    }

    @Test
    void noCommandIsABadCommandLineNamingTheCommands() {
        String[] none = run();
        assertOneLineError(none);
        assertEquals("2", none[0]);
        assertTrue(none[1].contains("give a command: ") && none[1].contains("caption") && !none[1].contains("help,"), none[1]);
        String[] memory = run("memory");
        assertEquals("2", memory[0], memory[1]);
        assertTrue(memory[1].contains("build"), memory[1]);
    }

    @Test
    void aMissingAnnotationFileIsAOneLineError() {
        String[] r = run("evaluate", "--model", dir.toString(), "--captions", dir.resolve("nope.json").toString(), "--images", dir.toString());
        assertOneLineError(r);
    }

    @Test
    void malformedJsonIsAOneLineErrorNamingTheFile() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"images\": [");
        String[] r = run("train", "--captions", bad.toString(), "--images", dir.toString(), "--out", dir.resolve("m").toString(), "--config", "tiny");
        assertOneLineError(r);
        assertTrue(r[1].contains("bad.json"), r[1]);
        assertFalse(Files.exists(dir.resolve("m")), "no partial model directory");
    }

    @Test
    void malformedJsonSaysWhereWithoutGsonsLinkOrAdvice() throws Exception {
        Path bad = Files.writeString(dir.resolve("word.json"), "x y");
        String[] r = run("evaluate", "--model", dir.toString(), "--captions", bad.toString(), "--images", dir.toString());
        assertOneLineError(r);
        assertTrue(r[1].contains("word.json: malformed JSON (") && r[1].contains("line 1"), r[1]);
        assertFalse(r[1].contains("github.com") || r[1].contains("JsonReader"), r[1]);
    }

    @Test
    void aModelDirectoryFromAnIncompatibleVersionIsRefused() throws Exception {
        Path model = Files.createDirectories(dir.resolve("old"));
        Files.writeString(model.resolve("kvcap.json"), "{\"format\": 99, \"modelVersion\": 1}");
        Path img = dir.resolve("x.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        String[] r = run("caption", "--model", model.toString(), img.toString());
        assertOneLineError(r);
        assertTrue(r[1].contains("incompatible"), r[1]);
    }

    @Test
    void aNonImageIsAOneLineErrorAndWritesNoResults() throws Exception {
        Path notImage = Files.writeString(dir.resolve("notes.jpg"), "this is text");
        Path results = dir.resolve("res.json");
        String[] r = run("caption", "--model", dir.resolve("missing-model").toString(), notImage.toString());
        assertOneLineError(r);
        assertFalse(Files.exists(results));
    }

    @Test
    void anUnknownPresetIsAOneLineError() throws Exception {
        String[] r = run("train", "--captions", "a.json", "--images", ".", "--out", dir.resolve("m").toString(), "--config", "huge");
        assertOneLineError(r);
        assertTrue(r[1].contains("huge"), r[1]);
    }

    @Test
    void synthThenTrainThenCaptionAndEvaluateWorkEndToEnd() throws Exception {
        Path data = dir.resolve("data");
        assertEquals("0", run("synth", "--out", data.toString(), "--images", "40", "--size", "32")[0]);
        Path model = dir.resolve("model");
        String[] t = run("train", "--captions", data.resolve("annotations/captions_train.json").toString(),
                "--images", data.resolve("images/train").toString(),
                "--val-captions", data.resolve("annotations/captions_val.json").toString(),
                "--val-images", data.resolve("images/val").toString(),
                "--out", model.toString(), "--config", "tiny", "--epochs", "1");
        assertEquals("0", t[0], t[1]);
        assertTrue(t[1].contains("best validation CIDEr-D"), t[1]);
        assertTrue(Files.exists(model.resolve("best/kvcap.json")));
        assertTrue(Files.exists(model.resolve("metrics.jsonl")));
        Path img = Files.list(data.resolve("images/test")).findFirst().orElseThrow();
        String[] c = run("caption", "--model", model.toString(), "--json", "--heatmaps", dir.resolve("maps").toString(), img.toString());
        assertEquals("0", c[0], c[1]);
        assertTrue(c[2].contains("\"tokens\""), c[2]);
        String[] fast = run("caption", "--model", model.toString(), "--precision", "bf16", "--decoder-precision", "int8", img.toString());
        assertEquals("0", fast[0], fast[1]);
        assertTrue(fast[2].contains(img.getFileName().toString()), fast[2]);
        String[] bad = run("caption", "--model", model.toString(), "--decoder-precision", "int4", img.toString());
        assertOneLineError(bad);
        assertTrue(bad[1].contains("choose fp32 or int8"), bad[1]);
        Path results = dir.resolve("results.json");
        String[] e = run("evaluate", "--model", model.toString(),
                "--captions", data.resolve("annotations/captions_test.json").toString(),
                "--images", data.resolve("images/test").toString(), "--results", results.toString(), "--beam", "2");
        assertEquals("0", e[0], e[1]);
        assertTrue(e[2].strip().startsWith("{\"Bleu_1\""), e[2]);
        assertTrue(e[2].contains("CIDEr"));
        assertTrue(Files.exists(results));

        String test = data.resolve("annotations/captions_test.json").toString();
        String trainCaptions = data.resolve("annotations/captions_train.json").toString();
        String[] floor = run("baseline", "--train-captions", trainCaptions,
                "--captions", test, "--images", data.resolve("images/test").toString()); // train images found by layout
        assertEquals("0", floor[0], floor[1]);
        assertTrue(floor[2].strip().startsWith("{\"Bleu_1\""), floor[2]);
        String[] byEncoder = run("baseline", "--train-captions", trainCaptions, "--features", "encoder",
                "--model", model.toString(), "--neighbours", "3",
                "--captions", test, "--images", data.resolve("images/test").toString());
        assertEquals("0", byEncoder[0], byEncoder[1]);
        String[] beside = run("evaluate", "--model", model.toString(), "--captions", test,
                "--images", data.resolve("images/test").toString(), "--train-captions", trainCaptions);
        assertEquals("0", beside[0], beside[1]);
        com.google.gson.JsonObject both = com.google.gson.JsonParser.parseString(beside[2]).getAsJsonObject();
        assertTrue(both.has("CIDEr") && both.getAsJsonObject("baseline").has("CIDEr"), beside[2]);
        assertTrue(beside[1].contains("nearest-neighbour floor"), beside[1]);
        String[] weighted = run("baseline", "--train-captions", trainCaptions, "--features", "gradients",
                "--neighbours", "4", "--similarity-power", "12",
                "--captions", test, "--images", data.resolve("images/test").toString());
        assertEquals("0", weighted[0], weighted[1]);
        assertTrue(weighted[1].contains("similarity^12.0"), weighted[1]);
        String[] spans = run("baseline", "--train-captions", trainCaptions, "--features", "gradients",
                "--neighbours", "4", "--similarity-power", "12", "--spans",
                "--captions", test, "--images", data.resolve("images/test").toString());
        assertEquals("0", spans[0], spans[1]);
        assertTrue(spans[1].contains("similarity^12.0, spans"), spans[1]);
        assertOneLineError(run("baseline", "--captions", test, "--images", data.resolve("images/test").toString()));
        assertOneLineError(run("baseline", "--train-captions", trainCaptions, "--similarity-power", "-1",
                "--captions", test, "--images", data.resolve("images/test").toString()));
    }

    @Test
    void theMemoryBankIsBuiltTaughtRememberedAndReadFromTheCommandLine() throws Exception {
        Path data = dir.resolve("data");
        assertEquals("0", run("synth", "--out", data.toString(), "--images", "40", "--size", "32")[0]);
        Path model = dir.resolve("model");
        String train = data.resolve("annotations/captions_train.json").toString();
        String[] t = run("train", "--captions", train, "--images", data.resolve("images/train").toString(),
                "--out", model.toString(), "--config", "tiny", "--epochs", "1");
        assertEquals("0", t[0], t[1]);
        assertTrue(t[1].contains("no validation set, best = lowest training loss"), "not a CIDEr-D it never measured: " + t[1]);
        String[] b = run("memory", "build", "--model", model.toString(), "--captions", train,
                "--images", data.resolve("images/train").toString(), "--limit", "5", "--per-image", "1");
        assertEquals("0", b[0], b[1]);
        long built = entries(model);
        assertTrue(built > 5, "one entry per word of 5 captions, got " + built);

        Path img = Files.list(data.resolve("images/test")).sorted().findFirst().orElseThrow();
        String[] c = run("caption", "--model", model.toString(), "--memory", "on", "--remember", img.toString());
        assertEquals("0", c[0], c[1]);
        long remembered = entries(model);
        assertTrue(remembered > built, "caption --remember adds its words");
        String[] a = run("memory", "add", "--model", model.toString(), "--caption", "a large red circle", img.toString());
        assertEquals("0", a[0], a[1]);
        assertEquals(remembered + 5, entries(model), "memory add: one entry per word of the taught caption and one for its end");

        String test = data.resolve("annotations/captions_test.json").toString();
        String images = data.resolve("images/test").toString();
        for (String read : new String[] {"interpolate", "slots"}) {
            String[] e = run("evaluate", "--model", model.toString(), "--captions", test, "--images", images,
                    "--memory", "on", "--memory-read", read, "--limit", "4");
            assertEquals("0", e[0], e[1]);
            assertTrue(e[2].strip().startsWith("{\"Bleu_1\""), e[2]);
        }
        assertOneLineError(run("evaluate", "--model", model.toString(), "--captions", test, "--images", images,
                "--memory", "on", "--memory-read", "attention"));
    }

    private static long entries(Path model) {
        String[] s = run("memory", "stats", "--model", model.toString());
        assertEquals("0", s[0], s[1]);
        return com.google.gson.JsonParser.parseString(s[2]).getAsJsonObject().get("entries").getAsLong();
    }

    @Test
    void theBenchmarkHarnessRunsInQuickMode() {
        String[] r = run("bench", "--quick");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[2].contains("\"latency_ms_median\""), r[2]);
        assertTrue(r[2].contains("\"train_images_per_s\""), r[2]);
        assertTrue(r[2].contains("\"batch32_images_per_s\""), r[2]);
        assertTrue(r[2].contains("\"cold_cli_ms_median\""), r[2]);
        assertTrue(r[2].contains("\"latency_ms_median_bf16\""), r[2]);
        assertTrue(r[2].contains("\"train_images_per_s_bf16\""), r[2]);
        assertTrue(r[2].contains("\"decoder_step_ms_batch1_int8\""), r[2]);
        assertTrue(r[2].contains("\"latency_ms_median_bf16_int8\""), r[2]);
    }
    @Test
    void aModelThatTrainingToldToRerankCaptionsWithItUnlessToldOtherwise() throws Exception {
        Path data = dir.resolve("data");
        assertEquals("0", run("synth", "--out", data.toString(), "--images", "40", "--size", "32")[0]);
        Path config = Files.writeString(dir.resolve("ret.json"), "{\"preset\":\"tiny\",\"model\":{\"memoryCells\":4,\"memoryNeighbours\":2}}");
        Path model = dir.resolve("model");
        String[] t = run("train", "--captions", data.resolve("annotations/captions_train.json").toString(),
                "--images", data.resolve("images/train").toString(),
                "--val-captions", data.resolve("annotations/captions_val.json").toString(),
                "--val-images", data.resolve("images/val").toString(),
                "--out", model.toString(), "--config", config.toString(), "--epochs", "1");
        assertEquals("0", t[0], t[1]);
        assertTrue(t[1].contains("validation CIDEr-D") && t[1].contains("--rerank 32 by agreement"), t[1]);
        // whatever training chose, a model whose config says rerank 4 captions as --rerank 4 does
        Path saved = model.resolve("best/config.json");
        com.google.gson.JsonObject cfg = com.google.gson.JsonParser.parseString(Files.readString(saved)).getAsJsonObject();
        cfg.getAsJsonObject("decode").addProperty("rerank", 4);
        Files.writeString(saved, cfg.toString());
        // training images are their own nearest neighbours: choosing among the neighbours' captions
        // finds their references, which a one-epoch model's own captions do not
        String[] evaluate = {"evaluate", "--model", model.toString(),
                "--captions", data.resolve("annotations/captions_train.json").toString(),
                "--images", data.resolve("images/train").toString()};
        String[] byModel = run(evaluate);
        assertEquals("0", byModel[0], byModel[1]);
        assertTrue(byModel[1].contains("as its decode.rerank says"), byModel[1]);
        String[] given = run(concat(evaluate, "--rerank", "4"));
        assertEquals(given[2], byModel[2]);
        assertFalse(given[1].contains("as its decode.rerank says"), given[1]);
        String[] off = run(concat(evaluate, "--rerank", "0"));
        assertEquals("0", off[0], off[1]);
        assertFalse(off[1].contains("decode.rerank"), off[1]);
        double chosen = com.google.gson.JsonParser.parseString(byModel[2]).getAsJsonObject().get("CIDEr").getAsDouble();
        double own = com.google.gson.JsonParser.parseString(off[2]).getAsJsonObject().get("CIDEr").getAsDouble();
        assertTrue(chosen > own, "following the model's decode.rerank " + chosen + ", its own captions " + own);
        String[] whole = run(concat(evaluate, "--no-rerank-spans"));
        assertEquals("0", whole[0], whole[1]);
        double wholeCider = com.google.gson.JsonParser.parseString(whole[2]).getAsJsonObject().get("CIDEr").getAsDouble();
        assertTrue(wholeCider > own, "whole candidates only " + wholeCider + ", its own captions " + own);
        // fitted weights that prefer the hypothesis agreeing least are followed, and --no-rerank-fit ignores them
        String agreeing = Files.readString(saved);
        String[] byAgreement = run(concat(evaluate, "--no-rerank-fit"));
        assertEquals("0", byAgreement[0], byAgreement[1]);
        com.google.gson.JsonArray contrary = new com.google.gson.JsonArray();
        for (int f = 0; f < dev.kvcap.config.DecodeConfig.RERANK_FEATURES; f++) {
            contrary.add(f == 0 ? -1.0 : 0.0);
        }
        cfg.getAsJsonObject("decode").add("rerankWeights", contrary);
        Files.writeString(saved, cfg.toString());
        String[] fitted = run(evaluate);
        assertEquals("0", fitted[0], fitted[1]);
        double fittedCider = com.google.gson.JsonParser.parseString(fitted[2]).getAsJsonObject().get("CIDEr").getAsDouble();
        double agreementCider = com.google.gson.JsonParser.parseString(byAgreement[2]).getAsJsonObject().get("CIDEr").getAsDouble();
        assertTrue(fittedCider < agreementCider, "choosing the least agreeing " + fittedCider + ", the most " + agreementCider);
        assertEquals(byAgreement[2], run(concat(evaluate, "--no-rerank-fit"))[2]);
        Files.writeString(saved, agreeing);

        Path img = Files.list(data.resolve("images/test")).sorted().findFirst().orElseThrow();
        String[] plain = run("caption", "--model", model.toString(), img.toString());
        assertEquals(run("caption", "--model", model.toString(), "--rerank", "4", img.toString())[2], plain[2]);
        String[] json = run("caption", "--model", model.toString(), "--json", img.toString());
        assertEquals("0", json[0], json[1]);
        assertTrue(json[1].contains("decode.rerank 4") && json[1].contains("not applied"), json[1]);
        assertTrue(json[2].contains("\"tokens\""), json[2]);
        assertOneLineError(run("caption", "--model", model.toString(), "--rerank", "4", "--json", img.toString()));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
