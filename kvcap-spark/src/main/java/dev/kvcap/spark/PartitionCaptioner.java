package dev.kvcap.spark;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.DataException;
import dev.kvcap.infer.Captioner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Captions one partition: reads up to {@code batch} images, captions them in one call of the
 * executor's {@link Captioner} (the core's batched beam search), emits their rows, and goes on;
 * the partition is never held in memory whole. Each output row is the input row followed by
 * caption, log_prob, [tokens,] error. An image that cannot be read or decoded gets a null caption
 * and its reason in error; a batch whose captioning fails gets the failure in error on each of its
 * rows. Neither fails the task.
 */
final class PartitionCaptioner implements MapPartitionsFunction<Row, Row>, Serializable {

    private static final long serialVersionUID = 1L;

    private final String model;
    private final ImageColumn column;
    private final int batch;
    private final int beam; // 0: the model's own
    private final boolean tokens;
    private final SerializableConfiguration hadoop;

    PartitionCaptioner(String model, ImageColumn column, int batch, int beam, boolean tokens, SerializableConfiguration hadoop) {
        this.model = model;
        this.column = column;
        this.batch = batch;
        this.beam = beam;
        this.tokens = tokens;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private final List<Row> ready = new ArrayList<>();
            private int next;
            private long seen;

            @Override
            public boolean hasNext() {
                if (next == ready.size() && rows.hasNext()) {
                    ready.clear();
                    next = 0;
                    captionNextBatch();
                }
                return next < ready.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(next++);
            }

            private void captionNextBatch() {
                Captioner captioner = ExecutorCaptioners.get(model);
                List<Row> inputs = new ArrayList<>();
                List<byte[]> pixels = new ArrayList<>();
                List<String> errors = new ArrayList<>();
                while (inputs.size() < batch && rows.hasNext()) {
                    Row row = rows.next();
                    String name = column.name(row, seen++);
                    inputs.add(row);
                    try {
                        pixels.add(captioner.prepare(column.read(row, name, hadoop.value())));
                        errors.add(null);
                    } catch (DataException e) {
                        errors.add(e.getMessage());
                    } catch (RuntimeException e) { // a decoder's own failure: still this image's, not the task's
                        errors.add(name + ": could not be decoded: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " " + e.getMessage()));
                    }
                }
                List<Captioner.Caption> captions = List.of();
                String batchError = null;
                if (!pixels.isEmpty()) {
                    try {
                        captions = captioner.caption(pixels, decode(captioner), false);
                    } catch (RuntimeException e) {
                        batchError = "captioning failed: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " " + e.getMessage());
                    }
                }
                for (int i = 0, c = 0; i < inputs.size(); i++) {
                    String error = errors.get(i);
                    if (error == null && batchError != null) {
                        error = batchError;
                    }
                    ready.add(error == null ? captioned(inputs.get(i), captions.get(c++)) : failed(inputs.get(i), error));
                }
            }
        };
    }

    private DecodeConfig decode(Captioner captioner) {
        return beam > 0 ? captioner.defaults().withBeamSize(beam) : captioner.defaults();
    }

    private Row captioned(Row in, Captioner.Caption c) {
        return append(in, c.text(), c.best().logProb(), tokens ? c.words().toArray(new String[0]) : null, null);
    }

    private Row failed(Row in, String error) {
        return append(in, null, null, null, error);
    }

    private Row append(Row in, String caption, Double logProb, String[] words, String error) {
        int n = in.size();
        Object[] values = new Object[n + (tokens ? 4 : 3)];
        for (int i = 0; i < n; i++) {
            values[i] = in.get(i);
        }
        values[n] = caption;
        values[n + 1] = logProb;
        if (tokens) {
            values[n + 2] = words;
        }
        values[values.length - 1] = error;
        return RowFactory.create(values);
    }
}
