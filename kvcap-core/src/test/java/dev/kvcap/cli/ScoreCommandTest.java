package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.eval.MetricsInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kvcap score} end to end on the conformance fixture. */
class ScoreCommandTest {

  @TempDir Path tmp;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(ScoreCommandTest.class.getResource("/coco-metrics/" + name).toURI());
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new ScoreCommand());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void printsOneJsonObjectWithTheToolkitsCorpusScores() throws Exception {
    Path perImage = tmp.resolve("per-image.json");
    Run r = run("--refs", fixture("refs.json").toString(),
        "--results", fixture("results.json").toString(), "--per-image", perImage.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonObject corpus = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(List.of("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "METEOR", "ROUGE_L", "CIDEr"),
        List.copyOf(corpus.keySet()));
    JsonObject expected = JsonParser.parseString(Files.readString(fixture("expected.json")))
        .getAsJsonObject().getAsJsonObject("corpus");
    for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
      assertEquals(e.getValue().getAsDouble(), corpus.get(e.getKey()).getAsDouble(), 1e-4);
    }
    assertFalse(corpus.has("SPICE"));
    JsonArray rows = JsonParser.parseString(Files.readString(perImage)).getAsJsonArray();
    assertEquals(126, rows.size());
    // the annotation file's image order, which the toolkit scores in
    assertEquals(397133L, rows.get(0).getAsJsonObject().get("image_id").getAsLong());
    try (var listing = Files.list(tmp)) {
      assertEquals(1, listing.count(), "no temporary file is left behind");
    }
  }

  @Test
  void aMetricSubsetPrintsOnlyThoseKeys() throws Exception {
    Run r = run("--refs", fixture("refs.json").toString(),
        "--results", fixture("results.json").toString(), "--metrics", "cider,bleu");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject corpus = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(List.of("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "CIDEr"),
        List.copyOf(corpus.keySet()));
  }

  @Test
  void referenceImagesWithoutAResultAreAWarningNotAnError() throws Exception {
    Path results = tmp.resolve("two.json");
    Files.writeString(results, "[{\"image_id\": 565778, \"caption\": \"a train at a station\"},"
        + " {\"image_id\": 491497, \"caption\": \"\"}]");
    Run r = run("--refs", fixture("refs.json").toString(), "--results", results.toString(),
        "--metrics", "bleu,rouge");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("124 of 126 reference images have no result"), r.err());
  }

  @Test
  void aResultForAnUnknownImageFailsWithAOneLineMessage() throws Exception {
    Path results = tmp.resolve("bad.json");
    Files.writeString(results, "[{\"image_id\": 1, \"caption\": \"a dog\"}]");
    ScoreCommand command = new ScoreCommand();
    new CommandLine(command).parseArgs(
        "--refs", fixture("refs.json").toString(), "--results", results.toString());
    MetricsInputException e = assertThrows(MetricsInputException.class, command::call);
    assertTrue(e.getMessage().contains("image 1"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(1, run("--refs", fixture("refs.json").toString(),
        "--results", results.toString()).exitCode());
  }

  @Test
  void malformedJsonAndDuplicateResultsAreRefusedNamingTheFile() throws Exception {
    Path broken = tmp.resolve("broken.json");
    Files.writeString(broken, "[{\"image_id\": 565778, \"caption\": ");
    Path twice = tmp.resolve("twice.json");
    Files.writeString(twice, "[{\"image_id\": 565778, \"caption\": \"a\"},"
        + " {\"image_id\": 565778, \"caption\": \"b\"}]");
    for (Path bad : List.of(broken, twice)) {
      ScoreCommand command = new ScoreCommand();
      new CommandLine(command).parseArgs(
          "--refs", fixture("refs.json").toString(), "--results", bad.toString());
      MetricsInputException e = assertThrows(MetricsInputException.class, command::call);
      assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void anUnknownMetricIsRefused() throws Exception {
    ScoreCommand command = new ScoreCommand();
    new CommandLine(command).parseArgs("--refs", fixture("refs.json").toString(),
        "--results", fixture("results.json").toString(), "--metrics", "bleu,spice");
    MetricsInputException e = assertThrows(MetricsInputException.class, command::call);
    assertTrue(e.getMessage().contains("SPICE"), e.getMessage());
  }
}
