package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A transposed convolution with kernel 4, stride 2, padding 1: [B, C, N, N] → [B, F, 2N, 2N].
 *
 * <p>DJL's PyTorch engine does not implement {@code deconvolution}, so this uses the textbook
 * identity: a stride-2 transposed convolution equals inserting a zero after every input pixel and
 * running an ordinary convolution (kernel 4, padding 4 − 1 − 1 = 2) over the result. The kernel is
 * learned, so its flip does not matter. Output row/column 2N is the padding's extra and is cropped.
 */
final class StrideTwoDeconv extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int filters;
    private final Conv2d conv;

    StrideTwoDeconv(int filters) {
        super(VERSION);
        this.filters = filters;
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(4, 4))
                                .optPadding(new Shape(2, 2))
                                .setFilters(filters)
                                .build());
    }

    /** The convolution kernel [F, C, 4, 4]. */
    NDArray kernel() {
        return conv.getParameters().get("weight").getArray();
    }

    /** The bias [F]. */
    NDArray bias() {
        return conv.getParameters().get("bias").getArray();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // [B, C, N, N]
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long n = s.get(2);
        NDArray cell = x.reshape(b, c, n, 1, n, 1);
        NDArray zeros = x.getManager().zeros(new Shape(b, c, n, 1, n, 1), x.getDataType());
        cell = cell.concat(zeros, 5); // [B, C, N, 1, N, 2]
        cell = cell.concat(cell.zerosLike(), 3); // [B, C, N, 2, N, 2]
        NDArray dilated = cell.reshape(b, c, 2 * n, 2 * n); // pixel at even rows/cols
        NDArray y = conv.forward(ps, new NDList(dilated), training).head(); // [B, F, 2N+1, 2N+1]
        return new NDList(y.get(":, :, :" + (2 * n) + ", :" + (2 * n)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), filters, 2 * s.get(2), 2 * s.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        conv.initialize(manager, dataType, new Shape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3)));
    }
}
