package dev.kvcap.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.kvcap.data.AtomicFiles;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.eval.CocoFiles;
import dev.kvcap.eval.Metric;
import dev.kvcap.eval.MetricsInputException;
import dev.kvcap.eval.Scores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvcap score}: scores a COCO results file against COCO reference captions exactly as the
 * official caption evaluation toolkit does, and prints one JSON object of corpus metrics.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Score captions as the official MSCOCO caption evaluation toolkit does (PTB tokenisation,"
          + " BLEU-1..4, METEOR, ROUGE-L, CIDEr-D; SPICE is not implemented).",
      "Prints one JSON object of corpus scores on stdout (BLEU/METEOR/ROUGE_L in 0..1, CIDEr raw);"
          + " warnings go to stderr."
    })
public final class ScoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--refs", required = true, paramLabel = "ANN.json",
      description = "COCO captions file: {\"images\": [...], \"annotations\": [{image_id, caption}]}")
  Path refs;

  @Option(names = "--results", required = true, paramLabel = "RES.json",
      description = "COCO results file: [{image_id, caption}], one caption per image")
  Path results;

  @Option(names = "--per-image", paramLabel = "FILE",
      description = "also write per-image scores there as JSON (written atomically)")
  Path perImage;

  @Option(names = "--metrics", paramLabel = "LIST", defaultValue = "bleu,meteor,rouge,cider",
      description = "comma-separated subset of bleu, meteor, rouge, cider (default: ${DEFAULT-VALUE})")
  String metrics;

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  @Override
  public Integer call() throws IOException {
    Set<Metric> selected = Metric.parseList(metrics);
    Activity.now("reading the references " + refs);
    Map<Long, List<String>> references = CocoFiles.readReferences(refs);
    Activity.now("reading the results " + results);
    Map<Long, String> candidates = CocoFiles.readResults(results);
    int missing = CocoFiles.checkCoverage(references, candidates);
    PrintWriter err = spec.commandLine().getErr();
    if (missing > 0) {
      err.printf("warning: %d of %d reference images have no result and are not scored"
          + " (as in the toolkit)%n", missing, references.size());
      err.flush();
    }
    Activity.now("scoring " + results + " against " + refs);
    Scores scores = CaptionMetrics.score(references, candidates, selected);
    String json = GSON.toJson(scores.corpus());
    if (perImage != null) {
      Activity.now("writing the per-image scores to " + perImage);
      writePerImage(scores, perImage);
    }
    Activity.now("printing the scores");
    PrintWriter out = spec.commandLine().getOut();
    out.println(json);
    out.flush();
    return 0;
  }

  /** The toolkit's {@code evalImgs}: one object per image with {@code image_id} first. */
  private static void writePerImage(Scores scores, Path file) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>(scores.perImage().size());
    for (Map.Entry<Long, Map<String, Double>> e : scores.perImage().entrySet()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("image_id", e.getKey());
      row.putAll(e.getValue());
      rows.add(row);
    }
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new MetricsInputException("--per-image: " + (dir != null && Files.exists(dir)
          ? dir + " is a file, not a folder to write into" : "directory does not exist: " + dir));
    }
    AtomicFiles.write(absolute, GSON.toJson(rows) + "\n");
  }
}
