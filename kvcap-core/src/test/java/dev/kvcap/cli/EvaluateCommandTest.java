package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvcap evaluate}'s checks before it captions, on a tiny random model. */
class EvaluateCommandTest {

    @TempDir static Path dir;

    static Path model;
    static Path captions;
    static Path images;

    @BeforeAll
    static void fixtures() throws Exception {
        model = BadInputs.model(dir.resolve("model"));
        images = BadInputs.images(dir.resolve("images"), 3);
        captions = BadInputs.writeText(dir.resolve("captions.json"), BadInputs.coco(3));
    }

    private static CliRun evaluate(String trainCaptions) {
        return CliRun.of("evaluate", "--model", model.toString(), "--captions", captions.toString(),
                "--images", images.toString(), "--train-captions", trainCaptions);
    }

    private static void refusedBeforeCaptioning(CliRun r, String... words) {
        assertNotEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertFalse(r.err().contains("captioned"), "refused before any image was captioned: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String w : words) {
            assertTrue(r.err().startsWith("kvcap: ") && r.err().contains(w), r.err());
        }
    }

    @Test
    void missingTrainCaptionsAreRefusedBeforeAnyImageIsCaptioned() {
        refusedBeforeCaptioning(evaluate(dir.resolve("nonexistent.json").toString()), "--train-captions", "nonexistent.json", "does not exist");
    }

    @Test
    void trainCaptionsWithoutAnImageFolderToFindAreRefusedBeforeAnyImageIsCaptioned() {
        refusedBeforeCaptioning(evaluate(captions.toString()), "give --train-images", "captions.json");
    }
}
