package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.eval.Metric;
import dev.kvcap.infer.CaptionSearch;
import dev.kvcap.infer.Hypothesis;
import dev.kvcap.model.SavedModel;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch validation: teacher-forced loss, then captions from the one {@link CaptionSearch} scored
 * with BLEU-4 and CIDEr-D against every reference.
 */
final class Validation {

    private static final int BATCH = 64;

    private final SavedModel saved;
    private final TrainingBatches data;
    private final DecodeConfig decode;

    Validation(SavedModel saved, TrainingBatches data, DecodeConfig decode) {
        this.saved = saved;
        this.data = data;
        this.decode = decode;
    }

    Map<String, Double> run(NDManager parent) {
        ParameterStore ps = new ParameterStore(parent, false);
        Vocabulary vocab = saved.vocab();
        CaptionSearch search =
                new CaptionSearch(
                        saved.model(), decode, false);
        int n = data.size();
        int[] order = TrainingBatches.order(n, new java.util.Random(0));
        java.util.Arrays.sort(order);
        double lossSum = 0;
        int batches = 0;
        Map<Long, List<String>> refs = new HashMap<>();
        Map<Long, String> hyps = new HashMap<>();
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            try (NDManager m = parent.newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDList batch = data.batch(m, order, from, to, null, null);
                NDArray logits =
                        saved.model().forward(ps, new NDList(batch.get(0), batch.get(1)), false).head();
                lossSum += CaptionLoss.of(logits, batch.get(2)).getFloat();
                batches++;
                List<List<Hypothesis>> out = search.search(batch.get(0));
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
        return figures;
    }
}
