package dev.kvcap.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch reference benchmark ({@value #SCRIPT}): the same model and measurements in plain
 * PyTorch from Python, run beside kvcap's by {@code kvcap bench --pytorch}.
 *
 * <p>Ratio convention: above 1 means kvcap is better. For times it is PyTorch / kvcap, for
 * throughput kvcap / PyTorch.
 */
public final class PytorchReference {

    /** The script, relative to the kvcap home (the repository). */
    public static final String SCRIPT = "bench/pytorch/kvm_reference.py";

    /** What the ratio table compares: report key, label, whether larger is better. */
    private record Figure(String key, String ratioKey, String label, boolean higherIsBetter) {}

    private static final List<Figure> FIGURES =
            List.of(
                    new Figure("latency_ms_median", "latency", "caption ms, fp32", false),
                    new Figure("latency_ms_median_bf16", "latency_bf16", "caption ms, bf16 encoder", false),
                    new Figure("encoder_ms_median", "encoder", "encoder ms, fp32", false),
                    new Figure("encoder_ms_median_bf16", "encoder_bf16", "encoder ms, bf16", false),
                    new Figure("decoder_step_ms_batch1", "decoder_step_batch1", "decoder step ms, batch 1", false),
                    new Figure("decoder_step_ms_batch3", "decoder_step_batch3", "decoder step ms, beam 3", false),
                    new Figure("decoder_step_ms_batch1_int8", "decoder_step_batch1_int8", "decoder step ms, batch 1, int8", false),
                    new Figure("decoder_step_ms_batch3_int8", "decoder_step_batch3_int8", "decoder step ms, beam 3, int8", false),
                    new Figure("latency_ms_median_bf16_int8", "latency_bf16_int8", "caption ms, bf16 enc., int8 dec.", false),
                    new Figure("batch8_images_per_s", "batch8", "batch 8 img/s, fp32", true),
                    new Figure("batch32_images_per_s", "batch32", "batch 32 img/s, fp32", true),
                    new Figure("batch8_images_per_s_bf16", "batch8_bf16", "batch 8 img/s, bf16 encoder", true),
                    new Figure("batch32_images_per_s_bf16", "batch32_bf16", "batch 32 img/s, bf16 encoder", true),
                    new Figure("batch8_images_per_s_bf16_int8", "batch8_bf16_int8", "batch 8 img/s, bf16 + int8", true),
                    new Figure("batch32_images_per_s_bf16_int8", "batch32_bf16_int8", "batch 32 img/s, bf16 + int8", true),
                    new Figure("train_images_per_s", "train_images_per_s", "train img/s", true),
                    new Figure("train_images_per_s_bf16", "train_images_per_s_bf16", "train img/s, bf16 convolutions", true),
                    new Figure("peak_rss_mib", "peak_rss", "peak RSS MiB", false));

    public static final String CONVENTION =
            "ratio > 1 = kvcap better (times: PyTorch / kvcap; throughput: kvcap / PyTorch)";

    private final String python;
    private final Path script;

    PytorchReference(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    public String python() {
        return python;
    }

    public Path script() {
        return script;
    }

    /**
     * Finds the script (under {@code -Dkvcap.home}, above the jar or classes, or under the working
     * directory) and a Python that imports torch, PIL and numpy ({@code $KVCAP_PYTHON}, {@code
     * python3}, {@code /usr/bin/python3}). Empty, after a one-line notice, when either is missing.
     */
    public static Optional<PytorchReference> locate(PrintStream notices) {
        Optional<Path> script = findScript(homeCandidates());
        if (script.isEmpty()) {
            notices.println("kvcap bench: " + SCRIPT + " not found (run from the kvcap repository); skipping the PyTorch comparison");
            return Optional.empty();
        }
        for (String py : pythonCandidates()) {
            if (importsTorch(py)) {
                return Optional.of(new PytorchReference(py, script.get()));
            }
        }
        notices.println("kvcap bench: no python3 with torch, PIL and numpy (Debian: apt-get install python3-torch python3-pil python3-numpy; or set KVCAP_PYTHON); skipping the PyTorch comparison");
        return Optional.empty();
    }

    /** The first of {@code homes} that holds {@value #SCRIPT}. */
    static Optional<Path> findScript(List<Path> homes) {
        return homes.stream().map(h -> h.resolve(SCRIPT)).filter(Files::isRegularFile).findFirst();
    }

    private static List<Path> homeCandidates() {
        Set<Path> homes = new LinkedHashSet<>();
        String home = System.getProperty("kvcap.home");
        if (home != null && !home.isBlank()) {
            homes.add(Path.of(home));
        }
        try {
            // kvcap-core/target/kvcap.jar or kvcap-core/target/classes: the repository is three levels up.
            Path code = Path.of(PytorchReference.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code.getParent(); p != null && homes.size() < 5; p = p.getParent()) {
                homes.add(p);
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: the other candidates remain
        }
        homes.add(Path.of("").toAbsolutePath());
        return new ArrayList<>(homes);
    }

    private static List<String> pythonCandidates() {
        Set<String> out = new LinkedHashSet<>();
        String env = System.getenv("KVCAP_PYTHON");
        if (env != null && !env.isBlank()) {
            out.add(env);
        }
        out.add("python3");
        out.add("/usr/bin/python3"); // Debian's, when another python3 comes first on the PATH
        return new ArrayList<>(out);
    }

    private static boolean importsTorch(String python) {
        try {
            Process p =
                    new ProcessBuilder(python, "-c", "import torch, PIL, numpy")
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs the reference on one preset with kvcap's settings; its progress goes to stderr.
     *
     * @param image the JPEG kvcap captioned, so both decode the same file
     * @param scratch where the script writes its JSON
     * @return the script's report (same keys as kvcap's)
     */
    public Map<String, Object> run(
            String preset, String threads, int words, int vocab, int warmup, long warmupMillis, int runs, Path image, Path scratch)
            throws IOException, InterruptedException {
        Path out = scratch.resolve("pytorch-" + preset + ".json");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--preset", preset));
        if (threads != null) {
            cmd.addAll(List.of("--threads", threads));
        }
        cmd.addAll(
                List.of(
                        "--words", String.valueOf(words),
                        "--vocab", String.valueOf(vocab),
                        "--warmup", String.valueOf(warmup),
                        "--warmup-seconds", String.valueOf(warmupMillis / 1000.0),
                        "--runs", String.valueOf(runs),
                        "--json", out.toString()));
        if (image != null && Files.isRegularFile(image)) {
            cmd.addAll(List.of("--image", image.toString()));
        }
        Process p =
                new ProcessBuilder(cmd)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD) // stdout is kvcap's JSON
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        try {
            int rc = p.waitFor();
            if (rc != 0 || !Files.isRegularFile(out)) {
                throw new IOException(script.getFileName() + " exited with status " + rc);
            }
        } finally {
            p.destroy();
        }
        return parse(Files.readString(out, StandardCharsets.UTF_8));
    }

    /** The script's JSON report as a map (whole numbers as longs, others as doubles). */
    public static Map<String, Object> parse(String json) throws IOException {
        try {
            Map<String, Object> m = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create().fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
            if (m == null || !(m.get("latency_ms_median") instanceof Number)) {
                throw new IOException("not a benchmark report: " + json.strip().lines().findFirst().orElse(""));
            }
            return m;
        } catch (JsonParseException e) {
            throw new IOException("unreadable PyTorch report: " + e.getMessage(), e);
        }
    }

    /**
     * kvcap relative to PyTorch per figure ({@link #CONVENTION}); a figure missing or zero on
     * either side is left out.
     */
    public static Map<String, Double> ratios(Map<String, Object> kvcap, Map<String, Object> pytorch) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Figure f : FIGURES) {
            double k = number(kvcap, f.key());
            double p = number(pytorch, f.key());
            if (k > 0 && p > 0) {
                out.put(f.ratioKey(), f.higherIsBetter() ? k / p : p / k);
            }
        }
        return out;
    }

    private static double number(Map<String, Object> m, String key) {
        return m != null && m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Plain-text comparison of the reports that carry a {@code pytorch} entry, for stderr. */
    public static String summary(List<Map<String, Object>> reports) {
        StringBuilder sb = new StringBuilder("kvcap vs PyTorch, " + CONVENTION + "\n");
        sb.append(String.format(Locale.ROOT, "%-8s %-30s %10s %10s %7s%n", "preset", "figure", "kvcap", "PyTorch", "ratio"));
        for (Map<String, Object> r : reports) {
            Map<String, Object> pt = pytorchOf(r);
            if (pt == null) {
                continue;
            }
            Map<String, Double> ratios = ratios(r, pt);
            for (Figure f : FIGURES) {
                Double ratio = ratios.get(f.ratioKey());
                sb.append(String.format(Locale.ROOT, "%-8s %-30s %10.2f %10.2f %7s%n",
                        r.get("preset"), f.label(), number(r, f.key()), number(pt, f.key()),
                        ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio)));
            }
        }
        return sb.toString();
    }

    /** Markdown table: one row per preset and figure, kvcap / PyTorch and the ratio. */
    public static String markdown(List<Map<String, Object>> reports) {
        StringBuilder sb = new StringBuilder();
        sb.append("\nkvcap vs the PyTorch reference (").append(SCRIPT).append("), same run, same settings; ")
                .append(CONVENTION).append(":\n\n");
        sb.append("| preset | figure | kvcap | PyTorch | ratio |\n| --- | --- | --- | --- | --- |\n");
        for (Map<String, Object> r : reports) {
            Map<String, Object> pt = pytorchOf(r);
            if (pt == null) {
                continue;
            }
            Map<String, Double> ratios = ratios(r, pt);
            String preset = String.format(Locale.ROOT, "%s %s² (PyTorch %s)", r.get("preset"), r.get("image_size"), pt.getOrDefault("torch_version", "?"));
            for (Figure f : FIGURES) {
                Double ratio = ratios.get(f.ratioKey());
                String fmt = f.key().startsWith("decoder_step") ? "%.2f" : "%.1f";
                sb.append(String.format(Locale.ROOT, "| %s | %s | " + fmt + " | " + fmt + " | %s |%n",
                        preset, f.label(), number(r, f.key()), number(pt, f.key()),
                        ratio == null ? "-" : String.format(Locale.ROOT, "**%.2f×**", ratio)));
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pytorchOf(Map<String, Object> report) {
        return report.get("pytorch") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
