package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.eval.CiderReward;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfCriticalTest {

    // words 4.. of a toy vocabulary: 4 a, 5 red, 6 circle, 7 blue, 8 square
    private static final int[] RED_CIRCLE = {4, 5, 6};
    private static final int[] BLUE_SQUARE = {4, 7, 8};

    /** Two images: the first is "a red circle", the second "a blue square". */
    private static CiderReward reward() {
        return new CiderReward(List.of(new int[][] {RED_CIRCLE}, new int[][] {BLUE_SQUARE}), 10);
    }

    @Test
    void rewardsAreCiderAgainstTheImagesReferences() {
        // A caption equal to its image's only reference: cosine 1 in orders 1-3, none in order 4
        // (three words), no length penalty: 10 × 3/4. "a", in both images, weighs nothing, so the
        // other image's caption shares no weight with it: 0.
        SelfCritical.Drawn d =
                SelfCritical.judge(reward(), 16, List.of(RED_CIRCLE, BLUE_SQUARE, RED_CIRCLE), new int[] {0}, null);
        assertEquals((7.5 + 0 + 7.5) / 3, d.meanReward(), 1e-9);
    }

    @Test
    void theMeanBaselineIsTheMeanRewardOfTheImagesOtherDraws() {
        SelfCritical.Drawn d =
                SelfCritical.judge(reward(), 16, List.of(RED_CIRCLE, BLUE_SQUARE, RED_CIRCLE), new int[] {0}, null);
        // draw 1: 7.5 − (0 + 7.5)/2; draw 2: 0 − (7.5 + 7.5)/2; draw 3 as draw 1
        assertArrayEquals(new float[] {3.75f, -7.5f, 3.75f}, d.advantages(), 1e-6f);
        assertEquals((3.75 + 7.5 + 3.75) / 3, d.meanBaseline(), 1e-9);
    }

    @Test
    void theGreedyBaselineIsTheGreedyCaptionsReward() {
        // image 0's greedy caption scored 7.5, image 1's scored 0; two draws each
        SelfCritical.Drawn d = SelfCritical.judge(
                reward(), 16, List.of(RED_CIRCLE, BLUE_SQUARE, RED_CIRCLE, BLUE_SQUARE), new int[] {0, 1}, new double[] {7.5, 0});
        assertArrayEquals(new float[] {0f, -7.5f, 0f, 7.5f}, d.advantages(), 1e-6f); // image 1: 0 − 0, 7.5 − 0
    }

    @Test
    void aCaptionAsLongAsTheLimitWasCutNotFinished() {
        SelfCritical.Drawn d = SelfCritical.judge(reward(), 3, List.of(RED_CIRCLE, new int[] {4, 5}), new int[] {0}, null);
        assertArrayEquals(new boolean[] {false, true}, d.finished());
    }

    @Test
    void aStepOnTheLossRaisesTheCaptionThatBeatTheBaselineAndLowersTheOther() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), 10);
            model.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomNormal(new Shape(1, 3, 32, 32));
            SelfCritical scst = new SelfCritical(model, Presets.tiny().decode(),
                    Presets.tiny().scst().withSamples(2), reward());
            SelfCritical.Drawn drawn = new SelfCritical.Drawn(
                    List.of(RED_CIRCLE, BLUE_SQUARE), new boolean[] {true, true}, new float[] {1f, -1f}, 0, 0);
            double[] before = logProbs(model, ps, images, drawn);
            AdamW opt = new AdamW(model.getParameters(), m, 0f, 0f);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ImageContext ctx = model.encode(ps, images, false);
                gc.backward(scst.loss(ps, ctx, drawn));
            }
            opt.step(1e-2f);
            double[] after = logProbs(model, ps, images, drawn);
            assertTrue(after[0] > before[0], "the rewarded caption became likelier");
            assertTrue(after[1] < before[1], "the penalised caption became less likely");
        }
    }

    /** log p of each drawn caption (with its end) under the model. */
    private static double[] logProbs(KvmCaptionModel model, ParameterStore ps, NDArray images, SelfCritical.Drawn d) {
        double[] out = new double[d.captions().size()];
        for (int i = 0; i < out.length; i++) {
            int[] w = d.captions().get(i);
            int[] cap = new int[w.length + 2];
            cap[0] = Vocabulary.START_ID;
            System.arraycopy(w, 0, cap, 1, w.length);
            cap[cap.length - 1] = Vocabulary.END_ID;
            NDList tokens = TrainingBatches.tokens(images.getManager(), List.of(cap));
            NDArray logits = model.logits(ps, model.encode(ps, images, false), tokens.get(0), false);
            out[i] = -CaptionLoss.of(logits, tokens.get(1)).getFloat() * (cap.length - 1);
        }
        return out;
    }
}
