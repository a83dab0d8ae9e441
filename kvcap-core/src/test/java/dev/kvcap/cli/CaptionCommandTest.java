package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvcap caption} on a tiny random model. */
class CaptionCommandTest {

    @TempDir Path dir;

    @Test
    void twoImagesOfTheSameNameGetHeatmapsOfTheirOwn() throws Exception {
        Path model = BadInputs.model(dir.resolve("model"));
        Path a = BadInputs.write(dir.resolve("a/img.png"), BadInputs.image(40, "png"));
        Path b = BadInputs.write(dir.resolve("b/img.png"), BadInputs.image(48, "png"));
        Path maps = dir.resolve("maps");
        CliRun r = CliRun.of("caption", "--model", model.toString(), "--heatmaps", maps.toString(), a.toString(), b.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("kvcap: (\\d+) heat-maps for ").matcher(r.err());
        int reported = 0;
        while (m.find()) {
            reported += Integer.parseInt(m.group(1));
        }
        assertTrue(reported > 0, r.err());
        List<String> names;
        try (Stream<Path> files = Files.list(maps)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(reported, names.size(), "one file per map, none replaced: " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("1_img_01_")) && names.stream().anyMatch(n -> n.startsWith("2_img_01_")), names.toString());
    }
}
