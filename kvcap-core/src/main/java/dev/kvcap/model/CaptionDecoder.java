package dev.kvcap.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.kvcap.config.ModelConfig;

/**
 * Two-LSTM decoder in the Up-Down arrangement (SPEC §2.4) with soft spatial attention.
 *
 * <p>LSTM-1 reads [h2(t−1); global; word] and so encodes the caption so far. Additive attention
 * scores each region from h1: e = wᵀ tanh(W_v v + W_h h1); the region weights come from {@link
 * AttentionMaps} (or a plain softmax when the maps are off). LSTM-2 reads [context; h1; memory
 * read] and its state predicts the next word.
 *
 * <p>Legend: B batch, L regions, C region width, A attention width, H LSTM width, E embedding
 * width, Dg global width, Dv memory value width, V vocabulary.
 */
public final class CaptionDecoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelConfig config;
    private final int vocabSize;
    private final LSTM lstm1;
    private final LSTM lstm2;
    private final Linear attRegion;
    private final Linear attHidden;
    private final Linear attScore;
    private final AttentionMaps maps;
    private final Linear out;
    private final LstmCell cell1;
    private final LstmCell cell2;
    private final StepLinear query; // att_hidden
    private final StepLinear words; // out

    public CaptionDecoder(ModelConfig config, int vocabSize) {
        super(VERSION);
        this.config = config;
        this.vocabSize = vocabSize;
        lstm1 = addChildBlock("lstm1", lstm(config.hiddenDim()));
        lstm2 = addChildBlock("lstm2", lstm(config.hiddenDim()));
        attRegion = addChildBlock("att_region", Linear.builder().setUnits(config.attnDim()).build());
        attHidden = addChildBlock("att_hidden", Linear.builder().setUnits(config.attnDim()).build());
        attScore = addChildBlock("att_score", Linear.builder().setUnits(1).optBias(false).build());
        maps =
                config.useDeconvMaps()
                        ? addChildBlock(
                                "maps", new AttentionMaps(config.gridSize(), config.deconvChannels()))
                        : null;
        out = addChildBlock("out", Linear.builder().setUnits(vocabSize).build());
        cell1 = new LstmCell(lstm1);
        cell2 = new LstmCell(lstm2);
        query = StepLinear.of(attHidden);
        words = StepLinear.of(out);
    }

    /**
     * Each LSTM's step as one product from now on ({@link LstmCell#join}), LSTM-1's without the
     * image vector's columns, whose gates an image's context brings ({@link #imageGates});
     * inference only, float32.
     */
    void join() {
        // LSTM-1 reads [h2, global, word]
        cell1.join(config.hiddenDim(), config.hiddenDim() + config.contextDim());
        cell2.join();
    }

    /**
     * LSTM-1's gates from the image vector [B, Dg] → [B, 4H], once per image, after {@link #join};
     * null before (the steps then multiply the image vector every word).
     */
    NDArray imageGates(ParameterStore ps, NDArray global) {
        return cell1.joined() ? cell1.fixedGates(ps, global, config.hiddenDim(), false) : null;
    }

    /**
     * Runs the step's weight matrices (both LSTMs, the attention query, the output layer) with int8
     * weights from now on ({@link Int8Linears}); inference only. The attention's region projection
     * and score vector, applied once per image or tiny, stay float32.
     */
    void quantize(Int8Linears linears) {
        cell1.quantize(linears);
        cell2.quantize(linears);
        query.quantize(linears);
        words.quantize(linears);
    }

    private static LSTM lstm(int width) {
        return LSTM.builder()
                .setStateSize(width)
                .setNumLayers(1)
                .optBatchFirst(true)
                .optReturnState(true)
                .build();
    }

    /** The deconvolution maps, or null when they are switched off. */
    AttentionMaps maps() {
        return maps;
    }

    /** Precomputes W_v v for every region once per image: [B, L, C] → [B, L, A]. */
    public NDArray projectRegions(ParameterStore ps, NDArray regions, boolean training) {
        return attRegion.forward(ps, new NDList(regions), training).head();
    }

    /** {@link AttentionMaps#kernels} once per batch of images, or null when the maps are off. */
    public NDList mapKernels(ParameterStore ps, Device device, boolean training) {
        return maps == null ? null : maps.kernels(ps, device, training);
    }

    /**
     * One decoding step.
     *
     * @param word embedding of the previous word [B, E]
     * @param ctx the encoded images
     * @param memoryRead the memory read [B, Dv], or null when the memory is off
     * @param s LSTM states h1, c1, h2, c2, each [B, H]
     */
    public Step step(
            ParameterStore ps,
            NDArray word,
            ImageContext ctx,
            NDArray memoryRead,
            NDList s,
            boolean training) {
        return attend(ps, ctx, first(ps, word, ctx, s, training), memoryRead, s, training);
    }

    /**
     * A step's first half, LSTM-1: from the previous word [B, E], the image vector and h2 to the
     * new h1, c1 [B, H] (what a memory driven by the decoder reads with; {@link #attend} goes on).
     */
    public NDList first(ParameterStore ps, NDArray word, ImageContext ctx, NDList s, boolean training) {
        if (joined(ctx, training)) {
            return cell1.joinedStep(new NDList(s.get(2), word, s.get(0)), s.get(1), ctx.decoderGates());
        }
        NDArray x1 = NDArrays.concat(new NDList(s.get(2), ctx.global(), word), 1); // [B, H + Dg + E]
        return cell1.step(ps, x1, s.get(0), s.get(1), training);
    }

    /**
     * A step's second half: attention from h1 ({@code o1}, {@link #first}), then LSTM-2 on [context;
     * h1; memory read] (the read null when the memory is off).
     */
    public Step attend(ParameterStore ps, ImageContext ctx, NDList o1, NDArray memoryRead, NDList s, boolean training) {
        NDArray h1 = o1.get(0); // [B, H]
        NDArray q = query.apply(ps, h1, training).expandDims(1); // [B, 1, A]
        NDArray logits =
                attScore.forward(ps, new NDList(ctx.regionProj().add(q).tanh()), training)
                        .head()
                        .squeeze(2); // [B, L]
        NDArray alpha;
        NDArray pixels;
        if (maps != null) {
            NDList w = maps.weights(logits, ctx.mapKernels());
            alpha = w.get(0);
            pixels = w.get(1);
        } else {
            alpha = logits.softmax(-1);
            pixels = alpha;
        }
        NDArray context = alpha.expandDims(1).batchMatMul(ctx.regions()).squeeze(1); // [B, C]

        // [B, C + H (+ Dv)]
        NDList x2 = memoryRead == null ? new NDList(context, h1) : new NDList(context, h1, memoryRead);
        NDList o2;
        if (joined(ctx, training)) {
            x2.add(s.get(2));
            o2 = cell2.joinedStep(x2, s.get(3), null);
        } else {
            o2 = cell2.step(ps, NDArrays.concat(x2, 1), s.get(2), s.get(3), training);
        }
        NDArray h2 = o2.get(0); // [B, H]
        NDArray dropped = Ops.dropout(h2, config.dropout(), training);
        return new Step(dropped, alpha, pixels, new NDList(h1, o1.get(1), h2, o2.get(1)));
    }

    /** Inference after {@link #join}, with a context made since: LSTM-1's image columns come as gates. */
    private boolean joined(ImageContext ctx, boolean training) {
        return cell1.joined() && !training && ctx.decoderGates() != null;
    }

    /**
     * Next-word logits from {@link Step#output}s: [B, H] → [B, V], or all of a caption's at once,
     * [B, T, H] → [B, T, V] (training: one product instead of one per step).
     */
    public NDArray wordLogits(ParameterStore ps, NDArray output, boolean training) {
        return words.apply(ps, output, training);
    }

    /** Zero LSTM states h1, c1, h2, c2 for a batch. */
    public NDList initialState(NDManager manager, long batch) {
        NDArray zeros = manager.zeros(new Shape(batch, config.hiddenDim()));
        return new NDList(zeros, zeros, zeros, zeros);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("use step(); see KvmCaptionModel");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), vocabSize)};
    }

    /** Input shapes: word [B, E], global [B, Dg], regions [B, L, C]. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        long e = inputShapes[0].get(1);
        long dg = inputShapes[1].get(1);
        Shape regions = inputShapes[2];
        int h = config.hiddenDim();
        lstm1.initialize(manager, dataType, new Shape(b, 1, h + dg + e));
        attRegion.initialize(manager, dataType, regions);
        attHidden.initialize(manager, dataType, new Shape(b, h));
        attScore.initialize(manager, dataType, new Shape(b, regions.get(1), config.attnDim()));
        if (maps != null) {
            maps.initialize(manager, dataType, new Shape(b, regions.get(1)));
        }
        long mem = config.useMemory() ? config.memoryValueDim() : 0;
        lstm2.initialize(manager, dataType, new Shape(b, 1, regions.get(2) + h + mem));
        out.initialize(manager, dataType, new Shape(b, h));
    }

    /**
     * One step's output: h2 after dropout [B, H] (what {@link #wordLogits} reads), region weights
     * [B, L], pixel map [B, M·M], states.
     */
    public record Step(NDArray output, NDArray alpha, NDArray pixels, NDList state) {}
}
