package dev.kvcap.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A transposed convolution with kernel 4, stride 2, padding 1: [B, C, N, N] → [B, F, 2N, 2N].
 *
 * <p>DJL's PyTorch engine does not implement {@code deconvolution}. The parameters are those of the
 * textbook identity: an ordinary 4×4 convolution K [F, C, 4, 4] (padding 2) over the input with a
 * zero inserted after every pixel, cropped to 2N. Run that way, three products in four are with
 * inserted zeros. So each output parity is computed as its own phase instead: shifted by one
 * pixel, the output's phase (q_y, q_x) is a 2×2 convolution (padding 1) of the input itself with
 * the taps K[:, :, 1−q_y::2, 1−q_x::2]. One convolution with the four phase kernels stacked [4F,
 * C, 2, 2] gives [B, 4F, N+1, N+1]; interleaving the phases gives 2N+2 pixels a side, and dropping
 * the first and last row and column gives the output. Same result, a quarter of the products
 * (docs/BENCHMARKS.md, lever 8).
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

    /** The convolution kernel K [F, C, 4, 4]. */
    NDArray kernel() {
        return weight().getArray();
    }

    /** The bias [F]. */
    NDArray bias() {
        return conv.getParameters().get("bias").getArray();
    }

    private Parameter weight() {
        return conv.getParameters().get("weight");
    }

    /**
     * The four phase kernels stacked [4F, C, 2, 2] and the bias repeated for them [4F]: what {@link
     * #apply} convolves with. They depend on the parameters only, so they are made once per batch
     * of images, not once per step (in training, inside the gradient's graph).
     */
    NDList phaseKernels(ParameterStore ps, Device device, boolean training) {
        NDArray k = ps.getValue(weight(), device, training); // [F, C, 4, 4]
        long c = k.getShape().get(1);
        NDArray phases =
                k.reshape(filters, c, 2, 2, 2, 2) // [F, C, j_y, p_y, j_x, p_x], tap = 2j + p
                        .flip(3, 5) // phase q takes parity p = 1 − q
                        .transpose(3, 5, 0, 1, 2, 4) // [q_y, q_x, F, C, j_y, j_x]
                        .reshape(4L * filters, c, 2, 2);
        NDArray bias = ps.getValue(conv.getParameters().get("bias"), device, training).tile(4); // [4F]
        return new NDList(phases, bias);
    }

    /**
     * The transposed convolution of x [B, C, N, N] with {@link #phaseKernels}: [B, F, 2N, 2N].
     *
     * <p>While gradients are recorded the 2×2 phase convolution runs as a matrix product of the
     * kernels with the input's four shifted copies ({@link #phaseProduct}), not as libtorch's
     * convolution: on AMD EPYC CPUs with AVX-512, oneDNN's backward pass of this small convolution
     * returns non-finite gradients in a large share of calls (8 channels in, 4 out, 16×16, batch
     * 8–63; 2–3 in 4 calls at batch 24–32, docs/REAL-DATA.md), which skipped training steps and
     * made seeded runs differ. Its forward pass is right, so inference keeps the faster
     * convolution.
     */
    NDArray apply(NDArray x, NDList phaseKernels) {
        long b = x.getShape().get(0);
        long n = x.getShape().get(2);
        NDArray z =
                JniUtils.isGradMode()
                        ? phaseProduct(x, phaseKernels.get(0), phaseKernels.get(1))
                        : Ops.conv2d(x, phaseKernels.get(0), phaseKernels.get(1), new Shape(1, 1), new Shape(1, 1)); // [B, 4F, N+1, N+1]
        NDArray full =
                z.reshape(b, 2, 2, filters, n + 1, n + 1) // [B, q_y, q_x, F, j_y, j_x]
                        .transpose(0, 3, 4, 1, 5, 2) // [B, F, j_y, q_y, j_x, q_x]
                        .reshape(b, filters, 2 * n + 2, 2 * n + 2); // pixel 2j + q
        return full.get(":, :, 1:" + (2 * n + 1) + ", 1:" + (2 * n + 1));
    }

    /**
     * The 2×2 convolution with padding 1 of x [B, C, N, N] by kernels [O, C, 2, 2] plus bias [O],
     * as one product: the input padded with zeros, its four shifted (N+1)² windows stacked [B, C·4,
     * (N+1)²], multiplied by the kernels [O, C·4]. Result [B, O, N+1, N+1].
     */
    static NDArray phaseProduct(NDArray x, NDArray kernels, NDArray bias) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long n = x.getShape().get(2);
        long o = kernels.getShape().get(0);
        NDManager m = x.getManager();
        NDArray rows = m.zeros(new Shape(b, c, 1, n), x.getDataType());
        NDArray padded = NDArrays.concat(new NDList(rows, x, rows), 2); // [B, C, N+2, N]
        NDArray cols = m.zeros(new Shape(b, c, n + 2, 1), x.getDataType());
        padded = NDArrays.concat(new NDList(cols, padded, cols), 3); // [B, C, N+2, N+2]
        NDList windows = new NDList(4);
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                windows.add(padded.get(":, :, " + dy + ":" + (dy + n + 1) + ", " + dx + ":" + (dx + n + 1)));
            }
        }
        NDArray patches = NDArrays.stack(windows, 2).reshape(b, c * 4, (n + 1) * (n + 1)); // [B, C·4, (N+1)²]
        NDArray out = kernels.reshape(o, c * 4).matMul(patches); // [B, O, (N+1)²]
        return out.add(bias.reshape(o, 1)).reshape(b, o, n + 1, n + 1);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        return new NDList(apply(x, phaseKernels(ps, x.getDevice(), training)));
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
