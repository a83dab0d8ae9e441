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

/**
 * Key-value memory driven by an LSTM controller (SPEC §2.2).
 *
 * <p>K slots with keys [K, E] (initialised from the embeddings of the most frequent content words,
 * so slot k "corresponds to" word k) and values. Each step the controller LSTM reads [word
 * embedding; global image vector]; its state h gives a query q = W_q h, the read weights w =
 * softmax(K q / √E) and the read r = wᵀ V. Then it writes: erase e = σ(W_e h), add a = tanh(W_a h),
 * V ← V ⊙ (1 − w eᵀ) + w aᵀ. The values therefore carry the history of the caption being written.
 *
 * <p>Legend: B batch, K slots, E key (= embedding) width, Dv value width, Hm controller width, Dg
 * global image width.
 */
public final class KeyValueMemory extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int slots;
    private final int keyDim;
    private final int valueDim;
    private final int controllerDim;
    private final Parameter keys;
    private final Parameter initialValues;
    private final LSTM controller;
    private final Linear query;
    private final Linear erase;
    private final Linear add;
    private final LstmCell controllerCell;
    private final StepLinear queryMap;
    private final StepLinear eraseMap;
    private final StepLinear addMap;

    public KeyValueMemory(int slots, int keyDim, int valueDim, int controllerDim) {
        super(VERSION);
        this.slots = slots;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.controllerDim = controllerDim;
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
        controller =
                addChildBlock(
                        "controller",
                        LSTM.builder()
                                .setStateSize(controllerDim)
                                .setNumLayers(1)
                                .optBatchFirst(true)
                                .optReturnState(true)
                                .build());
        query = addChildBlock("query", Linear.builder().setUnits(keyDim).build());
        erase = addChildBlock("erase", Linear.builder().setUnits(valueDim).build());
        add = addChildBlock("add", Linear.builder().setUnits(valueDim).build());
        controllerCell = new LstmCell(controller);
        queryMap = StepLinear.of(query);
        eraseMap = StepLinear.of(erase);
        addMap = StepLinear.of(add);
    }

    /** The controller and the query, erase and add maps with int8 weights from now on (inference only). */
    void quantize(Int8Linears linears) {
        controllerCell.quantize(linears);
        queryMap.quantize(linears);
        eraseMap.quantize(linears);
        addMap.quantize(linears);
    }

    /** The keys parameter [K, E]; the model copies word embeddings into it at creation. */
    public Parameter keys() {
        return keys;
    }

    public int slots() {
        return slots;
    }

    /** Fresh per-caption state: the learned initial values for every caption, zero controller. */
    public MemoryState initialState(ParameterStore ps, NDManager manager, long batch, boolean training) {
        NDArray v0 = ps.getValue(initialValues, manager.getDevice(), training);
        NDArray values = v0.expandDims(0).broadcast(new Shape(batch, slots, valueDim)); // [B, K, Dv]
        NDArray zeros = manager.zeros(new Shape(batch, controllerDim)); // [B, Hm]
        return new MemoryState(values, zeros, zeros);
    }

    /**
     * One read-then-write step.
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
     * @return the read [B, Dv], the read weights [B, K] and the next state
     */
    public Read step(
            ParameterStore ps,
            NDArray word,
            NDArray global,
            MemoryState state,
            NDArray readShare,
            boolean training) {
        NDArray x = word.concat(global, 1); // [B, E + Dg]
        NDList out = controllerCell.step(ps, x, state.h(), state.c(), training);
        NDArray h = out.get(0); // [B, Hm]
        NDArray q = queryMap.apply(ps, h, training); // [B, E]
        NDArray k = ps.getValue(keys, word.getDevice(), training); // [K, E]
        NDArray scores = Ops.scale(q.matMul(k.transpose()), (float) (1 / Math.sqrt(keyDim))); // [B, K]
        NDArray weights = scores.softmax(-1); // [B, K]
        NDArray w = weights.expandDims(2); // [B, K, 1]
        NDArray readWeights =
                readShare == null
                        ? w
                        : weights.mul(readShare.sum(new int[] {1}, true).neg().add(1)).add(readShare).expandDims(2);
        NDArray read = readWeights.transpose(0, 2, 1).batchMatMul(state.values()).squeeze(1); // [B, Dv]
        NDArray e = eraseMap.apply(ps, h, training).getNDArrayInternal().sigmoid(); // [B, Dv]
        NDArray a = addMap.apply(ps, h, training).tanh(); // [B, Dv]
        NDArray erased = state.values().mul(w.mul(e.expandDims(1))); // [B, K, Dv]
        NDArray values = state.values().sub(erased).add(w.mul(a.expandDims(1))); // [B, K, Dv]
        return new Read(read, weights, new MemoryState(values, h, out.get(1)));
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
        controller.initialize(
                manager, dataType, new Shape(b, 1, inputShapes[0].get(1) + inputShapes[1].get(1)));
        Shape hidden = new Shape(b, controllerDim);
        query.initialize(manager, dataType, hidden);
        erase.initialize(manager, dataType, hidden);
        add.initialize(manager, dataType, hidden);
    }

    /** Per-caption memory: values [B, K, Dv] and controller state h, c [B, Hm]. */
    public record MemoryState(NDArray values, NDArray h, NDArray c) {}

    /** What one step read: r [B, Dv], weights [B, K], and the state after the write. */
    public record Read(NDArray read, NDArray weights, MemoryState next) {}
}
