package dev.kvcap.cli;

import com.google.gson.GsonBuilder;
import dev.kvcap.bench.Bench;
import dev.kvcap.bench.PytorchReference;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.OptionException;
import dev.kvcap.config.Presets;
import dev.kvcap.data.AtomicFiles;
import dev.kvcap.model.AtomicDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure caption latency, decoder step cost, batch throughput, cold start, training",
            "speed and peak memory. Per preset: image file -> caption with beam 3, split into",
            "preparation, encoder and decoder; decoder cost per step; batch 8 and 32 images/s;",
            "JVM start to first caption (kvcap caption in a fresh JVM); then caption latency and",
            "batches again with the encoder in bf16, then also with the decoder's weights in int8 (steps too); training images/s in float32 and with the",
            "convolutions in bf16 (train --precision bf16). Prints JSON; --markdown appends a table.",
            "--pytorch also runs the PyTorch reference (bench/pytorch/) with the same",
            "settings and reports kvcap/PyTorch ratios (> 1: kvcap better)."
        })
final class BenchCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Spec CommandSpec spec;

    @Option(names = "--presets", paramLabel = "LIST", defaultValue = "small,vgg16", description = "Comma-separated presets; default ${DEFAULT-VALUE}.")
    String presets;

    @Option(names = "--quick", description = "One warm-up and three runs on the tiny preset: checks the harness works (CI).")
    boolean quick;

    @Option(names = "--words", paramLabel = "N", defaultValue = "12", description = "Caption length forced on every decode; default ${DEFAULT-VALUE}.")
    int words;

    @Option(names = "--vocab", paramLabel = "N", defaultValue = "10000", description = "Vocabulary size of the measured model (MSCOCO: about 10,000); default ${DEFAULT-VALUE}.")
    int vocab;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "Measured repetitions (after warm-up); default ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON report here.")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Append a dated table to this Markdown file (e.g. docs/BENCHMARKS.md).")
    Path markdown;

    @Option(names = "--pytorch", description = "After each preset, run the PyTorch reference (python3 with torch, PIL, numpy; $KVCAP_PYTHON picks the interpreter) and compare.")
    boolean pytorch;

    @Override
    public Integer call() throws Exception {
        Limits.atLeastOne("--runs", runs);
        Limits.atLeastOne("--words", words);
        if (vocab < Bench.MIN_VOCAB) {
            throw new OptionException("--vocab must be at least " + Bench.MIN_VOCAB + ", got " + vocab);
        }
        if (json != null) {
            AtomicFiles.checkWritable(json); // before minutes of measuring, not after
        }
        if (markdown != null) {
            Limits.appendable("--markdown", markdown); // before minutes of measuring, not after
        }
        presetNames(); // before minutes of measuring, not after
        Path scratch = Files.createTempDirectory("kvcap-bench");
        try {
            return run(scratch);
        } finally {
            AtomicDirectory.deleteTree(scratch); // saved models: 600 MB for vgg16
        }
    }

    /** The presets to measure: tiny with {@code --quick}, else {@code --presets}, each a known one. */
    private List<String> presetNames() {
        if (quick) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--presets")) {
                throw new OptionException("--quick measures the tiny preset only: leave out --presets, or leave out --quick");
            }
            return List.of("tiny");
        }
        List<String> names = new ArrayList<>();
        for (String name : presets.split(",")) {
            if (!name.isBlank()) {
                Presets.named(name.trim()); // an unknown name: a one-line error listing the known ones
                names.add(name.trim());
            }
        }
        if (names.isEmpty()) {
            throw new OptionException("--presets names no preset; give a comma-separated list of " + String.join(", ", Presets.NAMES));
        }
        return names;
    }

    private int run(Path scratch) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> names = presetNames();
        int v = quick ? 50 : vocab;
        int w = quick ? 4 : words;
        int warmup = quick ? 1 : 3;
        int r = quick ? 3 : runs;
        long warmupMillis = quick ? 0 : Bench.DEFAULT_WARMUP_MILLIS;
        Optional<PytorchReference> reference = pytorch ? PytorchReference.locate(System.err) : Optional.empty();
        for (String name : names) {
            KvcapConfig cfg = Presets.named(name.trim());
            int batch = cfg.model().imageSize() >= 224 ? 8 : cfg.train().batchSize();
            System.err.println("kvcap bench: " + name + " ...");
            Activity.now("benchmarking preset " + name.trim());
            Map<String, Object> report = new Bench(cfg, v, w, warmup, r, warmupMillis).run(batch, scratch);
            if (reference.isPresent()) {
                System.err.println("kvcap bench: " + name + " with PyTorch (" + reference.get().python() + " " + reference.get().script() + ") ...");
                try {
                    Map<String, Object> pt = reference.get().run(cfg.preset(), System.getProperty("ai.djl.pytorch.num_threads"), w, v, warmup, warmupMillis, r, Bench.imagePath(scratch, cfg.model().imageSize()), scratch);
                    report.put("pytorch", pt);
                    report.put("vs_pytorch", PytorchReference.ratios(report, pt));
                } catch (IOException e) {
                    System.err.println("kvcap bench: PyTorch reference failed (" + e.getMessage() + "); no comparison for " + name);
                }
            }
            reports.add(report);
        }
        Activity.now("writing the benchmark report");
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(Map.of("cpu", cpu(), "runs", reports));
        boolean compared = reports.stream().anyMatch(m -> m.containsKey("pytorch"));
        if (compared) {
            System.err.print(PytorchReference.summary(reports));
        }
        if (json != null) {
            AtomicFiles.write(json, text + "\n");
        }
        if (markdown != null) {
            String md = table(reports) + (compared ? PytorchReference.markdown(reports) : "");
            Files.writeString(markdown, md, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.out.println(text);
        return 0;
    }

    private static String table(List<Map<String, Object>> reports) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("\n### kvcap bench, ").append(LocalDate.now()).append(", ").append(cpu()).append("\n\n");
        sb.append("| preset | threads | caption ms (median / p90) | prepare | encoder | decoder | step ms b1 / b3 | batch 8 / 32 img/s | train img/s (batch) | cold CLI ms | peak RSS MiB |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Map<String, Object> r : reports) {
            sb.append(String.format(Locale.ROOT,
                    "| %s %s² | %s | %.1f / %.1f | %.1f | %.1f | %.1f | %.2f / %.2f | %.1f / %.1f | %.1f (%s) | %.0f | %.0f |%n",
                    r.get("preset"), r.get("image_size"), r.get("threads"),
                    r.get("latency_ms_median"), r.get("latency_ms_p90"), r.get("prepare_ms_median"),
                    r.get("encoder_ms_median"), r.get("decoder_ms_median"), r.get("decoder_step_ms_batch1"),
                    r.get("decoder_step_ms_batch3"), r.get("batch8_images_per_s"), r.get("batch32_images_per_s"),
                    r.get("train_images_per_s"), r.get("train_batch"), r.get("cold_cli_ms_median"),
                    r.get("peak_rss_mib")));
            sb.append(String.format(Locale.ROOT,
                    "| %s %s², bf16 encoder | %s | %.1f / %.1f | %.1f | %.1f | %.1f | | %.1f / %.1f | %.1f (%s) | | |%n",
                    r.get("preset"), r.get("image_size"), r.get("threads"),
                    r.get("latency_ms_median_bf16"), r.get("latency_ms_p90_bf16"), r.get("prepare_ms_median_bf16"),
                    r.get("encoder_ms_median_bf16"), r.get("decoder_ms_median_bf16"),
                    r.get("batch8_images_per_s_bf16"), r.get("batch32_images_per_s_bf16"),
                    r.get("train_images_per_s_bf16"), r.get("train_batch")));
            sb.append(String.format(Locale.ROOT,
                    "| %s %s², bf16 encoder, int8 decoder | %s | %.1f / %.1f | %.1f | %.1f | %.1f | %.2f / %.2f | %.1f / %.1f | | | |%n",
                    r.get("preset"), r.get("image_size"), r.get("threads"),
                    r.get("latency_ms_median_bf16_int8"), r.get("latency_ms_p90_bf16_int8"),
                    r.get("prepare_ms_median_bf16_int8"), r.get("encoder_ms_median_bf16_int8"),
                    r.get("decoder_ms_median_bf16_int8"), r.get("decoder_step_ms_batch1_int8"),
                    r.get("decoder_step_ms_batch3_int8"), r.get("batch8_images_per_s_bf16_int8"),
                    r.get("batch32_images_per_s_bf16_int8")));
        }
        return sb.toString();
    }

    private static String cpu() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (Files.exists(info)) {
            for (String line : Files.readAllLines(info)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
                }
            }
        }
        return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}
