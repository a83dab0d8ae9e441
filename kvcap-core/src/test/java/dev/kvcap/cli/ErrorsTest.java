package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.data.DataException;
import dev.kvcap.eval.MetricsInputException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Which exceptions are kvcap's own errors and what each kind's line says. */
class ErrorsTest {

    private static final String ACTIVITY = "scoring res.json against refs.json";

    @Test
    void kvcapsOwnErrorsPrintTheirMessageAlone() {
        assertEquals("refs.json: no images", Errors.line(new DataException("refs.json: no images"), ACTIVITY));
        assertEquals("no results to score", Errors.line(new MetricsInputException("no results to score"), ACTIVITY));
        assertEquals("no such file: x.json", Errors.line(new NoSuchFileException("x.json"), ACTIVITY));
        assertEquals("--beam must be at least 1", Errors.line(new IllegalArgumentException("--beam must be at least 1"), ACTIVITY));
    }

    @Test
    void fileSystemErrorsSayWhatIsWrongWithThePathNotJustThePath() {
        assertEquals("already exists: out (a file where kvcap needs a folder?)",
                Errors.line(new java.nio.file.FileAlreadyExistsException("out"), ACTIVITY));
        assertEquals("not a folder: a/b", Errors.line(new java.nio.file.NotDirectoryException("a/b"), ACTIVITY));
        assertEquals("x.json: Is a directory",
                Errors.line(new java.nio.file.FileSystemException("x.json", ".x.json123.tmp", "Is a directory"), ACTIVITY));
    }

    @Test
    void aDeepJsonPathIsShortenedToItsEndsAndDepth() {
        String deep = "a.json: malformed JSON (Nesting limit 255 reached at line 1 column 257 path $" + "[0]".repeat(255) + ")";
        assertEquals("a.json: malformed JSON (Nesting limit 255 reached at line 1 column 257 path $[0][0][0]…[0] (255 deep))",
                Errors.line(new DataException(deep), ACTIVITY));
        String shallow = "a.json: malformed JSON (End of input at line 1 column 13 path $.images[2].id)";
        assertEquals(shallow, Errors.line(new DataException(shallow), ACTIVITY), "a short path is kept as it is");
        assertEquals("x path $.a.b.c…[4] (8 deep)", Errors.shortJsonPaths("x path $.a.b.c.d.e[2][3][4]"));
    }

    @Test
    void anOwnErrorWrappedInAnotherExceptionStillPrintsItsMessage() {
        assertEquals("a.png: not an image",
                Errors.line(new IllegalStateException(new DataException("a.png: not an image")), ACTIVITY));
    }

    @Test
    void anIllegalArgumentExceptionFromALibraryIsABug() {
        IllegalArgumentException fromJdk = null;
        try {
            Integer.parseInt("x");
        } catch (NumberFormatException e) {
            fromJdk = e;
        }
        assertFalse(Errors.isUsers(fromJdk));
        assertEquals(ACTIVITY + ": For input string: \"x\" (NumberFormatException); please report",
                Errors.line(fromJdk, ACTIVITY));
    }

    @Test
    void aBugWithoutAMessageSaysInternalErrorAndNamesTheType() {
        assertEquals(ACTIVITY + ": internal error (NullPointerException); please report",
                Errors.line(new NullPointerException(), ACTIVITY));
    }

    @Test
    void aBugNamesItsRootCauseAndKeepsTheLineShort() {
        String line = Errors.line(new RuntimeException("wrapper", new ClassCastException("x".repeat(400) + "\nsecond line")), ACTIVITY);
        assertTrue(line.endsWith("… (ClassCastException); please report"), line);
        assertEquals(1, line.lines().count());
        assertTrue(line.length() < 260, line);
    }
}
