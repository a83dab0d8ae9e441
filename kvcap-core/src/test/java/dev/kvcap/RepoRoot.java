package dev.kvcap;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root directory, for tests that read its files (the README, docs/): tests run in
 * their module's directory, so the root is the surefire property {@code kvcap.root} or, run from an
 * IDE, the nearest directory above that holds {@code .mvn} and {@code README.md}.
 */
public final class RepoRoot {

    private RepoRoot() {}

    public static Path get() {
        String property = System.getProperty("kvcap.root");
        if (property != null && !property.isBlank() && isRoot(Path.of(property))) {
            return Path.of(property).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("the kvcap repository's root (a directory with .mvn and README.md) is not above "
                + Path.of("").toAbsolutePath());
    }

    /** A file of the repository, e.g. {@code resolve("README.md")}. */
    public static Path resolve(String relative) {
        return get().resolve(relative);
    }

    private static boolean isRoot(Path p) {
        return Files.isDirectory(p.resolve(".mvn")) && Files.isRegularFile(p.resolve("README.md"));
    }
}
