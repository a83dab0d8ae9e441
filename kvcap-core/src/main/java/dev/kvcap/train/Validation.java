package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.eval.Metric;
import dev.kvcap.infer.CaptionSearch;
import dev.kvcap.infer.Hypothesis;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.SavedModel;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch validation: teacher-forced loss, then captions from the one {@link CaptionSearch}, with
 * the model's own decoding settings (what {@code evaluate} will use), scored with BLEU-4 and CIDEr-D
 * against every reference, and the share of distinct captions ({@code val_distinct}), which shows a
 * collapse that the metrics can hide.
 */
final class Validation {

    private static final int BATCH = 64;

    private final SavedModel saved;
    private final TrainingBatches data;
    private final ImageSource images;
    private final DecodeConfig decode;

    Validation(SavedModel saved, TrainingBatches data, ImageSource images, DecodeConfig decode) {
        this.saved = saved;
        this.data = data;
        this.images = images;
        this.decode = decode;
    }

    /** Number of validation images. */
    int size() {
        return data.size();
    }

    Map<String, Double> run(NDManager parent) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return score(parent);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private Map<String, Double> score(NDManager parent) {
        ParameterStore ps = new ParameterStore(parent, false);
        Vocabulary vocab = saved.vocab();
        CaptionSearch search = new CaptionSearch(saved.model(), decode, false);
        int n = data.size();
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        double lossSum = 0;
        int batches = 0;
        Map<Long, List<String>> refs = new HashMap<>();
        Map<Long, String> hyps = new HashMap<>();
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            try (NDManager m = parent.newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                ImageContext ctx = images.encode(ps, images.inputs(m, order, from, to, null), false);
                NDList tokens = TrainingBatches.tokens(m, data.captions(order, from, to, null));
                NDArray logits = saved.model().logits(ps, ctx, tokens.get(0), false);
                lossSum += CaptionLoss.of(logits, tokens.get(1)).getFloat();
                batches++;
                List<List<Hypothesis>> out = search.search(ctx);
                for (int i = from; i < to; i++) {
                    CaptionedImage img = data.images().get(i);
                    List<Integer> ids = out.get(i - from).get(0).wordIds();
                    hyps.put(img.imageId(), String.join(" ", vocab.decode(ids.stream().mapToInt(Integer::intValue).toArray())));
                    refs.put(img.imageId(), img.captions());
                }
            }
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("val_loss", lossSum / Math.max(1, batches));
        Map<String, Double> scores =
                CaptionMetrics.score(refs, hyps, EnumSet.of(Metric.BLEU, Metric.CIDER)).corpus();
        figures.put("val_Bleu_4", scores.get("Bleu_4"));
        figures.put("val_CIDEr", scores.get("CIDEr"));
        figures.put("val_distinct", distinctShare(hyps.values()));
        return figures;
    }

    /**
     * Distinct captions per image: 1 when every image gets its own caption, 1/n when a collapsed
     * model says the same thing for all n images.
     */
    static double distinctShare(Collection<String> captions) {
        return captions.isEmpty() ? 0 : new HashSet<>(captions).size() / (double) captions.size();
    }
}
