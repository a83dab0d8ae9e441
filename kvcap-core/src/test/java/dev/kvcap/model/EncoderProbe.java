package dev.kvcap.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.ModelConfig;
import dev.kvcap.config.Presets;
import java.util.Arrays;
import java.util.List;

/**
 * Encoder time at batch 1 as trained (fp32, NCHW), with {@link TensorCasts#channelsLast()} and
 * with {@link TensorCasts#bf16()}: three models in one JVM, measured in turn, medians (a {@code
 * main}, not a test). {@code vgg16conv} is {@code vgg16} with its FC layers shrunk to 16 units
 * (the convolutions alone). Usage, after {@code ./mvnw -q test-compile}:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.kvcap.model.EncoderProbe vgg16|vgg16conv|small 15}
 */
public class EncoderProbe {
    public static void main(String[] a) {
        ModelConfig c = Presets.named(a[0].replace("conv", "")).model();
        if (a[0].endsWith("conv")) {
            c = new ModelConfig(c.imageSize(), c.encoderWidths(), c.convsPerStage(), c.batchNorm(), List.of(16),
                    c.embedDim(), c.hiddenDim(), c.attnDim(), c.useMemory(), c.memorySlots(), c.memoryValueDim(),
                    c.memoryControllerDim(), c.useDeconvMaps(), c.deconvChannels(), c.dropout(), c.globalProj(),
                    c.memoryCells(), c.memoryNeighbours(), c.memoryFeatures(), c.memoryVotePower(), c.memoryWrite());
        }
        int runs = Integer.parseInt(a[1]);
        String[] names = {"fp32 NCHW", "fp32 channels-last", "bf16 channels-last"};
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager();
                TensorCasts cl = TensorCasts.channelsLast();
                TensorCasts bf16 = TensorCasts.bf16()) {
            JniUtils.setGradMode(false);
            KvmCaptionModel[] models = new KvmCaptionModel[3];
            for (int v = 0; v < 3; v++) {
                models[v] = new KvmCaptionModel(c, 10000);
                models[v].initialize(m);
                models[v].getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            }
            models[1].encodeWith(cl);
            models[2].encodeWith(bf16);
            ParameterStore ps = new ParameterStore(m, false);
            int s = c.imageSize();
            NDArray image = m.randomNormal(new Shape(1, 3, s, s));
            double[][] ms = new double[3][runs];
            for (int i = -3; i < runs; i++) {
                for (int v = 0; v < 3; v++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        long t0 = System.nanoTime();
                        models[v].encode(ps, image, false).global().toFloatArray();
                        if (i >= 0) {
                            ms[v][i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
            }
            for (int v = 0; v < 3; v++) {
                Arrays.sort(ms[v]);
                System.out.printf("%s encoder, %s: median %.1f ms%n", a[0], names[v], ms[v][runs / 2]);
            }
        }
    }
}
