package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Key-value memory driven by an LSTM controller (SPEC §2.2).
 *
 * <p>K slots with keys [K, E] (initialised from the embeddings of the most frequent content words,
 * so slot k "corresponds to" word k) and values. Each step the controller LSTM reads [word
 * embedding; global image vector]; its state h gives a query q = W_q h, the read weights w =
 * softmax(K q / √E) and the read r = wᵀ V. Then it writes: erase e = σ(W_e h), add a = tanh(W_a h),
 * V ← V ⊙ (1 − w eᵀ) + w aᵀ. The values therefore carry the history of the caption being written.
 *
 * <p>A <b>retrieval memory</b> ({@code model.memoryCells} > 0; docs/MEMORY-RETRIEVAL.md) has no
 * learned slots: its K cells are given per image ({@link MemoryCells}), keys the embeddings of the
 * key words of the image's nearest neighbours' captions, initial values v = tanh(W_v [key; share])
 * (the word's meaning and how many neighbours name it), and the read scores gain s·share (s
 * learned) and the empty cells' mask. The controller, the read and the write are the same.
 *
 * <p>Without the write ({@code model.memoryWrite} false) the values stay what they were at the
 * start of the caption (a retrieval memory's: the cells' meanings) and the step ends with the
 * read: no erase or add maps, a share of the memory's time per word
 * (docs/MEMORY-RETRIEVAL.md, "A memory that only reads").
 *
 * <p>Without a controller of its own ({@code model.memoryControllerDim} 0) the decoder's LSTM-1,
 * which reads the same word embedding and image vector each step, drives the memory: its state
 * h1 makes the query and the write ({@link #stepFrom}), and the memory keeps no LSTM state
 * (docs/MEMORY-RETRIEVAL.md, "LSTM-1 as the controller").
 *
 * <p>Legend: B batch, K slots, E key (= embedding) width, Dv value width, Hm controller width (the
 * decoder's H without a controller of its own), Dg global image width.
 */
public final class KeyValueMemory extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int slots;
    private final boolean retrieval;
    private final int keyDim;
    private final int valueDim;
    private final int stateDim; // the width of the state that queries and writes: the controller's Hm, or the decoder's H
    private final boolean write;
    private final Parameter keys; // learned slots only
    private final Parameter initialValues; // learned slots only
    private final Linear cellValue; // retrieval only: [key; share] → value
    private final Parameter shareWeight; // retrieval only: s
    private final LSTM controller; // null: the decoder's LSTM-1 drives the memory
    private final Linear query;
    private final Linear erase;
    private final Linear add;
    private final LstmCell controllerCell; // null without a controller of its own
    private final StepLinear queryMap;
    private final StepLinear eraseMap; // null without the write
    private final StepLinear addMap; // null without the write
    private JoinedLinear joinedWrite; // after join(), with the write: [W_erase; W_add] [2Dv, Hm]

    /**
     * @param slots learned slots K, or, with {@code retrieval}, the cells given per image
     * @param retrieval whether the cells come from outside ({@link MemoryCells}) instead of learned slots
     */
    public KeyValueMemory(int slots, boolean retrieval, int keyDim, int valueDim, int controllerDim) {
        this(slots, retrieval, keyDim, valueDim, controllerDim, true);
    }

    /** @param write whether each step writes the values back (erase and add); false: they stay as they started */
    public KeyValueMemory(int slots, boolean retrieval, int keyDim, int valueDim, int controllerDim, boolean write) {
        this(slots, retrieval, keyDim, valueDim, controllerDim, write, controllerDim);
    }

    /**
     * @param controllerDim the width Hm of the memory's own LSTM controller, or 0 for none: the
     *     decoder's LSTM-1 drives it ({@link #stepFrom})
     * @param driverDim without a controller of its own, the width of the state that drives it (the
     *     decoder's H); ignored with one
     */
    public KeyValueMemory(
            int slots, boolean retrieval, int keyDim, int valueDim, int controllerDim, boolean write, int driverDim) {
        super(VERSION);
        if (controllerDim <= 0 && driverDim <= 0) {
            throw new IllegalArgumentException("a memory without a controller of its own needs the width of the state that drives it");
        }
        this.write = write;
        this.slots = slots;
        this.retrieval = retrieval;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.stateDim = controllerDim > 0 ? controllerDim : driverDim;
        if (retrieval) {
            keys = null;
            initialValues = null;
            cellValue = addChildBlock("cell_value", Linear.builder().setUnits(valueDim).build());
            shareWeight =
                    addParameter(
                            Parameter.builder()
                                    .setName("share_weight")
                                    .setType(Parameter.Type.OTHER)
                                    .optShape(new Shape(1))
                                    .optInitializer(new ai.djl.training.initializer.ConstantInitializer(2f))
                                    .build());
        } else {
            cellValue = null;
            shareWeight = null;
            keys =
                addParameter(
                        Parameter.builder()
                                .setName("keys")
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape(slots, keyDim))
                                .optInitializer(new NormalInitializer(0.1f))
                                .build());
        initialValues =
                addParameter(
                        Parameter.builder()
                                .setName("values")
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape(slots, valueDim))
                                .optInitializer(new NormalInitializer(0.1f))
                                .build());
        }
        controller =
                controllerDim == 0
                        ? null
                        : addChildBlock(
                                "controller",
                                LSTM.builder()
                                        .setStateSize(controllerDim)
                                        .setNumLayers(1)
                                        .optBatchFirst(true)
                                        .optReturnState(true)
                                        .build());
        query = addChildBlock("query", Linear.builder().setUnits(keyDim).build());
        erase = write ? addChildBlock("erase", Linear.builder().setUnits(valueDim).build()) : null;
        add = write ? addChildBlock("add", Linear.builder().setUnits(valueDim).build()) : null;
        controllerCell = controller == null ? null : new LstmCell(controller);
        queryMap = StepLinear.of(query);
        eraseMap = write ? StepLinear.of(erase) : null;
        addMap = write ? StepLinear.of(add) : null;
    }

    /**
     * The controller's step as one product from now on ({@link LstmCell#join}: the word's columns
     * and the state; the image's come as {@link #imageGates}), and the erase and add maps as one;
     * inference only, float32.
     */
    void join() {
        if (controllerCell != null) {
            controllerCell.join(keyDim); // the word's columns; the image's are imageGates
        }
        if (write) {
            unjoinWrite();
            joinedWrite = new JoinedLinear(
                    eraseMap.weight().concat(addMap.weight(), 0), eraseMap.bias().concat(addMap.bias(), 0));
        }
    }

    private void unjoinWrite() {
        if (joinedWrite != null) {
            joinedWrite.close();
            joinedWrite = null;
        }
    }

    /**
     * The controller and the query, erase and add maps with int8 weights from now on (inference
     * only). A retrieval memory's step makes no query (it is folded into the cells' read keys,
     * {@link MemoryCells}), so its query map is not packed.
     */
    void quantize(Int8Linears linears) {
        if (controllerCell != null) {
            controllerCell.quantize(linears);
        }
        if (!retrieval) {
            queryMap.quantize(linears);
        }
        if (write) {
            eraseMap.quantize(linears);
            addMap.quantize(linears);
            unjoinWrite();
        }
    }

    /**
     * The keys parameter [K, E]; the model copies word embeddings into it at creation. Null for a
     * retrieval memory (its keys come with each image).
     */
    public Parameter keys() {
        return keys;
    }

    public int slots() {
        return slots;
    }

    /**
     * A batch's cells as every step reads them ({@link MemoryCells}; once per batch of images).
     *
     * @param words key word ids [B, K] (int64)
     * @param shares [B, K]
     * @param keys the words' embeddings [B, K, E]
     */
    MemoryCells cells(ParameterStore ps, NDArray words, NDArray shares, NDArray keys, int vocabSize, boolean training) {
        ai.djl.Device device = keys.getDevice();
        NDArray s = ps.getValue(shareWeight, device, training); // [1]
        NDArray qw = ps.getValue(query.getParameters().get("weight"), device, training); // [E, Hm]
        NDArray qb = ps.getValue(query.getParameters().get("bias"), device, training); // [E]
        return MemoryCells.of(words, shares, keys, s, qw, qb, vocabSize);
    }

    /**
     * The controller's gates from the image vector, once per image ({@link LstmCell#fixedGates}):
     * its input is [word; global], and only the word changes from step to step. Null when the
     * controller's weights are int8, or without a controller of its own.
     *
     * @param global [B, Dg]
     * @return [B, 4Hm], or null
     */
    NDArray imageGates(ParameterStore ps, NDArray global, boolean training) {
        return controllerCell == null ? null : controllerCell.fixedGates(ps, global, keyDim, training);
    }

    /** Whether the decoder's LSTM-1 drives the memory ({@link #stepFrom}) instead of a controller of its own. */
    public boolean drivenByDecoder() {
        return controller == null;
    }

    /** Whether the cells come with each image ({@link MemoryCells}) rather than being learned slots. */
    public boolean retrieval() {
        return retrieval;
    }

    /**
     * Fresh per-caption state, zero controller (none without one of its own): the learned initial
     * values for every caption, or a retrieval memory's values made from {@code cells}.
     */
    public MemoryState initialState(
            ParameterStore ps, NDManager manager, long batch, MemoryCells cells, boolean training) {
        NDArray values;
        if (retrieval) {
            if (cells == null) {
                throw new IllegalArgumentException(
                        "this model's memory reads each image's retrieved cells, and none were given");
            }
            NDArray in = cells.keys().concat(cells.shares().expandDims(2), 2); // [B, K, E + 1]
            values = cellValue.forward(ps, new NDList(in), training).head().tanh(); // [B, K, Dv]
        } else {
            NDArray v0 = ps.getValue(initialValues, manager.getDevice(), training);
            values = v0.expandDims(0).broadcast(new Shape(batch, slots, valueDim)); // [B, K, Dv]
        }
        if (controller == null) {
            return new MemoryState(values, null, null);
        }
        NDArray zeros = manager.zeros(new Shape(batch, stateDim)); // [B, Hm]
        return new MemoryState(values, zeros, zeros);
    }

    /**
     * One read-then-write step (read only, without the write).
     *
     * <p>{@code readShare} [B, K] (null for none): row b reads with the weights (1 − λ_b)·w_b +
     * readShare_b, λ_b the row's sum (at most 1). That is, a share λ_b of the read goes to slots
     * chosen from outside the model: how the memory bank's neighbours are read "through the
     * learned slots" (docs/MEMORY-BANK.md, "Reading the bank through the memory's slots"). Only
     * the read sees it: the write, and the returned weights, use w, so the caption's history in
     * the values is what it would be without.
     *
     * @param word embedding of the previous word [B, E]
     * @param global global image vector [B, Dg]
     * @param imageGates the controller's gates from {@code global} ({@link #imageGates}), or null
     *     to compute them in the step
     * @param cells a retrieval memory's cells (null for learned slots)
     * @return the read [B, Dv], the read weights [B, K] and the next state
     */
    public Read step(
            ParameterStore ps,
            NDArray word,
            NDArray global,
            NDArray imageGates,
            MemoryState state,
            NDArray readShare,
            MemoryCells cells,
            boolean training) {
        if (controller == null) {
            throw new IllegalStateException("this memory is driven by the decoder's LSTM-1: use stepFrom()");
        }
        NDList out;
        if (imageGates == null) {
            out = controllerCell.step(ps, word.concat(global, 1), state.h(), state.c(), training);
        } else if (controllerCell.joined() && !training) {
            out = controllerCell.joinedStep(new NDList(word, state.h()), state.c(), imageGates);
        } else {
            out = controllerCell.stepWithFixedGates(ps, word, imageGates, state.h(), state.c(), training);
        }
        return readAndWrite(ps, out.get(0), out.get(1), state, readShare, cells, training);
    }

    /**
     * {@link #step} of a memory without a controller of its own ({@link #drivenByDecoder}): the
     * decoder's LSTM-1 state {@code h1} [B, H] makes the query and the write.
     */
    public Read stepFrom(
            ParameterStore ps, NDArray h1, MemoryState state, NDArray readShare, MemoryCells cells, boolean training) {
        return readAndWrite(ps, h1, null, state, readShare, cells, training);
    }

    /** The read, then the write, from the driving state h [B, Hm] (c: the controller's cell state, or null). */
    private Read readAndWrite(
            ParameterStore ps, NDArray h, NDArray c, MemoryState state, NDArray readShare, MemoryCells cells, boolean training) {
        NDArray own = c == null ? null : h; // the state the memory carries: none when the decoder drives it
        NDArray scores;
        if (retrieval) { // the query map is folded into the cells' read keys (MemoryCells)
            scores = h.expandDims(1).batchMatMul(cells.readKeys()).squeeze(1).add(cells.readBias()); // [B, K]
        } else {
            NDArray q = queryMap.apply(ps, h, training); // [B, E]
            NDArray k = ps.getValue(keys, h.getDevice(), training); // [K, E]
            scores = Ops.scale(q.matMul(k.transpose()), (float) (1 / Math.sqrt(keyDim))); // [B, K]
        }
        NDArray weights = scores.softmax(-1); // [B, K]
        NDArray w = weights.expandDims(2); // [B, K, 1]
        NDArray readWeights =
                readShare == null
                        ? w
                        : weights.mul(readShare.sum(new int[] {1}, true).neg().add(1)).add(readShare).expandDims(2);
        NDArray read = readWeights.transpose(0, 2, 1).batchMatMul(state.values()).squeeze(1); // [B, Dv]
        if (!write) { // the same values, handed on (DecodeState#closeReplacedBy keeps them)
            return new Read(read, weights, new MemoryState(state.values(), own, c));
        }
        NDArray e; // erase [B, Dv]
        NDArray a; // add [B, Dv]
        if (joinedWrite != null && !training) { // joined: one product for both maps
            NDList ea = joinedWrite.apply(h).split(2, 1);
            e = ea.get(0).getNDArrayInternal().sigmoid();
            a = ea.get(1).tanh();
        } else {
            e = eraseMap.apply(ps, h, training).getNDArrayInternal().sigmoid();
            a = addMap.apply(ps, h, training).tanh();
        }
        NDArray erased = state.values().mul(w.mul(e.expandDims(1))); // [B, K, Dv]
        NDArray values = state.values().sub(erased).add(w.mul(a.expandDims(1))); // [B, K, Dv]
        return new Read(read, weights, new MemoryState(values, own, c));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("use step(); the memory is driven by the decoder");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), valueDim)};
    }

    /** Input shapes: word embedding [B, E] and global vector [B, Dg]. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        if (cellValue != null) {
            cellValue.initialize(manager, dataType, new Shape(b, slots, keyDim + 1));
        }
        if (controller != null) {
            controller.initialize(
                    manager, dataType, new Shape(b, 1, inputShapes[0].get(1) + inputShapes[1].get(1)));
        }
        Shape hidden = new Shape(b, stateDim);
        query.initialize(manager, dataType, hidden);
        if (write) {
            erase.initialize(manager, dataType, hidden);
            add.initialize(manager, dataType, hidden);
        }
    }

    /**
     * Per-caption memory: values [B, K, Dv] and controller state h, c [B, Hm] (both null when the
     * decoder's LSTM-1 drives the memory).
     */
    public record MemoryState(NDArray values, NDArray h, NDArray c) {

        /** The non-null parts: values, then h and c when the memory has a controller of its own. */
        public List<NDArray> parts() {
            return h == null ? List.of(values) : List.of(values, h, c);
        }

        /** Every part's rows through {@code rowsOf}. */
        MemoryState rows(UnaryOperator<NDArray> rowsOf) {
            return new MemoryState(rowsOf.apply(values), h == null ? null : rowsOf.apply(h), c == null ? null : rowsOf.apply(c));
        }
    }

    /** What one step read: r [B, Dv], weights [B, K], and the state after the write. */
    public record Read(NDArray read, NDArray weights, MemoryState next) {}
}
