package dev.kvcap.cli;

import static dev.kvcap.cli.BadInputs.copy;
import static dev.kvcap.cli.BadInputs.json;
import static dev.kvcap.cli.BadInputs.text;
import static dev.kvcap.cli.BadInputs.write;
import static dev.kvcap.cli.BadInputs.writeText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.RepoRoot;
import dev.kvcap.config.Presets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's bad-input corpus: images, options, model directories, data files and memory
 * bank inputs that are wrong, each with the exit status and the words its message must have. Every
 * case must also say it in lines that start with {@code kvcap: }, without a stack trace and without
 * "please report" (a bad input is the user's to fix, not a bug). The README's Reliability section
 * states the number of cases; {@link #theReadmeStatesTheCorpusSize} keeps it true.
 */
class BadInputCorpusTest {

    @TempDir static Path dir;

    static Path model;
    static Path good;
    static Path good2;
    static Path train;
    static Path trainImages;

    /** Exit status, stderr, stdout. */
    record Run(int code, String err, String out) {}

    /** Builds a case's files and returns its command line. */
    interface Args {
        String[] get() throws Exception;
    }

    /**
     * One bad input.
     *
     * @param status the exit status it must get
     * @param words what its stderr must say
     * @param out what stdout must contain; null: stdout must be empty
     */
    record Case(String group, String name, Args args, int status, List<String> words, String out, Consumer<Run> more) {}

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String group, String name, int status, String out, Args args, String... words) {
        CASES.add(new Case(group, name, args, status, List.of(words), out, r -> {}));
    }

    private static void add(String group, String name, int status, String out, Args args, Consumer<Run> more, String... words) {
        CASES.add(new Case(group, name, args, status, List.of(words), out, more));
    }

    @BeforeAll
    static void fixtures() throws Exception {
        model = BadInputs.model(dir.resolve("model"));
        good = write(dir.resolve("img/good.png"), BadInputs.image(40, "png"));
        good2 = write(dir.resolve("img/good2.jpg"), BadInputs.image(40, "jpg"));
        trainImages = BadInputs.images(dir.resolve("train-images"), 4);
        train = writeText(dir.resolve("data/train.json"), BadInputs.coco(4));
    }

    static {
        images();
        options();
        modelDirectories();
        dataFiles();
        memoryBank();
        outputsAndLimits();
        misusedOptions();
    }

    // --- images given to caption: the good ones are captioned, the bad ones reported, exit 1 ---

    private static void images() {
        badBesideGood("text named .png", "notes.png", p -> writeText(p, "this is text"), "not a recognised image format");
        badBesideGood("empty file", "empty.png", p -> write(p, new byte[0]), "empty file");
        badBesideGood("PNG cut in half", "cut.png", p -> write(p, half(BadInputs.image(40, "png"))));
        badBesideGood("JPEG cut in half", "cut.jpg", p -> write(p, half(BadInputs.image(40, "jpg"))));
        badBesideGood("a directory", "folder.png", Files::createDirectories, "is a directory");
        badBesideGood("a FIFO", "pipe.png", p -> mkfifo(p), "not a regular file");
        badBesideGood("a missing file", "missing.png", p -> p, "file not found");
        badBesideGood("a broken symbolic link", "link.png", p -> Files.createSymbolicLink(p, dir.resolve("nowhere.png")), "broken symbolic link");
        badBesideGood("a decompression bomb's header (100 MP)", "bomb.png", p -> write(p, BadInputs.claiming(10_000, 10_000)), "decompression bomb");
        add("images", "one image, unreadable", 1, null,
                () -> caption(writeText(dir.resolve("img/only.png"), "text").toString()),
                "only.png", "not a recognised image format");
        add("images", "every image unreadable", 1, null,
                () -> caption(writeText(dir.resolve("img/a.png"), "x").toString(), write(dir.resolve("img/b.png"), new byte[0]).toString()),
                "none of the 2 images could be read");
        add("images", "--json: the bad image is an error entry", 1, "\"error\"",
                () -> caption("--json", good.toString(), writeText(dir.resolve("img/j.png"), "x").toString()),
                r -> assertTrue(r.out().contains("\"tokens\""), r.out()), "j.png", "captioned 1 of 2");
        add("images", "--heatmaps naming a file", 2, null,
                () -> caption("--heatmaps", writeText(dir.resolve("maps.txt"), "x").toString(), good.toString()),
                "--heatmaps", "is a file, not a directory");
    }

    private interface Make {
        Object make(Path p) throws Exception;
    }

    private static void badBesideGood(String name, String file, Make make, String... words) {
        List<String> all = new ArrayList<>(List.of(file, "captioned 2 of 3 images"));
        all.addAll(List.of(words));
        add("images", name + ", beside two good images", 1, "good.png", () -> {
            Path p = dir.resolve("img").resolve(file);
            make.make(p);
            return caption(good.toString(), p.toString(), good2.toString());
        }, r -> assertTrue(r.out().contains("good2.jpg") && !r.out().contains(file), r.out()), all.toArray(String[]::new));
    }

    private static byte[] half(byte[] file) {
        return Arrays.copyOf(file, file.length / 2);
    }

    private static Path mkfifo(Path p) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
        return p;
    }

    private static String[] caption(String... rest) {
        List<String> args = new ArrayList<>(List.of("caption", "--model", model.toString()));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    // --- options: refused while parsing, exit 2 ---

    private static void options() {
        option("--threads 0", "--threads must be between 1 and", "--threads", "0");
        option("--threads 100000 (hung)", "--threads must be between 1 and", "--threads", "100000");
        option("--threads -5", "--threads must be between 1 and", "--threads", "-5");
        option("--threads abc", "'abc' is not an int", "--threads", "abc");
        option("--memory-weight 2", "--memory-weight must be between 0 and 1", "--memory-weight", "2");
        option("--memory-weight -1", "--memory-weight must be between 0 and 1", "--memory-weight", "-1");
        option("--memory-weight NaN", "--memory-weight must be between 0 and 1", "--memory-weight", "NaN");
        option("--memory-k -3", "--memory-k must be between 1 and", "--memory-k", "-3");
        option("--memory-k 0", "--memory-k must be between 1 and", "--memory-k", "0");
        option("--memory-confident 5", "--memory-confident must be above 0 and at most 1", "--memory-confident", "5");
        option("--memory-confident 0", "--memory-confident must be above 0 and at most 1", "--memory-confident", "0");
        option("--memory sometimes", "--memory must be auto, on or off", "--memory", "sometimes");
        add("options", "evaluate --memory-weight NaN", 2, null,
                () -> new String[] {"evaluate", "--model", model.toString(), "--captions", train.toString(),
                    "--images", trainImages.toString(), "--memory-weight", "NaN"},
                "--memory-weight must be between 0 and 1");
        add("options", "--rerank on a model without a retrieval memory", 1, null,
                () -> caption("--rerank", "16", good.toString()), "--rerank", "retrieval memory");
        add("options", "--rerank 0 spelled -1", 2, null,
                () -> caption("--rerank", "-1", good.toString()), "--rerank must be a number of nearest training images");
        add("options", "--rerank with --json", 2, null,
                () -> caption("--rerank", "16", "--json", good.toString()), "leave out --json");
        add("options", "evaluate --rerank-temperature 0", 2, null,
                () -> new String[] {"evaluate", "--model", model.toString(), "--captions", train.toString(),
                    "--images", trainImages.toString(), "--rerank", "4", "--rerank-temperature", "0"},
                "--rerank-temperature must be a positive number");
        add("options", "--rerank-similarity-power -1", 2, null,
                () -> caption("--rerank", "16", "--rerank-similarity-power", "-1", good.toString()), "--rerank-similarity-power must be 0 or a positive number");
        add("options", "train --threads 0", 2, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", dir.resolve("never").toString(), "--threads", "0"},
                "--threads must be between 1 and", "see 'kvcap train --help'");
    }

    private static void option(String name, String words, String... option) {
        add("options", name, 2, null, () -> {
            List<String> args = new ArrayList<>(Arrays.asList(caption()));
            args.addAll(List.of(option));
            args.add(good.toString());
            return args.toArray(String[]::new);
        }, r -> assertFalse(r.err().contains("<main class>"), r.err()), words, "see 'kvcap caption --help'");
    }

    // --- model directories: damaged, mismatched or incomplete; refused at load, exit 1 ---

    private static void modelDirectories() {
        damaged("no such directory", d -> BadInputs.deleteTree(d), "does not exist");
        damaged("no kvcap.json", d -> Files.delete(d.resolve("kvcap.json")), "not a kvcap model directory");
        damaged("kvcap.json malformed", text("kvcap.json", "{\"format\": 1,"), "kvcap.json: malformed JSON", "copy it again");
        damaged("kvcap.json from another format", json("kvcap.json", o -> { o.addProperty("format", 99); return o; }), "incompatible kvcap");
        damaged("kvcap.json format a string", json("kvcap.json", o -> { o.addProperty("format", "one"); return o; }), "\"format\" must be a whole number");
        damaged("kvcap.json vocabSize 99", json("kvcap.json", o -> { o.addProperty("vocabSize", 99); return o; }), "records vocabSize 99", "have 36 words");
        damaged("kvcap.json checksum not hex", json("kvcap.json", o -> { o.addProperty("paramsCrc32c", "zz"); return o; }), "8 hex digits");
        damaged("config.json malformed", text("config.json", "{\"preset\": \"tiny\", \"model\": {"), "config.json", "malformed JSON", "put back the config.json");
        damaged("config.json nested 300 deep", text("config.json", BadInputs.nested(300)), r -> assertTrue(r.err().length() < 400, r.err()), "config.json", "deep)");
        damaged("config.json missing", d -> Files.delete(d.resolve("config.json")), "config.json is missing");
        damaged("config.json of another preset", text("config.json", dev.kvcap.config.ConfigJson.toJson(Presets.small())),
                "config.json is for preset 'small'", "records 'tiny'");
        damaged("config.json: other layer widths", text("config.json", BadInputs.tinyConfigWith("attnDim", 24)),
                "does not fit", "config.json", "put back the config.json");
        damaged("config.json: no memory (another network)", text("config.json", BadInputs.tinyConfigWith("useMemory", false)),
                "does not fit", "put back the config.json");
        damaged("config.json: an unknown key", text("config.json", "{\"preset\": \"tiny\", \"model\": {\"layers\": 3}}"),
                "unknown config key 'model.layers'", "put back the config.json");
        damaged("vocab.json of 10 words (model has 36)", text("vocab.json", BadInputs.vocabOf(10)), "has 10 words", "trained with 36", "put back the vocab.json");
        damaged("vocab.json of 86 words (model has 36)", text("vocab.json", BadInputs.vocabOf(86)), "has 86 words", "trained with 36");
        damaged("vocab.json with a null word", json("vocab.json", o -> { o.getAsJsonArray("words").set(5, com.google.gson.JsonNull.INSTANCE); return o; }),
                "words[5] is null", "put back the vocab.json");
        damaged("vocab.json with a word twice", json("vocab.json", o -> { o.getAsJsonArray("words").set(5, new com.google.gson.JsonPrimitive("w3")); return o; }),
                "duplicate word", "vocab.json");
        damaged("vocab.json with a negative count", json("vocab.json", o -> { o.getAsJsonArray("counts").set(5, new com.google.gson.JsonPrimitive(-2)); return o; }),
                "counts[5]", "not a count");
        damaged("vocab.json malformed", text("vocab.json", "{\"words\": [\"<pad>\""), "vocab.json", "malformed JSON");
        damaged("vocab.json missing", d -> Files.delete(d.resolve("vocab.json")), "vocab.json is missing");
        damaged("model.params missing", d -> Files.delete(d.resolve("model.params")), "has no model.params");
        damaged("model.params empty", BadInputs.truncate("model.params", 0), "model.params is damaged", "0 bytes");
        damaged("model.params truncated", BadInputs.truncate("model.params", 5000), "model.params is damaged", "truncated");
        damaged("model.params with 4 flipped bytes", BadInputs.flipFourBytes("model.params"), "model.params is damaged", "CRC32C");
        damaged("model.params with a byte appended", d -> Files.write(d.resolve("model.params"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND),
                "model.params is damaged", "bytes where kvcap.json records");
        damaged("old directory (no checksum), model.params truncated",
                d -> { json("kvcap.json", BadInputs::withoutChecksum).apply(d); BadInputs.truncate("model.params", 5000).apply(d); },
                "model.params ends early");
        damaged("old directory (no checksum), model.params with a byte appended",
                d -> { json("kvcap.json", BadInputs::withoutChecksum).apply(d);
                    Files.write(d.resolve("model.params"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND); },
                "does not fit", "holds more than the network");
        add("model directories", "old directory without a checksum: loads, with a note", 0, "good.png",
                () -> caption(copy(model, dir.resolve("models/old"), json("kvcap.json", BadInputs::withoutChecksum)), good.toString()),
                "note:", "records no checksum");
    }

    private static void damaged(String name, BadInputs.Change change, String... words) {
        damaged(name, change, r -> {}, words);
    }

    private static void damaged(String name, BadInputs.Change change, Consumer<Run> more, String... words) {
        add("model directories", name, 1, null, () -> {
            Path copy = copy(model, dir.resolve("models").resolve(name.replaceAll("[^A-Za-z0-9]+", "-")), change);
            return caption(copy, good.toString());
        }, more, words);
    }

    private static String[] caption(Path modelDir, String image) {
        return new String[] {"caption", "--model", modelDir.toString(), image};
    }

    // --- captions files for train, evaluate and score: one rule for ids, captions, file names ---

    private static void dataFiles() {
        String noCaptions = "{\"images\": [{\"id\": 1, \"file_name\": \"1.png\"}], \"annotations\": []}";
        trainWith("an empty validation set (images, no captions)", "val.json", noCaptions, null,
                "validation set", "has no usable images", "none of its 1 images has a caption");
        trainWith("a validation set listing no images", "val.json", "{\"images\": [], \"annotations\": []}", null,
                "validation set", "lists no images");
        trainWith("validation images that do not decode", "val.json", BadInputs.coco(2), "bad-val-images",
                "validation set", "could not be decoded", "--val-images");
        trainOn("a training set without captions", noCaptions, "training set", "has no usable images");
        String stringId = "{\"images\": [{\"id\": \"1\", \"file_name\": \"1.png\"}], \"annotations\": [{\"image_id\": \"1\", \"caption\": \"a\"}]}";
        String numericCaption = "{\"images\": [{\"id\": 1, \"file_name\": \"1.png\"}], \"annotations\": [{\"image_id\": 1, \"caption\": 42}]}";
        String numericFileName = "{\"images\": [{\"id\": 1, \"file_name\": 17}], \"annotations\": [{\"image_id\": 1, \"caption\": \"a\"}]}";
        String nullCaption = "{\"images\": [{\"id\": 1, \"file_name\": \"1.png\"}], \"annotations\": [{\"image_id\": 1, \"caption\": null}]}";
        String fractionId = "{\"images\": [{\"id\": 1.5, \"file_name\": \"1.png\"}], \"annotations\": []}";
        trainOn("a string image id", stringId, "images[0].id is the string \"1\"", "integer JSON number");
        trainOn("a numeric caption", numericCaption, "annotations[0].caption is the number 42", "must be a JSON string");
        trainOn("a numeric file name", numericFileName, "images[0].file_name is the number 17", "non-empty JSON string");
        trainOn("a null caption", nullCaption, "annotations[0].caption is null");
        trainOn("a fractional image id", fractionId, "images[0].id is not an integer image id");
        trainOn("captions nested 300 deep", BadInputs.nested(300), "train-bad.json", "malformed JSON", "deep)");
        add("data files", "train: a Karpathy file with a string cocoid", 1, null, () -> new String[] {
                "train", "--karpathy", writeText(dir.resolve("data/karpathy.json"),
                        "{\"images\": [{\"filename\": \"1.png\", \"split\": \"train\", \"cocoid\": \"9\", \"sentences\": [{\"raw\": \"a\"}]}]}").toString(),
                "--images", trainImages.toString(), "--out", dir.resolve("runs/k").toString(), "--config", "tiny"},
                "images[0].cocoid is the string \"9\"", "integer JSON number");
        evaluateOn("a string image id", stringId, "images[0].id is the string \"1\"", "integer JSON number");
        evaluateOn("a numeric caption", numericCaption, "annotations[0].caption is the number 42", "must be a JSON string");
        score("a string image id in the results", "[{\"image_id\": \"1\", \"caption\": \"a\"}]",
                "[0].image_id is the string \"1\"", "integer JSON number");
        score("a numeric caption in the results", "[{\"image_id\": 1, \"caption\": 42}]",
                "[0].caption is the number 42", "must be a JSON string");
        score("a fractional image id in the results", "[{\"image_id\": 1.5, \"caption\": \"a\"}]", "not an integer image id");
        score("results nested 300 deep", BadInputs.nested(300), "results.json", "malformed JSON", "deep)");
    }

    private static void trainWith(String name, String file, String valJson, String valImageDir, String... words) {
        add("data files", "train: " + name, 1, null, () -> {
            Path run = dir.resolve("runs").resolve(name.replaceAll("[^A-Za-z0-9]+", "-"));
            Path valImages = trainImages;
            if (valImageDir != null) {
                valImages = dir.resolve(valImageDir);
                writeText(valImages.resolve("1.png"), "not an image");
                writeText(valImages.resolve("2.png"), "not an image either");
            }
            return new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                "--val-captions", writeText(dir.resolve("data").resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + file), valJson).toString(),
                "--val-images", valImages.toString(), "--out", run.toString(), "--config", "tiny", "--epochs", "1"};
        }, r -> {
            Path run = dir.resolve("runs").resolve(name.replaceAll("[^A-Za-z0-9]+", "-"));
            assertFalse(Files.exists(run.resolve("metrics.jsonl")), "no epoch was run");
            assertFalse(Files.exists(run.resolve("best")), "no model was saved");
        }, words);
    }

    private static void trainOn(String name, String captionsJson, String... words) {
        add("data files", "train: " + name, 1, null, () -> new String[] {
                "train", "--captions", writeText(dir.resolve("data/train-bad.json"), captionsJson).toString(),
                "--images", trainImages.toString(), "--out", dir.resolve("runs/bad").toString(), "--config", "tiny"},
                words);
    }

    private static void evaluateOn(String name, String captionsJson, String... words) {
        add("data files", "evaluate: " + name, 1, null, () -> new String[] {
                "evaluate", "--model", model.toString(),
                "--captions", writeText(dir.resolve("data/eval-bad.json"), captionsJson).toString(),
                "--images", trainImages.toString()},
                words);
    }

    private static void score(String name, String resultsJson, String... words) {
        add("data files", "score: " + name, 1, null, () -> new String[] {
                "score", "--refs", train.toString(),
                "--results", writeText(dir.resolve("data/results.json"), resultsJson).toString()},
                words);
    }

    // --- memory add: true counts, and the same caption for the same image stored once ---

    private static void memoryBank() {
        int maxLen = Presets.tiny().data().maxCaptionLen();
        add("memory bank", "memory add: a 10,000-word caption is cut, and the count says so", 0, "\"added\":" + (maxLen + 1),
                () -> new String[] {"memory", "add", "--model", memoryModel("long").toString(), good.toString(),
                    "--caption", "a red circle ".repeat(3334).strip()},
                r -> assertEquals(maxLen + 1, answer(r).get("entries").getAsLong(), r.out()),
                "10002 words", "only its first " + maxLen);
        add("memory bank", "memory add: the same image and caption twice is stored once", 0, "\"duplicate\":true",
                () -> {
                    Path m = memoryModel("twice");
                    assertEquals(0, run("memory", "add", "--model", m.toString(), good.toString(), "--caption", "a red circle").code());
                    return new String[] {"memory", "add", "--model", m.toString(), good.toString(), "--caption", "a red circle"};
                },
                r -> {
                    assertEquals(0, answer(r).get("added").getAsLong(), r.out());
                    assertEquals(4, answer(r).get("entries").getAsLong(), "three words and <end>, once: " + r.out());
                },
                "already holds this caption for this image", "nothing added");
        add("memory bank", "caption --remember on the same image twice stores its caption once", 0, "good.png",
                () -> {
                    Path m = memoryModel("remember");
                    // --memory off: the bank is written but not read, so the second caption is the first's
                    assertEquals(0, run("caption", "--model", m.toString(), "--remember", "--memory", "off", good.toString()).code());
                    return new String[] {"caption", "--model", m.toString(), "--remember", "--memory", "off", good.toString()};
                },
                "remembered 0 captions (0 entries)", "already in the bank for the same image and not stored again");
        add("memory bank", "memory add: an empty caption", 2, null,
                () -> new String[] {"memory", "add", "--model", memoryModel("empty").toString(), good.toString(), "--caption", " ... "},
                "--caption has no words");
        add("memory bank", "memory add: an unreadable image", 1, null,
                () -> new String[] {"memory", "add", "--model", memoryModel("badimage").toString(),
                    writeText(dir.resolve("img/teach.png"), "x").toString(), "--caption", "a red circle"},
                "teach.png", "not a recognised image format");
    }

    private static Path memoryModel(String name) throws Exception {
        return copy(model, dir.resolve("memory-models").resolve(name), d -> {});
    }

    private static JsonObject answer(Run r) {
        return JsonParser.parseString(r.out().strip()).getAsJsonObject();
    }

    // --- output paths checked before the work; numbers a command cannot run with ---

    private static void outputsAndLimits() {
        add("outputs and limits", "evaluate --results under a file", 1, null,
                () -> evaluate("--results", writeText(dir.resolve("out-file"), "x").resolve("results.json").toString()),
                r -> assertFalse(r.err().contains("captioned"), "refused before captioning: " + r.err()),
                "cannot write", "is a file, not a folder");
        add("outputs and limits", "evaluate --results naming a folder", 1, null,
                () -> evaluate("--results", Files.createDirectories(dir.resolve("out-folder")).toString()),
                "cannot write", "it is a folder; give a file name");
        add("outputs and limits", "evaluate --images that does not exist", 1, null,
                () -> new String[] {"evaluate", "--model", model.toString(), "--captions", train.toString(),
                    "--images", dir.resolve("no-such-images").toString()},
                r -> assertEquals(1, r.err().strip().lines().count(), "one line, not one per image: " + r.err()),
                "--images", "does not exist");
        add("outputs and limits", "evaluate --limit 0", 2, null, () -> evaluate("--limit", "0"), "--limit must be at least 1");
        add("outputs and limits", "caption --beam 100000", 2, null,
                () -> caption("--beam", "100000", good.toString()), "--beam", "between 1 and 100");
        add("outputs and limits", "caption --max-len 100000", 2, null,
                () -> caption("--max-len", "100000", good.toString()), "--max-len", "between 1 and 1000, got 100000");
        add("outputs and limits", "caption --min-len above --max-len", 2, null,
                () -> caption("--min-len", "30", "--max-len", "5", good.toString()), "--min-len", "between 0 and", "here 5), got 30");
        add("outputs and limits", "baseline --neighbours 100000", 2, null,
                () -> new String[] {"baseline", "--train-captions", train.toString(), "--captions", train.toString(),
                    "--images", trainImages.toString(), "--neighbours", "100000"},
                "--neighbours must be between 1 and 256, got 100000");
        add("outputs and limits", "caption --length-penalty NaN", 2, null,
                () -> caption("--length-penalty", "NaN", good.toString()), "--length-penalty", "must be a number");
        add("outputs and limits", "caption --rerank 100000", 2, null,
                () -> caption("--rerank", "100000", good.toString()), "--rerank must be a number of nearest training images up to");
        add("outputs and limits", "train --image-size 100000", 2, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", dir.resolve("runs/huge").toString(), "--config", "tiny", "--image-size", "100000"},
                "--image-size", "between 8 and");
        add("outputs and limits", "train --config with a word where a number goes", 1, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", dir.resolve("runs/word").toString(),
                    "--config", writeText(dir.resolve("data/word.json"), "{\"preset\": \"tiny\", \"model\": {\"hiddenDim\": \"big\"}}").toString()},
                r -> assertFalse(r.err().contains("java."), r.err()),
                "config key 'model.hiddenDim' must be a number, got \"big\"");
        add("outputs and limits", "train --out naming a file", 1, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", writeText(dir.resolve("runs-file"), "x").toString(), "--config", "tiny"},
                "already exists", "a file where kvcap needs a folder");
        add("outputs and limits", "score --results that does not exist", 1, null,
                () -> new String[] {"score", "--refs", train.toString(), "--results", dir.resolve("no-results.json").toString()},
                r -> assertFalse(r.err().contains("Exception"), r.err()), "no-results.json: no such file");
        add("outputs and limits", "bench --runs 0", 2, null, () -> new String[] {"bench", "--runs", "0"}, "--runs must be at least 1");
        add("outputs and limits", "bench --vocab 3", 2, null, () -> new String[] {"bench", "--vocab", "3"}, "--vocab must be at least");
        add("outputs and limits", "synth --images 2000000000", 2, null,
                () -> new String[] {"synth", "--out", dir.resolve("synth-many").toString(), "--images", "2000000000"},
                "--images must be between 10 and");
        add("outputs and limits", "synth --size 100000", 2, null,
                () -> new String[] {"synth", "--out", dir.resolve("synth-huge").toString(), "--size", "100000"},
                "--size must be between 32 and");
        add("outputs and limits", "memory build --per-image -1", 2, null,
                () -> memoryBuild("per-image", trainImages, "--per-image", "-1"), "--per-image must be at least 1");
        add("outputs and limits", "memory build where no image reads", 1, null,
                () -> {
                    Path bad = dir.resolve("bad-build-images");
                    for (int i = 1; i <= 4; i++) {
                        writeText(bad.resolve(i + ".png"), "not an image");
                    }
                    return memoryBuild("nothing", bad);
                },
                "not a recognised image format", "nothing was added");
    }

    // --- options given where they do nothing, or with a value that names nothing: refused, not ignored ---

    private static void misusedOptions() {
        add("misused options", "memory add with a wrong option points at its own help", 2, null,
                () -> new String[] {"memory", "add", "--model", model.toString(), "--bogus"},
                "see 'kvcap memory add --help'");
        add("misused options", "train --karpathy with --captions says it once", 2, null,
                () -> new String[] {"train", "--karpathy", train.toString(), "--captions", train.toString(),
                    "--images", trainImages.toString(), "--out", dir.resolve("never").toString()},
                r -> assertFalse(r.err().contains("kvcap: Error:"), r.err()),
                "mutually exclusive");
        add("misused options", "evaluate --batch 0", 2, null, () -> evaluate("--batch", "0"), "--batch must be at least 1, got 0");
        add("misused options", "evaluate --neighbours without --train-captions", 2, null, () -> evaluate("--neighbours", "4"),
                "--neighbours shapes the nearest-neighbour floor", "--train-captions");
        add("misused options", "evaluate --train-images that does not exist", 1, null,
                () -> evaluate("--train-captions", train.toString(), "--train-images", dir.resolve("no-such-train-images").toString()),
                r -> assertEquals(1, r.err().strip().lines().count(), r.err()),
                "--train-images:", "does not exist");
        add("misused options", "evaluate --captions naming a folder", 1, null,
                () -> new String[] {"evaluate", "--model", model.toString(), "--captions", trainImages.toString(), "--images", trainImages.toString()},
                "is a folder; give the JSON file");
        add("misused options", "train --split with --captions", 2, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", dir.resolve("never").toString(), "--split", "val"},
                "--split picks a split of a Karpathy file");
        add("misused options", "train --val-images without --val-captions", 2, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", dir.resolve("never").toString(), "--val-images", trainImages.toString()},
                "--val-images is the folder of --val-captions' images");
        add("misused options", "train --images that does not exist", 1, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", dir.resolve("no-such-images").toString(),
                    "--out", dir.resolve("never").toString()},
                "--images:", "does not exist");
        add("misused options", "serve --cors with a path", 2, null,
                () -> new String[] {"serve", "--model", model.toString(), "--port", "0", "--cors", "http://app.example/path"},
                "--cors must be * or one origin", "got 'http://app.example/path'");
        add("misused options", "bench --quick --presets", 2, null, () -> new String[] {"bench", "--quick", "--presets", "small"},
                "--quick measures the tiny preset only");
        add("misused options", "bench --presets naming none", 2, null, () -> new String[] {"bench", "--presets", ","},
                "--presets names no preset");
        add("misused options", "bench --presets naming an unknown one", 1, null, () -> new String[] {"bench", "--presets", "tiny,huge"},
                "unknown preset 'huge'");
        add("misused options", "memory stats --model naming a file", 1, null,
                () -> new String[] {"memory", "stats", "--model", train.toString()},
                "is a file; give the folder that train wrote");
        add("misused options", "memory clear where the bank is a file", 1, null,
                () -> {
                    Path m = memoryModel("bank-file");
                    writeText(dev.kvcap.bank.MemoryBank.dirOf(dev.kvcap.bank.ModelFingerprint.weightsDir(m)), "not a bank");
                    return new String[] {"memory", "clear", "--model", m.toString()};
                },
                "is a file, not a bank's folder");
        add("misused options", "train --limit 0", 2, null,
                () -> new String[] {"train", "--captions", train.toString(), "--images", trainImages.toString(),
                    "--out", dir.resolve("never").toString(), "--limit", "0"},
                "--limit must be at least 1, got 0");
        add("misused options", "evaluate on captions that list no images", 1, null,
                () -> new String[] {"evaluate", "--model", model.toString(), "--images", trainImages.toString(), "--captions",
                    writeText(dir.resolve("data/no-images.json"), "{\"images\": [], \"annotations\": []}").toString()},
                "no-images.json lists no images: nothing to evaluate");
        add("misused options", "synth --out naming a file", 1, null,
                () -> new String[] {"synth", "--out", writeText(dir.resolve("synth-file"), "x").toString()},
                "--out:", "is a file; give a folder");
        add("misused options", "demo --config naming no preset", 1, null,
                () -> new String[] {"demo", "--out", dir.resolve("demo-bogus").toString(), "--config", "bogus"},
                r -> assertFalse(Files.exists(dir.resolve("demo-bogus")), "refused before making any image"),
                "bogus");
        add("misused options", "demo --images 0", 2, null,
                () -> new String[] {"demo", "--out", dir.resolve("demo-none").toString(), "--images", "0"},
                r -> assertFalse(Files.exists(dir.resolve("demo-none")), "refused before making folders"),
                "--images must be between 10 and");
    }

    private static String[] evaluate(String... rest) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--captions", train.toString(),
                "--images", trainImages.toString()));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static String[] memoryBuild(String name, Path images, String... rest) throws Exception {
        List<String> args = new ArrayList<>(List.of("memory", "build", "--model", memoryModel("build-" + name).toString(),
                "--captions", train.toString(), "--images", images.toString()));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    // --- running the cases ---

    static Run run(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.code(), r.err(), r.out());
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputGetsItsStatusAndMessage() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.group() + ": " + c.name(), () -> {
            Run r = run(c.args().get());
            if (Boolean.getBoolean("kvcap.corpus.print")) { // -Dkvcap.corpus.print=true: each case's answer
                System.out.println("== " + c.group() + ": " + c.name() + " -> " + r.code() + "\n" + r.err().strip()
                        + (r.out().isEmpty() ? "" : "\n(stdout) " + r.out().strip().substring(0, Math.min(300, r.out().strip().length()))));
            }
            String where = c.name() + "\nstderr: " + r.err() + "\nstdout: " + r.out();
            assertEquals(c.status(), r.code(), where);
            for (String w : c.words()) {
                assertTrue(r.err().contains(w), "missing '" + w + "' in " + where);
            }
            if (c.out() == null) {
                assertEquals("", r.out(), "no output: " + where);
            } else {
                assertTrue(r.out().contains(c.out()), "stdout must hold '" + c.out() + "': " + where);
            }
            assertFalse(r.err().contains("please report"), "a bad input is not a bug: " + where);
            assertFalse(r.err().contains("\tat "), "no stack trace: " + where);
            String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("kvcap: "), where);
            c.more().accept(r);
        }));
    }

    @Test
    void theReadmeStatesTheCorpusSize() throws Exception {
        String readme = Files.readString(RepoRoot.resolve("README.md")).replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("`BadInputCorpusTest` runs ([\\d,]+) bad inputs").matcher(readme);
        assertTrue(m.find(), "README's Reliability section names BadInputCorpusTest's size");
        assertEquals(CASES.size(), Integer.parseInt(m.group(1).replace(",", "")), "README's count of the CLI corpus");
        for (String group : CASES.stream().map(Case::group).distinct().toList()) {
            long n = CASES.stream().filter(c -> c.group().equals(group)).count();
            assertTrue(readme.contains(n + " " + group), "README gives '" + n + " " + group + "'");
        }
    }
}
