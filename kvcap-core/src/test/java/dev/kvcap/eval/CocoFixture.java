package dev.kvcap.eval;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The conformance fixture in {@code src/test/resources/coco-metrics} (see its README). */
final class CocoFixture {

  final Path refsFile;
  final Path resultsFile;
  final Map<Long, List<String>> refs;
  final Map<Long, String> results;
  final JsonObject expected;

  private CocoFixture() {
    refsFile = resource("refs.json");
    resultsFile = resource("results.json");
    refs = CocoFiles.readReferences(refsFile);
    results = CocoFiles.readResults(resultsFile);
    try {
      expected = JsonParser.parseString(
              Files.readString(resource("expected.json"), StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CocoFixture instance;

  /** Loaded once per test JVM. */
  static synchronized CocoFixture load() {
    if (instance == null) {
      instance = new CocoFixture();
    }
    return instance;
  }

  static Path resource(String name) {
    try {
      return Path.of(CocoFixture.class.getResource("/coco-metrics/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
