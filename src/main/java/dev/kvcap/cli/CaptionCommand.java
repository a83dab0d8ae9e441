package dev.kvcap.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.infer.CaptionJson;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
import dev.kvcap.infer.Retrieval;
import dev.kvcap.infer.Heatmaps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Option(names = "--json", description = "Print JSON: tokens, log-probabilities, alternatives and per-word attention.")
    boolean json;

    @Option(names = "--heatmaps", paramLabel = "DIR", description = "Write per-word attention heat-maps (PNG) here.")
    Path heatmaps;

    @Option(names = "--remember", description = "Write the generated captions' (state, word) pairs into the model's memory bank.")
    boolean remember;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (JPEG or PNG).")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        Activity.now("loading the model " + modelOptions.model);
        try (Captioner captioner = Captioner.load(modelOptions.model, modelOptions.precision(), modelOptions.decoderPrecision())) {
            DecodeConfig decode = modelOptions.decode(captioner.defaults());
            List<byte[]> pixels = new ArrayList<>();
            for (Path f : files) {
                Activity.now("reading image " + f);
                pixels.add(captioner.prepare(f)); // a bad image stops here, before any output
            }
            boolean attention = json || heatmaps != null;
            List<Captioner.Caption> out;
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
                Activity.now("captioning " + (files.size() == 1 ? "image " + files.get(0) : files.size() + " images"));
                out = captioner.caption(pixels, decode, attention, retrieval);
                if (remember) {
                    Activity.now("remembering the captions in the memory bank of " + modelOptions.model);
                    List<MemoryWriter.Example> examples = new ArrayList<>();
                    for (int i = 0; i < files.size(); i++) {
                        examples.add(new MemoryWriter.Example(pixels.get(i), out.get(i).words(), "remember:" + Banks.sha1(files.get(i))));
                    }
                    bank.get().add(new MemoryWriter(captioner).entries(examples));
                    bank.get().commit();
                    System.err.println("kvcap: remembered " + files.size() + " caption(s); the bank holds " + bank.get().size() + " entries");
                }
            } finally {
                bank.ifPresent(MemoryBank::close);
            }
            JsonArray all = new JsonArray();
            StringBuilder text = new StringBuilder(); // printed only once everything succeeded
            for (int i = 0; i < files.size(); i++) {
                Captioner.Caption c = out.get(i);
                Activity.now("writing the output for image " + files.get(i));
                if (heatmaps != null) {
                    String stem = files.get(i).getFileName().toString().replaceAll("\\.[^.]*$", "");
                    List<Path> written = Heatmaps.write(files.get(i), c, heatmaps, stem);
                    System.err.println("kvcap: " + written.size() + " heat-maps for " + files.get(i) + " in " + heatmaps);
                }
                if (json) {
                    all.add(toJson(files.get(i), c));
                } else {
                    text.append(files.get(i)).append('\t').append(c.text()).append(System.lineSeparator());
                }
            }
            Activity.now("printing the captions");
            if (!json) {
                System.out.print(text);
            } else {
                System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(files.size() == 1 ? all.get(0) : all));
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
