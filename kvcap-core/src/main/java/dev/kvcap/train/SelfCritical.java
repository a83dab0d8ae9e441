package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.ScstConfig;
import dev.kvcap.data.CiderWords;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.eval.CiderReward;
import dev.kvcap.infer.CaptionSampler;
import dev.kvcap.infer.CaptionSearch;
import dev.kvcap.infer.Hypothesis;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Self-critical sequence training (Rennie et al. 2017): for each image the model draws k captions,
 * each is rewarded with its CIDEr-D against the image's references (document frequencies from all
 * training references), and the loss −Σ (r − b)·log p(caption) raises the captions that beat the
 * baseline b and lowers the others.
 *
 * <p>Baselines ({@link ScstConfig#baseline}): the mean reward of the image's other k−1 draws (the
 * "new SCST" of Luo 2020: no extra decoding, and unbiased because it does not depend on the draw it
 * judges), or the reward of the model's greedy caption (the original).
 *
 * <p>Captions are drawn without dropout and scored by a teacher-forced pass, also without dropout
 * ({@code training = false}), so the gradient is that of the policy that drew them. Drawing does not
 * record gradients; the pass that scores them does.
 */
final class SelfCritical {

    /**
     * What one batch drew.
     *
     * @param captions B·k captions as word ids (image-major), without {@code <end>}
     * @param finished whether each drew {@code <end>} (a caption cut at the maximum length did not)
     * @param advantages r − b per caption
     * @param meanReward mean CIDEr-D of the draws
     * @param meanBaseline mean baseline
     */
    record Drawn(List<int[]> captions, boolean[] finished, float[] advantages, double meanReward, double meanBaseline) {}

    private final KvmCaptionModel model;
    private final CaptionSampler sampler;
    private final CaptionSearch greedy; // null with the mean baseline
    private final CiderReward reward;
    private final int samples;
    private final int maxLen;

    /**
     * @param reward CIDEr-D with one document per training image, in the order of the trainer's
     *     image indices ({@link #references})
     */
    SelfCritical(KvmCaptionModel model, DecodeConfig decode, ScstConfig config, CiderReward reward) {
        this.model = model;
        this.sampler = new CaptionSampler(model, decode);
        this.greedy =
                ScstConfig.GREEDY.equals(config.baseline())
                        ? new CaptionSearch(model, decode.withBeamSize(1), false)
                        : null;
        this.reward = reward;
        this.samples = config.samples();
        this.maxLen = decode.maxLen();
    }

    /**
     * The training images' references as the reward reads them: per image, its raw captions
     * tokenised for the vocabulary, each word its vocabulary id, or an id of its own past the
     * vocabulary when it is rare (so rare words still match each other in the references' n-grams,
     * never a drawn {@code <unk>}).
     */
    static CiderReward references(List<List<String>> captionsPerImage, Vocabulary vocab) {
        return new CiderWords(vocab).reward(captionsPerImage);
    }

    /**
     * Draws and rewards k captions for each image of {@code ctx}; records no gradient.
     *
     * @param docs the images' indices in the reward's documents
     */
    Drawn draw(ImageContext ctx, int[] docs, Random rng) {
        boolean grad = JniUtils.isGradMode();
        try {
            List<int[]> drawn = sampler.sample(ctx, samples, rng);
            double[] baseline = new double[docs.length];
            if (greedy != null) {
                List<List<Hypothesis>> best = greedy.search(ctx);
                for (int i = 0; i < docs.length; i++) {
                    int[] ids = best.get(i).get(0).wordIds().stream().mapToInt(Integer::intValue).toArray();
                    baseline[i] = reward.score(docs[i], ids);
                }
            }
            return judge(reward, maxLen, drawn, docs, greedy == null ? null : baseline);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * Rewards and advantages of drawn captions.
     *
     * @param drawn k captions per image, image-major
     * @param maxLen a caption this long was cut, not finished
     * @param greedyRewards per image the greedy caption's reward, or null for the mean of the others
     */
    static Drawn judge(CiderReward reward, int maxLen, List<int[]> drawn, int[] docs, double[] greedyRewards) {
        int k = drawn.size() / docs.length;
        double[] r = new double[drawn.size()];
        boolean[] finished = new boolean[drawn.size()];
        double rewardSum = 0;
        for (int row = 0; row < r.length; row++) {
            r[row] = reward.score(docs[row / k], drawn.get(row));
            finished[row] = drawn.get(row).length < maxLen;
            rewardSum += r[row];
        }
        float[] advantages = new float[r.length];
        double baselineSum = 0;
        for (int i = 0; i < docs.length; i++) {
            double total = 0;
            for (int j = 0; j < k; j++) {
                total += r[i * k + j];
            }
            for (int j = 0; j < k; j++) {
                double b = greedyRewards != null ? greedyRewards[i] : (total - r[i * k + j]) / (k - 1);
                advantages[i * k + j] = (float) (r[i * k + j] - b);
                baselineSum += b;
            }
        }
        return new Drawn(drawn, finished, advantages, rewardSum / r.length, baselineSum / r.length);
    }

    /**
     * The policy-gradient loss of what {@link #draw} drew, from the same images' {@code ctx}:
     * −Σ advantage · log p(word) over every drawn word (and {@code <end>} where drawn), divided by
     * the number of words. Call it while gradients are recorded.
     */
    NDArray loss(ParameterStore ps, ImageContext ctx, Drawn drawn) {
        List<int[]> encoded = new ArrayList<>();
        for (int row = 0; row < drawn.captions().size(); row++) {
            int[] words = drawn.captions().get(row);
            int[] cap = new int[words.length + (drawn.finished()[row] ? 2 : 1)];
            cap[0] = Vocabulary.START_ID;
            System.arraycopy(words, 0, cap, 1, words.length);
            if (drawn.finished()[row]) {
                cap[cap.length - 1] = Vocabulary.END_ID;
            }
            encoded.add(cap);
        }
        NDList tokens = TrainingBatches.tokens(ctx.global().getManager(), encoded); // [B·k, T] twice
        NDArray targets = tokens.get(1);
        NDArray logits = model.logits(ps, ctx.repeat(samples), tokens.get(0), false); // [B·k, T, V]
        NDArray adv =
                ctx.global().getManager().create(drawn.advantages(), new Shape(drawn.advantages().length, 1)); // [B·k, 1]
        return CaptionLoss.weighted(logits, targets, adv);
    }
}
