package dev.kvcap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between kvcap's packages point one way (STYLE.md): {@code config <- data <- model
 * <- infer <- train <- cli}; {@code eval} is a leaf (it imports no other kvcap package; {@code
 * data} uses its one rule for COCO files' fields, {@code CocoFields}); {@code serve} sees {@code infer}, {@code
 * data}, {@code config}; {@code bank} (the memory bank's store) sees only {@code config} and {@code
 * data} and is seen by {@code infer}, {@code train}, {@code serve}, {@code cli}. Checked by scanning the imports of every main source file.
 */
class PackageDependenciesTest {

    private static final Map<String, Set<String>> ALLOWED =
            Map.of(
                    "config", Set.of(),
                    "eval", Set.of(),
                    "data", Set.of("config", "eval"),
                    "model", Set.of("config", "data"),
                    "bank", Set.of("config", "data"),
                    "infer", Set.of("config", "data", "model", "eval", "bank"),
                    "train", Set.of("config", "data", "model", "infer", "eval", "bank"),
                    "serve", Set.of("config", "data", "infer", "eval", "bank"),
                    "bench", Set.of("config", "data", "model", "infer", "eval", "train"),
                    "cli", Set.of("config", "data", "model", "infer", "eval", "train", "serve", "bench", "bank"));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.kvcap\\.(\\w+)\\.", Pattern.MULTILINE);

    @Test
    void packagesOnlyDependDownTheLayering() throws IOException {
        Path root = RepoRoot.resolve("kvcap-core/src/main/java/dev/kvcap");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                Set<String> allowed = ALLOWED.get(pkg);
                assertTrue(allowed != null, "package " + pkg + " is not in the layering table");
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        violations.add(root.relativize(f) + " imports dev.kvcap." + target);
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    void evalDataAndBankHaveNoDjlImports() throws IOException {
        for (String pkg : List.of("eval", "data", "bank")) {
            try (Stream<Path> files = Files.walk(RepoRoot.resolve("kvcap-core/src/main/java/dev/kvcap").resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    assertTrue(!Files.readString(f).contains("import ai.djl"), f + " imports DJL");
                }
            }
        }
    }
}
