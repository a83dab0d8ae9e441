package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Integer word ids to vectors: one trainable table of shape [V, E]. (DJL's own embedding blocks
 * want a string vocabulary; ours is already ids.)
 *
 * <p>Input: ids of any shape [...] (int32 or int64). Output: [..., E].
 */
public final class WordEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final Parameter weight;

    public WordEmbedding(int vocabSize, int dim) {
        super(VERSION);
        this.dim = dim;
        this.weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(vocabSize, dim))
                                .build());
    }

    /** The [V, E] table itself (memory keys are initialised from some of its rows). */
    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray table = ps.getValue(weight, ids.getDevice(), training);
        return ids.getNDArrayInternal().embedding(ids, table, ai.djl.ndarray.types.SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }

    @Override
    protected void initializeChildBlocks(
            ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {}
}
