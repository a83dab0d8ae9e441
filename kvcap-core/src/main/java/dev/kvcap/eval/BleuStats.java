package dev.kvcap.eval;

/**
 * The toolkit's corpus BLEU counters ({@code totalcomps} in {@code bleu_scorer.py}).
 *
 * @param testlen words in all candidates
 * @param reflen sum of the chosen (closest) reference lengths
 * @param guess candidate n-grams for n = 1..4
 * @param correct clipped matching n-grams for n = 1..4
 */
public record BleuStats(long testlen, long reflen, long[] guess, long[] correct) {}
