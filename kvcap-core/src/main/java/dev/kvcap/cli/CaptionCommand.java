package dev.kvcap.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.OptionException;
import dev.kvcap.data.DataException;
import dev.kvcap.infer.CaptionJson;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.Heatmaps;
import dev.kvcap.infer.MemoryWriter;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.infer.Retrieval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "caption",
        mixinStandardHelpOptions = true,
        description = {
            "Caption images: one line per image (\"FILE<TAB>caption\"), or JSON with --json.",
            "With --heatmaps DIR, writes one PNG per word showing where the model looked."
        })
final class CaptionCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Mixin ModelOptions modelOptions;

    @Mixin RerankOption rerank;

    @Option(names = "--json", description = "Print JSON: tokens, log-probabilities, alternatives and per-word attention.")
    boolean json;

    @Spec CommandSpec spec;

    Path heatmaps;

    @Option(names = "--heatmaps", paramLabel = "DIR", description = "Write per-word attention heat-maps (PNG) here (created if missing), named after the image less its extension (img_01_a.png, img_02_red.png…); when two IMAGEs share a name, every image's start with its position among the IMAGEs (1_img_01_a.png, 2_img_01_a.png).")
    void setHeatmaps(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--heatmaps " + dir + " is a file, not a directory; name a directory (it is created if missing)");
        }
        heatmaps = dir;
    }

    @Option(names = "--remember", description = "Write the generated captions' (state, word) pairs into the model's memory bank.")
    boolean remember;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (JPEG or PNG). Unreadable ones are reported and skipped; the others are captioned, and the exit status is then 1.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        Activity.now("loading the model " + modelOptions.model);
        try (Captioner captioner = Models.load(modelOptions.model, modelOptions.precision(), modelOptions.decoderPrecision())) {
            DecodeConfig decode = modelOptions.decode(captioner.defaults());
            Optional<RerankSettings> choose = rerank.settings(decode);
            if (choose.isPresent()) {
                choose.get().check(); // an out-of-range --rerank is named before any conflict
            }
            if (choose.isPresent() && (json || heatmaps != null || remember)) {
                String perWord = json ? "--json" : heatmaps != null ? "--heatmaps" : "--remember";
                if (rerank.given()) {
                    throw new OptionException("--rerank may choose a training image's caption or a run of its words, which has no per-word log-probabilities, attention or decoder states: leave out "
                            + perWord + " with it");
                }
                System.err.println("kvcap: " + perWord + " needs the model's own caption, so its decode.rerank " + choose.get().neighbours()
                        + " (choosing among the nearest training images' captions) is not applied");
                choose = Optional.empty();
            }
            if (choose.isPresent()) {
                captioner.checkRerank(choose.get());
            }
            // Like training's skip-and-count: a bad image is reported and skipped, the others are
            // captioned, and the exit status says that something was skipped.
            List<Path> readable = new ArrayList<>();
            List<byte[]> pixels = new ArrayList<>();
            String[] unreadable = new String[files.size()];
            int skipped = 0;
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                Activity.now("reading image " + f);
                try {
                    pixels.add(captioner.prepare(f));
                    readable.add(f);
                } catch (DataException e) {
                    if (files.size() == 1) {
                        throw e;
                    }
                    unreadable[i] = Errors.oneLine(e);
                    skipped++;
                    System.err.println("kvcap: skipped " + unreadable[i]);
                }
            }
            if (readable.isEmpty()) {
                throw new DataException("none of the " + files.size() + " images could be read (each is listed above); nothing was captioned");
            }
            boolean attention = json || heatmaps != null;
            List<Captioner.Caption> out;
            List<String> chosen;
            // With --remember the bank is opened for writing and also read from (unless --memory off).
            Optional<MemoryBank> bank =
                    remember
                            ? Optional.of(Banks.openForWrite(modelOptions.model, captioner))
                            : Banks.forCaptioning(modelOptions.memory, modelOptions.model, captioner);
            try {
                Retrieval retrieval =
                        bank.filter(b -> !modelOptions.memory.equals("off"))
                                .map(b -> Banks.retrieval(b, modelOptions))
                                .orElse(null);
                Activity.now("captioning " + (readable.size() == 1 ? "image " + readable.get(0) : readable.size() + " images"));
                out = captioner.caption(pixels, decode, attention, retrieval);
                chosen = out.stream().map(Captioner.Caption::text).toList();
                if (choose.isPresent()) { // before --remember writes: an image's own remembered caption would outweigh all
                    Activity.now("choosing among the nearest training images' captions (--rerank " + choose.get().neighbours() + ")");
                    chosen = captioner.rerank(pixels, chosen, choose.get(), retrieval); // the bank's captions are candidates too
                }
                if (remember) {
                    Activity.now("remembering the captions in the memory bank of " + modelOptions.model);
                    MemoryWriter.Stored added = Banks.remember(bank.get(), captioner, readable, pixels, out);
                    System.err.println("kvcap: " + added.describe("remembered", "caption"));
                }
            } finally {
                bank.ifPresent(MemoryBank::close);
            }
            List<String> stems = Heatmaps.stems(files); // unique: two a/img.png's maps would replace each other
            JsonArray all = new JsonArray();
            StringBuilder text = new StringBuilder(); // printed only once everything succeeded
            for (int i = 0, r = 0; i < files.size(); i++) {
                if (unreadable[i] != null) {
                    JsonObject error = new JsonObject();
                    error.addProperty("image", files.get(i).toString());
                    error.addProperty("error", unreadable[i]);
                    all.add(error);
                    continue;
                }
                Captioner.Caption c = out.get(r++);
                Activity.now("writing the output for image " + files.get(i));
                if (heatmaps != null) {
                    List<Path> written = Heatmaps.write(files.get(i), c, heatmaps, stems.get(i));
                    System.err.println("kvcap: " + written.size() + " heat-maps for " + files.get(i) + " in " + heatmaps);
                }
                if (json) {
                    all.add(toJson(files.get(i), c));
                } else {
                    text.append(files.get(i)).append('\t').append(chosen.get(r - 1)).append(System.lineSeparator());
                }
            }
            Activity.now("printing the captions");
            if (!json) {
                System.out.print(text);
            } else {
                System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(files.size() == 1 ? all.get(0) : all));
            }
            System.out.flush();
            if (skipped > 0) {
                System.err.println("kvcap: captioned " + readable.size() + " of " + files.size() + " images; "
                        + skipped + " could not be read (listed above)");
                return 1;
            }
        }
        return 0;
    }

    private static JsonObject toJson(Path file, Captioner.Caption c) {
        List<float[]> maps = c.best().attention();
        JsonObject o = CaptionJson.of(c, (i, word, t) -> {
            if (i < maps.size()) {
                JsonArray map = new JsonArray();
                for (float v : maps.get(i)) {
                    map.add(Math.round(v * 1e5) / 1e5);
                }
                t.addProperty("attention_size", c.mapSize());
                t.add("attention", map);
            }
        });
        JsonObject out = new JsonObject();
        out.addProperty("image", file.toString());
        o.entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        return out;
    }
}
