package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading COCO files: each problem one line naming the file. */
class CocoFilesTest {

  @TempDir Path tmp;

  @Test
  void textThatIsNotJsonIsUnexpectedTextWithoutGsonsAdvice() throws Exception {
    Path words = Files.writeString(tmp.resolve("words.json"), "x y");
    for (Runnable read : new Runnable[] {
        () -> CocoFiles.readResults(words), () -> CocoFiles.readReferences(words)}) {
      String m = assertThrows(MetricsInputException.class, read::run).getMessage();
      assertTrue(m.startsWith(words + ": malformed JSON (unexpected text at line 1 column "), m);
      assertFalse(m.contains("JsonReader") || m.contains("LENIENT") || m.contains("http"), m);
      assertFalse(m.contains("\n"), m);
    }
  }
}
