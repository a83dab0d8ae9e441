package dev.kvcap.eval;

import java.util.Map;

/**
 * What {@link CaptionMetrics#score} returns.
 *
 * @param corpus corpus scores in the toolkit's key order ({@code Bleu_1 Bleu_2 Bleu_3 Bleu_4
 *     METEOR ROUGE_L CIDEr}); a metric not computed is absent, never zero. BLEU, METEOR and
 *     ROUGE-L lie in [0, 1]; CIDEr is the raw CIDEr-D value (not x100)
 * @param perImage per-image scores with the same keys, by image id in scoring order
 * @param bleuStats the toolkit's corpus BLEU counters, or null when BLEU was not computed
 */
public record Scores(
    Map<String, Double> corpus, Map<Long, Map<String, Double>> perImage, BleuStats bleuStats) {}
