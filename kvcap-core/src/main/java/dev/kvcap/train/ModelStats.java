package dev.kvcap.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Facts about a built model. */
public final class ModelStats {

    private ModelStats() {}

    /** Number of trainable scalars (BatchNorm running statistics excluded). */
    public static long parameterCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }
}
