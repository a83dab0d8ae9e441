package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * A linear map x Wᵀ + b whose W and b were made once for inference from several parameters
 * ({@link LstmCell#join}, {@link KeyValueMemory#join}): not parameters themselves, so its owner
 * closes it when it joins again or is quantized.
 *
 * @param weight W [N, K]
 * @param bias b [N]
 */
record JoinedLinear(NDArray weight, NDArray bias) implements AutoCloseable {

    /** x Wᵀ + b: [.., K] → [.., N]. */
    NDArray apply(NDArray x) {
        return apply(x, bias);
    }

    /** x Wᵀ + {@code otherBias} ([.., N], in place of b). */
    NDArray apply(NDArray x, NDArray otherBias) {
        return Linear.linear(x, weight, otherBias).head();
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
    }
}
