package dev.kvcap.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A Spark ML {@link Transformer} that captions the images of a DataFrame with a kvcap model. The
 * image column ({@link #inputCol()}, default {@code content}) holds a path (string), the encoded
 * file (binary: the {@code binaryFile} source's {@code content}) or the {@code image} source's
 * struct. It adds, after the input's columns:
 *
 * <ul>
 *   <li>{@code caption} (string): the best caption, null when the image could not be captioned;
 *   <li>{@code log_prob} (double): the caption's log-probability (the sum over its words and the
 *       end token), null likewise;
 *   <li>{@code tokens} (array of strings), only with {@link #setTokens}: the caption's words;
 *   <li>{@code error} (string): why the image has no caption (unreadable, not an image, …), else
 *       null. A bad image never fails the task.
 * </ul>
 *
 * <p>Each executor loads the model once ({@link ExecutorCaptioners}); each partition is captioned
 * in batches of {@link #batchSize()} through the core's batched beam search.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("hdfs:///photos");
 * Dataset<Row> captions = new CaptionTransformer().setModel("kvcap-model").transform(images);
 * }</pre>
 */
public final class CaptionTransformer extends Transformer {

    private static final long serialVersionUID = 1L;

    /** The output columns, in order ({@code tokens} only when asked for). */
    public static final String CAPTION = "caption";
    public static final String LOG_PROB = "log_prob";
    public static final String TOKENS = "tokens";
    public static final String ERROR = "error";

    private final String uid;
    private final Param<String> model;
    private final Param<String> inputCol;
    private final IntParam batchSize;
    private final IntParam beamSize;
    private final BooleanParam tokens;

    public CaptionTransformer() {
        this(Identifiable$.MODULE$.randomUID("kvcapCaption"));
    }

    public CaptionTransformer(String uid) {
        this.uid = uid;
        model = new Param<>(this, "model",
                "the kvcap model directory, as every executor can find it: a shared path, or the name an archive was shipped under");
        inputCol = new Param<>(this, "inputCol", "the image column: a path, the encoded file, or the image source's struct");
        batchSize = new IntParam(this, "batchSize", "images per captioning call", ParamValidators.gtEq(1));
        beamSize = new IntParam(this, "beamSize", "beam width; 0 for the model's own", ParamValidators.gtEq(0));
        tokens = new BooleanParam(this, "tokens", "also add the caption's words as an array column");
        setDefault(inputCol, "content");
        // 16: the batch evaluate's throughput levels off at on a CPU, and a small partition's tail
        // is not held back long.
        setDefault(batchSize, 16);
        setDefault(beamSize, 0);
        setDefault(tokens, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam beamSize() {
        return beamSize;
    }

    public BooleanParam tokens() {
        return tokens;
    }

    public CaptionTransformer setModel(String value) {
        set(model, value);
        return this;
    }

    public CaptionTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public CaptionTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public CaptionTransformer setBeamSize(int value) {
        set(beamSize, value);
        return this;
    }

    public CaptionTransformer setTokens(boolean value) {
        set(tokens, value);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> rows = dataset.toDF();
        PartitionCaptioner captioner = new PartitionCaptioner(
                getOrDefault(model),
                ImageColumn.of(rows.schema(), getOrDefault(inputCol)),
                (Integer) getOrDefault(batchSize),
                (Integer) getOrDefault(beamSize),
                (Boolean) getOrDefault(tokens),
                new SerializableConfiguration(rows.sparkSession().sparkContext().hadoopConfiguration()));
        return rows.mapPartitions(captioner, Encoders.row(out));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(model)) {
            throw new IllegalArgumentException("no model: call setModel with the kvcap model directory");
        }
        ImageColumn.of(schema, getOrDefault(inputCol)); // refuses a missing or unusable column
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        List<String> added = new ArrayList<>(List.of(CAPTION, LOG_PROB));
        fields.add(DataTypes.createStructField(CAPTION, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(LOG_PROB, DataTypes.DoubleType, true));
        if ((Boolean) getOrDefault(tokens)) {
            fields.add(DataTypes.createStructField(TOKENS, DataTypes.createArrayType(DataTypes.StringType, false), true));
            added.add(TOKENS);
        }
        fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        added.add(ERROR);
        for (String name : added) {
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the input already has a column '" + name
                        + "', which captioning adds; drop or rename it first");
            }
        }
        return DataTypes.createStructType(fields);
    }

    @Override
    public CaptionTransformer copy(ParamMap extra) {
        return (CaptionTransformer) defaultCopy(extra);
    }
}
