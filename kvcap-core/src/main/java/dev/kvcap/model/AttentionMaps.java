package dev.kvcap.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Deconvolution attention maps (SPEC §2.5): the decoder's attention logits over the G×G grid are
 * lifted by two stride-2 transposed convolutions (kernel 4, padding 1) to 4G×4G and normalised by a
 * softmax over pixels. That pixel map is the model's "where it looked" picture; summing it over
 * each 4×4 block gives the region weights the decoder actually uses, so the deconvolutions are
 * trained by the caption loss itself.
 *
 * <p>Legend: B batch, G grid side, L = G² regions, M = 4G map side.
 */
public final class AttentionMaps extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int grid;
    private final StrideTwoDeconv up1;
    private final StrideTwoDeconv up2;

    public AttentionMaps(int grid, int channels) {
        super(VERSION);
        this.grid = grid;
        up1 = addChildBlock("deconv1", new StrideTwoDeconv(channels));
        up2 = addChildBlock("deconv2", new StrideTwoDeconv(1));
    }

    /**
     * Starts both deconvolutions as bilinear ×2 upsampling, so the pixel map begins as a smooth
     * ×4 upsampling of the logits (channel 0 carries the positive part, channel 1 the negative
     * part through the ReLU) instead of random checkerboard noise. Training may move away from it.
     */
    public void initBilinear() {
        float[] k1 = {0.25f, 0.75f, 0.75f, 0.25f};
        float[] kernel = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                kernel[y * 4 + x] = k1[y] * k1[x];
            }
        }
        NDArray w1 = up1.kernel(); // [C, 1, 4, 4]
        NDArray w2 = up2.kernel(); // [1, C, 4, 4]
        int channels = (int) w1.getShape().get(0);
        float[] a = new float[channels * 16];
        float[] b = new float[channels * 16];
        for (int i = 0; i < 16; i++) {
            a[i] = kernel[i];
            b[i] = kernel[i];
            if (channels > 1) {
                a[16 + i] = -kernel[i];
                b[16 + i] = -kernel[i];
            }
        }
        Ops.assign(w1, a);
        Ops.assign(w2, b);
        Ops.assign(up1.bias(), new float[channels]);
        Ops.assign(up2.bias(), new float[1]);
    }

    /**
     * Both deconvolutions' phase kernels ({@link StrideTwoDeconv#phaseKernels}): made once per batch
     * of images and passed to every step's {@link #weights}.
     */
    public NDList kernels(ParameterStore ps, Device device, boolean training) {
        NDList k = up1.phaseKernels(ps, device, training);
        k.addAll(up2.phaseKernels(ps, device, training));
        return k;
    }

    /**
     * @param logits attention logits [B, L]
     * @param kernels {@link #kernels}
     * @return region weights [B, L] (sum to 1) and the pixel map [B, M·M] (sums to 1)
     */
    public NDList weights(NDArray logits, NDList kernels) {
        long b = logits.getShape().get(0);
        NDArray x = logits.reshape(b, 1, grid, grid);
        x = up1.apply(x, kernels.subNDList(0, 2)).getNDArrayInternal().relu();
        x = up2.apply(x, kernels.subNDList(2, 4)); // [B, 1, M, M]
        NDArray pixels = x.reshape(b, -1).softmax(-1); // [B, M·M]
        NDArray regions = pixels.reshape(b, grid, 4, grid, 4).sum(new int[] {2, 4}).reshape(b, -1);
        return new NDList(regions, pixels);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray logits = inputs.head();
        return weights(logits, kernels(ps, logits.getDevice(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, (long) grid * grid), new Shape(b, 16L * grid * grid)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        Shape in = new Shape(b, 1, grid, grid);
        up1.initialize(manager, dataType, in);
        up2.initialize(manager, dataType, up1.getOutputShapes(new Shape[] {in})[0]);
    }
}
