package dev.kvcap.spark;

import dev.kvcap.data.DataException;
import dev.kvcap.infer.Captioner;
import dev.kvcap.model.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.SparkFiles;

/**
 * One {@link Captioner} per model per executor JVM, loaded on first use and shared by the tasks
 * that run there at the same time ({@link Captioner#caption} is thread-safe); closed when the JVM
 * exits.
 *
 * <p>A model is named as it was shipped with the job: a directory every executor can read (a
 * shared file system), or the name Spark unpacked an archive under ({@code --archives
 * model.zip#kvcap-model} → {@code kvcap-model}, found in the task's working directory on YARN and
 * under {@link SparkFiles#getRootDirectory()} elsewhere). An archive that holds one top-level
 * folder is looked into.
 */
public final class ExecutorCaptioners {

    private static final Map<String, Captioner> LOADED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorCaptioners::closeAll, "kvcap-captioners-close"));
    }

    private ExecutorCaptioners() {}

    /** The captioner for {@code model}, loaded once in this JVM; one-line errors on a bad model. */
    public static Captioner get(String model) {
        return LOADED.computeIfAbsent(model, m -> {
            // Nothing is downloaded at run time: the natives come from the pytorch-native-cpu jar.
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            return Captioner.load(locate(m));
        });
    }

    /** The model directory {@code model} names on this machine (see the class comment). */
    static Path locate(String model) {
        for (Path candidate : candidates(model)) {
            Path dir = unwrapped(candidate);
            if (dir != null) {
                return dir;
            }
        }
        if (Files.exists(Path.of(model))) {
            return Path.of(model); // there, but not a model directory: loading says what is wrong
        }
        throw new DataException("model " + model + " not found on this executor (looked in "
                + candidates(model) + "); put it on a file system every executor reads, or ship it with"
                + " spark-submit --archives model.zip#" + Path.of(model).getFileName());
    }

    private static List<Path> candidates(String model) {
        Path given = Path.of(model);
        if (given.isAbsolute()) {
            return List.of(given);
        }
        try {
            return List.of(given.toAbsolutePath(), Path.of(SparkFiles.get(model)));
        } catch (RuntimeException e) { // no SparkContext here (a plain JVM): the path as given only
            return List.of(given.toAbsolutePath());
        }
    }

    /** {@code dir}, its {@code best/}, or the one folder an unpacked archive holds; null if none. */
    private static Path unwrapped(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        if (SavedModel.isModelDir(dir) || SavedModel.isModelDir(dir.resolve("best"))) {
            return dir;
        }
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> folders = children.filter(Files::isDirectory).toList();
            return folders.size() == 1 ? unwrapped(folders.get(0)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void closeAll() {
        LOADED.values().forEach(Captioner::close);
        LOADED.clear();
    }
}
