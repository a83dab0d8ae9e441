package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Draws captions from the model's own word distribution, word by word (temperature 1), under the
 * same {@link DecodeRules} as the search: what self-critical sequence training explores. No
 * gradients are recorded; the trainer scores the drawn captions in a teacher-forced pass.
 *
 * <p>All B·k rows (k draws per image, image-major: image i owns rows i·k … i·k+k−1) step together
 * until every row has drawn {@code <end>} or the maximum length is reached.
 */
public final class CaptionSampler {

    private final KvmCaptionModel model;
    private final DecodeRules rules;
    private final int maxLen;

    /** @param decode its {@code maxLen} and {@code minLen} bound the drawn captions */
    public CaptionSampler(KvmCaptionModel model, DecodeConfig decode) {
        this.model = model;
        this.rules = new DecodeRules(decode.validate());
        this.maxLen = decode.maxLen();
    }

    /**
     * @param encoded B encoded images
     * @param k draws per image
     * @return B·k captions as word ids, without {@code <end>} (a caption cut at the maximum
     *     length simply stops)
     */
    public List<int[]> sample(ImageContext encoded, int k, Random rng) {
        JniUtils.setGradMode(false);
        NDManager manager = encoded.global().getManager();
        ParameterStore ps = new ParameterStore(manager, false);
        int rows = (int) encoded.batchSize() * k;
        List<List<Integer>> words = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            words.add(new ArrayList<>());
        }
        boolean[] done = new boolean[rows];
        int alive = rows;
        long[] prev = new long[rows];
        Arrays.fill(prev, Vocabulary.START_ID);
        try (NDScope outer = new NDScope()) {
            outer.suppressNotUsedWarning();
            ImageContext ctx = encoded.repeat(k);
            DecodeState state = model.start(ps, ctx, false);
            for (int t = 0; t < maxLen && alive > 0; t++) {
                DecodeState next;
                float[] logProbs;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray in = manager.create(prev);
                    KvmCaptionModel.StepOutput out = model.step(ps, ctx, in, state, false);
                    logProbs = out.logits().logSoftmax(-1).toFloatArray();
                    next = out.state();
                    next.unregisterFromScope();
                }
                if (t > 0) {
                    state.closeReplacedBy(next);
                }
                state = next;
                int vocab = logProbs.length / rows;
                float[] row = new float[vocab];
                double[] weights = new double[vocab];
                for (int r = 0; r < rows; r++) {
                    if (done[r]) {
                        prev[r] = Vocabulary.PAD_ID;
                        continue;
                    }
                    System.arraycopy(logProbs, r * vocab, row, 0, vocab);
                    rules.apply(row, words.get(r));
                    int w = draw(row, weights, rng);
                    if (w == Vocabulary.END_ID) {
                        done[r] = true;
                        alive--;
                    } else {
                        words.get(r).add(w);
                    }
                    prev[r] = w;
                }
            }
            state.close();
        }
        List<int[]> out = new ArrayList<>(rows);
        for (List<Integer> w : words) {
            out.add(w.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * A word drawn from log-probabilities (masked entries are −∞ and never drawn); {@code weights}
     * is scratch space of the same length for the unnormalised probabilities.
     */
    static int draw(float[] logProbs, double[] weights, Random rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logProbs) {
            max = Math.max(max, v);
        }
        double total = 0;
        for (int w = 0; w < logProbs.length; w++) {
            weights[w] = Math.exp(logProbs[w] - max);
            total += weights[w];
        }
        double u = rng.nextDouble() * total;
        int last = -1;
        for (int w = 0; w < logProbs.length; w++) {
            if (logProbs[w] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            last = w;
            u -= weights[w];
            if (u < 0) {
                return w;
            }
        }
        return last; // rounding left u a hair above 0
    }
}
