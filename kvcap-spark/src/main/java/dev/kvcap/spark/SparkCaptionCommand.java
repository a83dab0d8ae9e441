package dev.kvcap.spark;

import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import dev.kvcap.cli.Main;
import dev.kvcap.data.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvcap spark-caption}: captions a folder of images, or a CSV or Parquet list of paths, into
 * a Parquet directory with Spark. Run by {@code bin/kvcap spark-caption} (Spark in local mode) or
 * by {@code spark-submit --class dev.kvcap.spark.SparkCaptionCommand} on a cluster (README,
 * "Captioning on Spark"). One progress line per stage on stderr; a JSON summary on stdout.
 */
@Command(
        name = "kvcap spark-caption",
        mixinStandardHelpOptions = true,
        description = {
            "Caption a folder of images, or a CSV or Parquet list of paths, into Parquet with Apache Spark.",
            "Output columns: the input's (less the image bytes), caption, log_prob, [tokens,] error;",
            "an image that cannot be read gets a null caption and its reason in error."
        })
public final class SparkCaptionCommand implements Callable<Integer> {

    private static final String PREFIX = "kvcap spark-caption: ";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model directory (or its run directory with best/), as executors find it: a shared path, or the name an archive was shipped under (spark-submit --archives model.zip#NAME).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "A folder of images (searched recursively: jpg, jpeg, png, gif, bmp), or a .csv (with a header) or .parquet list of paths.")
    String input;

    @Option(names = "--path-column", paramLabel = "NAME", defaultValue = "path",
            description = "The column of a CSV or Parquet list that holds the paths; default ${DEFAULT-VALUE}.")
    String pathColumn;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet directory to write (refused if it exists).")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default: spark-submit's, else local[*].")
    String master;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Images per captioning call; default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--beam", paramLabel = "N", description = "Beam width (default: the model's).")
    Integer beam;

    @Option(names = "--tokens", description = "Also write the caption's words as an array column.")
    boolean tokens;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Repartition the images into N partitions before captioning (default: a list's rows into 4 per core of the cluster; a folder as Spark splits it, 32 small files a partition).")
    Integer partitions;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads per task in local mode (default: cores / parallel tasks). On a cluster set -Dai.djl.pytorch.num_threads in spark.executor.extraJavaOptions.")
    Integer threads;

    public static void main(String[] args) {
        System.exit(Main.run(new SparkCaptionCommand(), args));
    }

    @Override
    public Integer call() {
        checkOptions();
        boolean created = SparkSession.getDefaultSession().isEmpty();
        String masterUrl = master != null ? master : System.getProperty("spark.master", "local[*]");
        Matcher local = LOCAL.matcher(masterUrl);
        if (local.matches()) {
            int cores = Runtime.getRuntime().availableProcessors();
            int tasks = local.group(1) == null ? 1 : local.group(1).equals("*") ? cores : Integer.parseInt(local.group(1));
            int n = threads != null ? threads : Math.max(1, cores / Math.max(1, tasks));
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            // Local mode: this JVM is the executor, so a bad model is refused before Spark starts.
            ExecutorCaptioners.get(model);
        }
        noteAnUnreadBank();
        long start = System.nanoTime();
        SparkSession spark = SparkSession.builder()
                .appName("kvcap spark-caption")
                .master(masterUrl)
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
        StageProgress progress = new StageProgress(System.err, PREFIX);
        spark.sparkContext().addSparkListener(progress);
        try {
            spark.sparkContext().setCallSite("listing " + input);
            Dataset<Row> images = read(spark);
            Dataset<Row> captions = new CaptionTransformer()
                    .setModel(model)
                    .setInputCol(isList() ? pathColumn : "content")
                    .setBatchSize(batch)
                    .setBeamSize(beam == null ? 0 : beam)
                    .setTokens(tokens)
                    .transform(images);
            if (!isList()) {
                captions = captions.drop("content", "modificationTime", "length");
            }
            spark.sparkContext().setCallSite("captioning " + input + " into Parquet");
            write(spark, captions);
            spark.sparkContext().setCallSite("counting the captions written");
            Row counts = spark.read().parquet(output)
                    .agg(functions.count(functions.lit(1)), functions.count(functions.col(CaptionTransformer.ERROR)))
                    .first();
            long all = counts.getLong(0);
            long failed = counts.getLong(1);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.err.println(PREFIX + "captioned " + (all - failed) + " of " + all + " images into " + output
                    + String.format(Locale.ROOT, " in %.1f s (%.1f images/s)", seconds, all / seconds)
                    + (failed > 0 ? "; " + failed + " could not be captioned (the error column says why)" : ""));
            System.out.println(String.format(Locale.ROOT,
                    "{\"output\":\"%s\",\"images\":%d,\"captioned\":%d,\"errors\":%d,\"seconds\":%.2f,\"images_per_second\":%.2f}",
                    output.replace("\\", "\\\\").replace("\"", "\\\""), all, all - failed, failed, seconds, all / seconds));
            System.out.flush();
            return 0;
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            if (created) {
                spark.stop();
            }
        }
    }

    /** Spark does not read a model's memory bank (yet): say so where {@code caption} would read it. */
    private void noteAnUnreadBank() {
        java.nio.file.Path dir = java.nio.file.Path.of(model);
        try {
            if (java.nio.file.Files.isDirectory(dir)
                    && MemoryBank.identity(MemoryBank.dirOf(ModelFingerprint.weightsDir(dir))).isPresent()) {
                System.err.println(PREFIX + "note: " + model + " has a memory bank, which Spark does not read;"
                        + " the captions are the model's own, as 'kvcap caption --memory off' gives them");
            }
        } catch (RuntimeException e) {
            // not a model directory here (a cluster's name for a shipped archive): nothing to say
        }
    }

    private void checkOptions() {
        if (batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be at least 1, not " + batch);
        }
        if (beam != null && beam < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--beam must be at least 1, not " + beam);
        }
        if (partitions != null && partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions must be at least 1, not " + partitions);
        }
        if (threads != null && (threads < 1 || threads > 4 * Runtime.getRuntime().availableProcessors())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads must be 1 to 4 per core (" + 4 * Runtime.getRuntime().availableProcessors() + " here), not " + threads);
        }
    }

    private boolean isList() {
        String name = input.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".parquet");
    }

    private Dataset<Row> read(SparkSession spark) {
        try {
            if (!isList()) {
                Dataset<Row> files = spark.read().format("binaryFile")
                        .option("recursiveFileLookup", "true")
                        .option("pathGlobFilter", "*.{jpg,jpeg,png,gif,bmp,JPG,JPEG,PNG,GIF,BMP}")
                        .load(input);
                return partitions == null ? files : files.repartition(partitions);
            }
            Dataset<Row> list = input.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".csv")
                    ? spark.read().option("header", "true").csv(input)
                    : spark.read().parquet(input);
            if (!Arrays.asList(list.columns()).contains(pathColumn)) {
                throw new DataException(input + " has no column '" + pathColumn + "' (columns: "
                        + String.join(", ", list.columns()) + "); name the paths' column with --path-column");
            }
            int n = partitions != null ? partitions : 4 * spark.sparkContext().defaultParallelism();
            return list.repartition(n);
        } catch (Exception e) { // Scala's AnalysisException is checked in Java but undeclared
            if (e instanceof AnalysisException a) { // a missing path, an unreadable list: the user's to fix
                throw new DataException("cannot read " + input + ": " + a.getSimpleMessage(), e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Writes Parquet beside the output and renames it into place, so no half-written output is left. */
    private void write(SparkSession spark, Dataset<Row> captions) {
        Path target = new Path(output);
        try {
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(target)) {
                throw new DataException("output " + output + " already exists; remove it or name another");
            }
            Path temp = new Path(target.getParent() == null ? new Path(".") : target.getParent(),
                    "." + target.getName() + ".tmp-" + UUID.randomUUID());
            try {
                captions.write().parquet(temp.toString());
                if (!fs.rename(temp, target)) {
                    throw new DataException("could not move the finished output into " + output + " (did it appear meanwhile?)");
                }
            } finally {
                if (fs.exists(temp)) {
                    fs.delete(temp, true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + output + ": " + e.getMessage(), e);
        }
    }
}
