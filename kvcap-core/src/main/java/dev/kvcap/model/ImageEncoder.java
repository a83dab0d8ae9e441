package dev.kvcap.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.kvcap.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * VGG-style CNN encoder: stages of 3×3 convolutions + ReLU (+ optional batch norm), each ending in
 * a 2×2 max pool; then fully connected layers on the flattened grid give the global vector.
 *
 * <p>Child names follow VGG's: {@code conv{stage}_{i}} (1-based, e.g. {@code conv1_1}), {@code
 * bn{stage}_{i}}, {@code fc{j}}. {@link EncoderWeights} imports weights under those names.
 *
 * <p>Shapes: input images [B, 3, S, S]; output regions [B, L, C] (L = G², G = S / 2^stages, C the
 * last stage width) and global [B, Dg].
 */
public final class ImageEncoder extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final Shape STRIDE = new Shape(1, 1);
    private static final Shape PADDING = new Shape(1, 1);

    private final ModelConfig config;
    private final List<Block> convs = new ArrayList<>();
    private final List<Parameter> convWeights = new ArrayList<>();
    private final List<Parameter> convBiases = new ArrayList<>();
    private final List<Block> norms = new ArrayList<>();
    private final List<Integer> stageEnds = new ArrayList<>();
    private final List<Block> fcs = new ArrayList<>();

    public ImageEncoder(ModelConfig config) {
        super(VERSION);
        this.config = config;
        for (int s = 0; s < config.stages(); s++) {
            for (int i = 0; i < config.convsPerStage().get(s); i++) {
                String suffix = (s + 1) + "_" + (i + 1);
                Conv2d conv =
                        addChildBlock(
                                "conv" + suffix,
                                Conv2d.builder()
                                        .setKernelShape(new Shape(3, 3))
                                        .optPadding(PADDING)
                                        .setFilters(config.encoderWidths().get(s))
                                        .build());
                convs.add(conv);
                // run() convolves with these directly (optionally cast): the block holds them.
                convWeights.add(conv.getParameters().get("weight"));
                convBiases.add(conv.getParameters().get("bias"));
                if (config.batchNorm()) {
                    norms.add(addChildBlock("bn" + suffix, BatchNorm.builder().build()));
                }
            }
            stageEnds.add(convs.size());
        }
        for (int j = 0; j < config.fcDims().size(); j++) {
            fcs.add(
                    addChildBlock(
                            "fc" + (j + 1),
                            Linear.builder().setUnits(config.fcDims().get(j)).build()));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return run(ps, inputs.head(), null, training);
    }

    /**
     * The forward pass with the convolution stages in another number format: images, convolution
     * weights and biases go through {@code casts} ({@link TensorCasts#inGraph}), the last stage's
     * output comes back as float32, and the fully connected layers run as usual. The casts are
     * part of the gradient's graph, so training updates the float32 parameters ("mixed
     * precision").
     */
    NDList mixed(ParameterStore ps, NDArray images, TensorCasts casts, boolean training) {
        return run(ps, images, casts, training);
    }

    private NDList run(ParameterStore ps, NDArray images, TensorCasts casts, boolean training) {
        NDArray x = casts == null ? images : casts.inGraph(images); // [B, 3, S, S]
        Device device = images.getDevice();
        int conv = 0;
        for (int end : stageEnds) {
            for (; conv < end; conv++) {
                NDArray w = ps.getValue(convWeights.get(conv), device, training);
                NDArray b = ps.getValue(convBiases.get(conv), device, training);
                if (casts != null) {
                    w = casts.inGraph(w);
                    b = casts.inGraph(b);
                }
                x = Ops.conv2d(x, w, b, STRIDE, PADDING);
                if (config.batchNorm()) {
                    x = norms.get(conv).forward(ps, new NDList(x), training).head();
                }
                x = x.getNDArrayInternal().relu();
            }
            x = x.getNDArrayInternal().maxPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        if (casts != null) {
            x = casts.inGraph(x); // back to float32
        }
        long b = x.getShape().get(0);
        // x: [B, C, G, G]
        NDArray regions = x.reshape(b, config.regionDim(), config.regions()).transpose(0, 2, 1);
        NDArray global = x.reshape(b, -1); // [B, C·G·G]
        for (Block fc : fcs) {
            global = fc.forward(ps, new NDList(global), training).head().getNDArrayInternal().relu();
        }
        return new NDList(regions, global); // [B, L, C], [B, Dg]
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {
            new Shape(b, config.regions(), config.regionDim()), new Shape(b, config.globalDim())
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        int conv = 0;
        for (int end : stageEnds) {
            for (; conv < end; conv++) {
                convs.get(conv).initialize(manager, dataType, shape);
                shape = convs.get(conv).getOutputShapes(new Shape[] {shape})[0];
                if (config.batchNorm()) {
                    norms.get(conv).initialize(manager, dataType, shape);
                }
            }
            shape = new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2);
        }
        Shape flat = new Shape(shape.get(0), shape.size() / shape.get(0));
        for (Block fc : fcs) {
            fc.initialize(manager, dataType, flat);
            flat = fc.getOutputShapes(new Shape[] {flat})[0];
        }
    }
}
