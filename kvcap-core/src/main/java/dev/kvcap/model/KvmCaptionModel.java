package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.kvcap.config.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Key-Value Memory captioner: {@link ImageEncoder} → {@link KeyValueMemory} → {@link
 * CaptionDecoder} (with {@link AttentionMaps}).
 *
 * <p>Two ways in: {@link #forward} runs the teacher-forced pass used in training (images [B, 3, S,
 * S] and input tokens [B, T] → logits [B, T, V]); {@link #encode}, {@link #start} and {@link #step}
 * run one word at a time for decoding. Both go through the same recurrence; the teacher-forced
 * pass applies the output layer once to all its steps.
 */
public final class KvmCaptionModel extends AbstractBlock {

    /** Bumped whenever parameter layout changes; a checkpoint with another version is refused. */
    public static final byte VERSION = 1;

    private final ModelConfig config;
    private final int vocabSize;
    private final ImageEncoder encoder;
    private final WordEmbedding embedding;
    private final KeyValueMemory memory;
    private final CaptionDecoder decoder;
    private final Linear globalProj;
    private final Linear copyGate; // retrieval memory only: how much the step copies a cell's word
    private final StepLinear copyGateMap; // the same, as the step runs it
    private TensorCasts casts; // null: the encoder runs as trained (float32, NCHW)
    private boolean joined; // joinSteps() was called: inference only
    private TensorCasts trainingCasts; // null: training runs in float32

    public KvmCaptionModel(ModelConfig config, int vocabSize) {
        super(VERSION);
        this.config = config.validate();
        this.vocabSize = vocabSize;
        encoder = addChildBlock("encoder", new ImageEncoder(config));
        embedding = addChildBlock("embedding", new WordEmbedding(vocabSize, config.embedDim()));
        memory =
                config.useMemory()
                        ? addChildBlock(
                                "memory",
                                new KeyValueMemory(
                                        config.retrievalMemory() ? config.memoryCells() : config.memorySlots(),
                                        config.retrievalMemory(),
                                        config.embedDim(),
                                        config.memoryValueDim(),
                                        config.memoryControllerDim(),
                                        config.memoryWrite(),
                                        config.hiddenDim()))
                        : null;
        decoder = addChildBlock("decoder", new CaptionDecoder(config, vocabSize));
        globalProj =
                config.globalProj() > 0
                        ? addChildBlock("global_proj", Linear.builder().setUnits(config.globalProj()).build())
                        : null;
        copyGate =
                config.retrievalMemory()
                        ? addChildBlock("copy_gate", Linear.builder().setUnits(1).build())
                        : null;
        copyGateMap = copyGate == null ? null : StepLinear.of(copyGate);
        setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    }

    public ModelConfig config() {
        return config;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public ImageEncoder encoder() {
        return encoder;
    }

    /** The [V, E] word table; its rows are the vocabulary the weights were trained with. */
    public WordEmbedding wordEmbedding() {
        return embedding;
    }

    /** Allocates every parameter (random initialisation from the engine's seeded generator). */
    public void initialize(NDManager manager) {
        int s = config.imageSize();
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s), new Shape(1, 2));
        if (decoder.maps() != null) {
            decoder.maps().initBilinear();
        }
    }

    /**
     * Sets memory key k to the embedding of word {@code wordIds[k]} (SPEC §2.2: keys correspond to
     * key words). Slots beyond the list keep their random keys.
     */
    public void initMemoryKeys(int[] wordIds) {
        if (memory == null || memory.retrieval() || wordIds.length == 0) {
            return;
        }
        NDArray table = embedding.weight().getArray();
        NDArray keys = memory.keys().getArray();
        int n = Math.min(wordIds.length, memory.slots());
        for (int k = 0; k < n; k++) {
            keys.set(new ai.djl.ndarray.index.NDIndex(k), table.get(wordIds[k]));
        }
    }

    /**
     * Runs the encoder through {@code casts} from now on ({@link TensorCasts#channelsLast()} or
     * {@link TensorCasts#bf16()}): its parameters are converted in place, and every {@link #encode}
     * converts the images in and the regions and global vector out, so the decoder is unchanged.
     * Inference only; irreversible for this instance (a later call converts further). Measured
     * effect and caption agreement: docs/BF16.md.
     */
    public void encodeWith(TensorCasts casts) {
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.intern(casts.in(a)); // same NDArray object (the Parameter keeps it), new storage
        }
        this.casts = casts;
    }

    /**
     * Trains the encoder's convolution stages through {@code casts} from now on ({@link
     * TensorCasts#bf16()}: mixed precision, with the parameters, their gradients and the optimiser
     * in float32; {@link ImageEncoder#mixed}); null trains in float32 again. Inference is
     * unaffected. Measured effect and quality: docs/BENCHMARKS.md, lever 11.
     */
    public void trainWith(TensorCasts casts) {
        this.trainingCasts = casts;
    }

    /**
     * Inference only, float32: each LSTM's step (the decoder's two, the memory's controller) makes
     * one product of its input and state from now on, from the weights as they are now ({@link
     * LstmCell#join}). The same function in another summation order, with fewer libtorch calls a
     * word. Not for a model that will train again.
     */
    public void joinSteps() {
        decoder.join();
        if (memory != null) {
            memory.join();
        }
        joined = true;
    }

    /**
     * Runs the decoding step's weight matrices with int8 weights from now on, packed from the
     * current parameters by {@code linears} (which owns them): both LSTMs, the attention query and
     * the output layer of the decoder, the memory's controller and its query, erase and add maps.
     * What runs once per image (region projection, global projection) stays float32, as do the
     * parameters themselves and so a saved model. Inference only; undoes {@link #joinSteps} (the
     * model stays one that cannot train).
     * Measured effect and caption agreement: docs/BENCHMARKS.md, lever 12.
     */
    public void decodeWith(Int8Linears linears) {
        decoder.quantize(linears);
        if (memory != null) {
            memory.quantize(linears);
        }
    }

    /** The conversions {@link #encodeWith} applied last, or null. */
    public TensorCasts encoderCasts() {
        return casts;
    }

    /** Encodes images [B, 3, S, S] once for decoding: {@link #features}, then {@link #context}. */
    public ImageContext encode(ParameterStore ps, NDArray images, boolean training) {
        return encode(ps, images, null, training);
    }

    /**
     * {@link #encode} with a retrieval memory's cells: key word ids [B, K] (int64) and their shares
     * [B, K] ({@link dev.kvcap.data.CellIndex}); null for a model without one.
     */
    public ImageContext encode(ParameterStore ps, NDArray images, NDList cells, boolean training) {
        NDList f = features(ps, images, training);
        return context(ps, f.get(0), f.get(1), cells, training);
    }

    /** Whether decoding needs each image's retrieved cells ({@code model.memoryCells} > 0). */
    public boolean readsCells() {
        return copyGate != null;
    }

    /**
     * The image encoder alone: regions [B, L, C] and the global vector [B, Dg] (before {@code
     * globalProj}). With the encoder frozen these are all training needs of an image, so they can
     * be computed once and cached ({@code train --freeze-encoder}).
     */
    public NDList features(ParameterStore ps, NDArray images, boolean training) {
        if (casts != null && training) {
            throw new IllegalStateException("a model converted for inference (" + casts + ") cannot train");
        }
        NDList enc;
        if (training && trainingCasts != null) {
            enc = encoder.mixed(ps, images, trainingCasts, true);
        } else {
            NDArray input = casts == null ? images : casts.in(images);
            enc = encoder.forward(ps, new NDList(input), training);
        }
        NDArray regions = casts == null ? enc.get(0) : casts.out(enc.get(0)); // [B, L, C]
        NDArray global = casts == null ? enc.get(1) : casts.out(enc.get(1)); // [B, Dg]
        return new NDList(regions, global);
    }

    /**
     * What every decoding step reads of the images, from the encoder's {@link #features}: the
     * global vector's projection (when configured), the regions' attention projection and the
     * attention maps' kernels.
     *
     * @param regions [B, L, C]
     * @param global [B, Dg]
     */
    public ImageContext context(ParameterStore ps, NDArray regions, NDArray global, boolean training) {
        return context(ps, regions, global, null, training);
    }

    /**
     * {@link #context} with a retrieval memory's cells: key word ids [B, K] (int64) and shares [B,
     * K]; ignored unless the model {@link #readsCells}, and then needed to decode ({@link #start}
     * refuses a context without them; its global vector alone is fine).
     */
    public ImageContext context(
            ParameterStore ps, NDArray regions, NDArray global, NDList cells, boolean training) {
        MemoryCells memoryCells = null;
        if (readsCells() && cells != null) {
            NDArray keys = embedding.forward(ps, new NDList(cells.get(0)), training).head(); // [B, K, E]
            memoryCells = memory.cells(ps, cells.get(0), cells.get(1), keys, vocabSize, training);
        }
        if (globalProj != null) {
            global = globalProj.forward(ps, new NDList(global), training).head(); // [B, P], once
        }
        return new ImageContext(
                regions,
                decoder.projectRegions(ps, regions, training),
                global,
                decoder.mapKernels(ps, global.getDevice(), training),
                memoryCells,
                memory == null ? null : memory.imageGates(ps, global, training),
                training ? null : decoder.imageGates(ps, global));
    }

    /** The state before the first word. */
    public DecodeState start(ParameterStore ps, ImageContext ctx, boolean training) {
        NDManager manager = ctx.global().getManager();
        long b = ctx.batchSize();
        KeyValueMemory.MemoryState mem =
                memory == null ? null : memory.initialState(ps, manager, b, ctx.cells(), training);
        return new DecodeState(decoder.initialState(manager, b), mem);
    }

    /**
     * One word: from the previous word ids [B] to next-word logits [B, V].
     *
     * @param words previous word ids [B] (int32/int64)
     */
    public StepOutput step(
            ParameterStore ps, ImageContext ctx, NDArray words, DecodeState state, boolean training) {
        return step(ps, ctx, words, state, null, training);
    }

    /**
     * {@link #step(ParameterStore, ImageContext, NDArray, DecodeState, boolean)} with a share of the
     * memory's read [B, K] given from outside ({@link KeyValueMemory#step(ParameterStore, NDArray,
     * NDArray, KeyValueMemory.MemoryState, NDArray, boolean)}); null, or a model without memory,
     * ignores it.
     */
    public StepOutput step(
            ParameterStore ps,
            ImageContext ctx,
            NDArray words,
            DecodeState state,
            NDArray memoryReadShare,
            boolean training) {
        NDArray emb = embedding.forward(ps, new NDList(words), training).head(); // [B, E]
        Advanced a = advance(ps, ctx, emb, state, memoryReadShare, training);
        CaptionDecoder.Step s = a.step();
        NDArray logits = decoder.wordLogits(ps, s.output(), training); // [B, V]
        if (copyGate != null) {
            logits = copied(ps, logits, s.output(), a.memoryWeights(), ctx.cells(), training);
        }
        return new StepOutput(logits, s.alpha(), s.pixels(), a.memoryWeights(), a.state());
    }

    /** Learned memory slots (0 when the model has no memory, or a retrieval memory). */
    public int memorySlots() {
        return memory == null || memory.retrieval() ? 0 : memory.slots();
    }

    /**
     * A retrieval memory's copy: the word logits plus g · Σ_k w_k onehot(word_k), g = softplus(W_g
     * h2) ≥ 0 the step's copy gate and w the memory's read weights, so reading a cell raises its
     * word.
     *
     * @param logits [B, V] or [B, T, V]
     * @param output the decoder's outputs h2 [B, H] or [B, T, H]
     * @param weights the memory's read weights [B, K] or [B, T, K]
     */
    private NDArray copied(ParameterStore ps, NDArray logits, NDArray output, NDArray weights, MemoryCells cells, boolean training) {
        NDArray gate = ai.djl.nn.Activation.softPlus(copyGateMap.apply(ps, output, training)); // [B, (T,) 1]
        NDArray w = weights.mul(gate); // [B, (T,) K]
        if (weights.getShape().dimension() == 3) { // a teacher-forced pass
            // SCST's loss runs it without dropout (training false) while recording gradients, which
            // need the product; validation and --rerank record none and write at the cells' words
            return JniUtils.isGradMode() ? cells.copyInto(logits, w) : cells.copyStep(logits, w); // [B, T, V]
        }
        if (training) {
            return cells.copyInto(logits.expandDims(1), w.expandDims(1)).squeeze(1); // [B, V]
        }
        return cells.copyStep(logits, w); // [B, V]
    }

    /** One word with its embedding [B, E] given, up to the decoder's output (no word logits yet). */
    private Advanced advance(
            ParameterStore ps,
            ImageContext ctx,
            NDArray emb,
            DecodeState state,
            NDArray memoryReadShare,
            boolean training) {
        // training only, not grad mode: that is on in every thread but the engine's first
        if (joined && training) {
            throw new IllegalStateException("a model whose steps were joined for inference (joinSteps) cannot train");
        }
        NDArray x = Ops.dropout(emb, config.dropout(), training);
        if (memory == null) {
            CaptionDecoder.Step s = decoder.step(ps, x, ctx, null, state.lstm(), training);
            return new Advanced(s, null, new DecodeState(s.state(), null));
        }
        KeyValueMemory.Read r;
        CaptionDecoder.Step s;
        if (memory.drivenByDecoder()) { // LSTM-1's new state reads and writes the memory
            NDList o1 = decoder.first(ps, x, ctx, state.lstm(), training);
            r = memory.stepFrom(ps, o1.get(0), state.memory(), memoryReadShare, ctx.cells(), training);
            s = decoder.attend(ps, ctx, o1, r.read(), state.lstm(), training);
        } else {
            r = memory.step(ps, emb, ctx.global(), ctx.memoryGates(), state.memory(), memoryReadShare, ctx.cells(), training);
            s = decoder.step(ps, x, ctx, r.read(), state.lstm(), training);
        }
        return new Advanced(s, r.weights(), new DecodeState(s.state(), r.next()));
    }

    private record Advanced(CaptionDecoder.Step step, NDArray memoryWeights, DecodeState state) {}

    /** Teacher-forced pass: inputs images [B, 3, S, S] and tokens [B, T]; output logits [B, T, V]. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(teacherForced(ps, inputs.get(0), inputs.get(1), training, false).get(0));
    }

    /**
     * The decoder's state h2 before each word of given captions: the keys under which the memory
     * bank stores what word came next. Inference only.
     *
     * @param tokens input tokens [B, T] ({@code <start>} w1 … wn)
     * @return h2 [B, T, H]; row t is the state that predicts token t+1
     */
    public NDArray decoderStates(ParameterStore ps, NDArray images, NDArray tokens) {
        return teacherForced(ps, images, tokens, false, true).get(1);
    }

    /** Logits [B, T, V] and, when asked, the states h2 [B, T, H] of every step. */
    private NDList teacherForced(
            ParameterStore ps, NDArray images, NDArray tokens, boolean training, boolean states) {
        return teacherForced(ps, encode(ps, images, training), tokens, training, states);
    }

    /**
     * The teacher-forced pass from encoded images: input tokens [B, T] → logits [B, T, V]. What
     * {@link #forward} computes after encoding; training from cached {@link #features} and
     * self-critical training (which scores sampled captions) call it directly.
     */
    public NDArray logits(ParameterStore ps, ImageContext ctx, NDArray tokens, boolean training) {
        return teacherForced(ps, ctx, tokens, training, false).get(0);
    }

    private NDList teacherForced(
            ParameterStore ps, ImageContext ctx, NDArray tokens, boolean training, boolean states) {
        NDArray emb = embedding.forward(ps, new NDList(tokens), training).head(); // [B, T, E]
        DecodeState state = start(ps, ctx, training);
        long steps = tokens.getShape().get(1);
        List<NDArray> outputs = new ArrayList<>();
        List<NDArray> h2 = new ArrayList<>();
        List<NDArray> reads = new ArrayList<>();
        for (long t = 0; t < steps; t++) {
            Advanced a = advance(ps, ctx, emb.get(":, " + t), state, null, training);
            outputs.add(a.step().output()); // [B, H]
            if (copyGate != null) {
                reads.add(a.memoryWeights()); // [B, K]
            }
            if (states) {
                h2.add(a.state().lstm().get(2)); // [B, H]
            }
            state = a.state();
        }
        // The output layer once for all steps: one [B·T, H] × [H, V] product (and one for each
        // gradient) instead of T small ones.
        NDArray stacked = NDArrays.stack(new NDList(outputs), 1); // [B, T, H]
        NDArray logits = decoder.wordLogits(ps, stacked, training); // [B, T, V]
        if (copyGate != null) {
            logits = copied(ps, logits, stacked, NDArrays.stack(new NDList(reads), 1), ctx.cells(), training);
        }
        NDList result = new NDList(logits);
        if (states) {
            result.add(NDArrays.stack(new NDList(h2), 1)); // [B, T, H]
        }
        return result;
    }

    /**
     * Each token's log-probability when sequences of different lengths are read teacher-forced
     * (inference only): what {@link #logits} gives for a padded batch, without the padding's work.
     * The rows are read longest first, and at each step only the rows still running are stepped,
     * so a batch of one long and many short captions (a rerank's candidates) costs the sum of
     * their lengths, not the longest length times their number.
     *
     * @param ctx the images read
     * @param image per row, its image's row of {@code ctx}
     * @param inputs per row its input tokens ({@code <start>} w1 … wn), at least one
     * @param targets per row the token each input predicts (w1 … wn {@code <end>}), as many as its inputs
     * @return per row, log p(target t | inputs up to t, image) for each t
     */
    public float[][] tokenLogProbabilities(ParameterStore ps, ImageContext ctx, long[] image, int[][] inputs, int[][] targets) {
        int c = inputs.length;
        Integer[] order = new Integer[c];
        for (int i = 0; i < c; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(inputs[b].length, inputs[a].length)); // stable: ties keep their order
        int steps = inputs[order[0]].length;
        NDManager manager = ctx.global().getManager();
        int[] padded = new int[c * steps];
        long[] sorted = new long[c]; // the image of each row, longest first
        for (int r = 0; r < c; r++) {
            sorted[r] = image[order[r]];
            System.arraycopy(inputs[order[r]], 0, padded, r * steps, inputs[order[r]].length);
        }
        ImageContext rows = ctx.rows(manager.create(sorted));
        NDArray emb = embedding.forward(ps, new NDList(manager.create(padded, new Shape(c, steps)).toType(DataType.INT64, false)), false).head();
        DecodeState state = start(ps, rows, false);
        List<NDArray> outputs = new ArrayList<>();
        List<NDArray> reads = new ArrayList<>();
        int total = Arrays.stream(inputs).mapToInt(in -> in.length).sum(); // N
        long[] outputRow = new long[total]; // per output, step after step: its sorted row
        long[] target = new long[total]; // and the token it predicts
        int n = 0;
        int running = c;
        for (int t = 0; t < steps; t++) {
            while (inputs[order[running - 1]].length <= t) {
                running--; // the shortest rows have ended: step only the first `running`
            }
            ImageContext live = rows.prefix(running);
            Advanced a = advance(ps, live, emb.get("0:" + running + ", " + t), state.prefix(running), null, false);
            outputs.add(a.step().output()); // [running, H]
            if (copyGate != null) {
                reads.add(a.memoryWeights()); // [running, K]
            }
            for (int r = 0; r < running; r++, n++) {
                outputRow[n] = r;
                target[n] = targets[order[r]][t];
            }
            state = a.state();
        }
        NDArray stacked = NDArrays.concat(new NDList(outputs), 0); // [N, H]
        NDArray logits = decoder.wordLogits(ps, stacked, false); // [N, V]
        if (copyGate != null) {
            NDArray cellRows = manager.create(outputRow);
            logits = copied(ps, logits, stacked, NDArrays.concat(new NDList(reads), 0), rows.cells().copyRows(cellRows), false);
        }
        float[] logp = logits.logSoftmax(-1).gather(manager.create(target, new Shape(total, 1)), -1).toFloatArray(); // [N]
        float[][] out = new float[c][];
        for (int i = 0; i < c; i++) {
            out[i] = new float[inputs[i].length];
        }
        n = 0;
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < c && inputs[order[r]].length > t; r++) {
                out[order[r]][t] = logp[n++];
            }
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[1].get(1), vocabSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        encoder.initialize(manager, dataType, inputShapes[0]);
        Shape[] enc = encoder.getOutputShapes(new Shape[] {inputShapes[0]});
        embedding.initialize(manager, dataType, new Shape(b));
        Shape word = new Shape(b, config.embedDim());
        if (globalProj != null) {
            globalProj.initialize(manager, dataType, enc[1]);
        }
        if (copyGate != null) {
            copyGate.initialize(manager, dataType, new Shape(b, config.hiddenDim()));
        }
        Shape context = new Shape(b, config.contextDim());
        if (memory != null) {
            memory.initialize(manager, dataType, word, context);
        }
        decoder.initialize(manager, dataType, word, context, enc[0]);
    }

    /**
     * One step's output.
     *
     * @param logits next-word logits [B, V]
     * @param alpha region weights [B, L]
     * @param pixels attention heat-map [B, M·M]
     * @param memoryWeights memory read weights [B, K], or null without memory
     */
    public record StepOutput(
            NDArray logits, NDArray alpha, NDArray pixels, NDArray memoryWeights, DecodeState state) {}
}
