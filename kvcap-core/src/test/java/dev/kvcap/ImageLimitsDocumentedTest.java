package dev.kvcap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.data.ImageLoader;
import dev.kvcap.serve.ServeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README states one decompression-bomb limit per path, and it is the one the code applies:
 * files read by the commands ({@link ImageLoader#DEFAULT_MAX_PIXELS}) and uploads to {@code serve}
 * ({@link ServeConfig#DEFAULT_MAX_PIXELS}). It once said both 25 and 50 megapixels without saying
 * which applied where.
 */
class ImageLimitsDocumentedTest {

    @Test
    void theReadmeGivesEachPathsLimitAsTheCodeHasIt() throws Exception {
        String readme = Files.readString(RepoRoot.resolve("README.md")).replaceAll("\\s+", " ");
        assertTrue(readme.contains("by the commands (`train`, `caption`, `evaluate`, `baseline`, `memory`) over **"
                + ImageLoader.DEFAULT_MAX_PIXELS / 1_000_000 + " megapixels**"), "the commands' limit");
        assertTrue(readme.contains("uploads to `serve` over **" + ServeConfig.DEFAULT_MAX_PIXELS / 1_000_000 + " megapixels**"),
                "serve's limit");
        List<Long> stated = new ArrayList<>();
        Matcher m = Pattern.compile("(\\d+) megapixels").matcher(readme);
        while (m.find()) {
            stated.add(Long.parseLong(m.group(1)) * 1_000_000);
        }
        for (long mp : stated) {
            assertTrue(mp == ImageLoader.DEFAULT_MAX_PIXELS || mp == ServeConfig.DEFAULT_MAX_PIXELS,
                    "a limit the code does not have: " + mp);
        }
        assertTrue(stated.size() >= 3, "the README states the limits: " + stated);
    }
}
