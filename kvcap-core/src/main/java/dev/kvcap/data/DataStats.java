package dev.kvcap.data;

import java.util.Arrays;
import java.util.List;

/**
 * A one-line summary of a caption set, for logs: how many images and captions, caption lengths
 * in tokens, and (given a vocabulary) how many tokens it does not know.
 *
 * @param images images in the set
 * @param imagesWithCaptions images with at least one caption
 * @param captions captions in the set
 * @param meanTokens mean caption length in tokens
 * @param p95Tokens 95th percentile of caption length: a sensible {@code maxLen} for encoding
 * @param maxTokens longest caption in tokens
 * @param unknownRate fraction of tokens that map to {@code <unk>}; 0 without a vocabulary
 */
public record DataStats(
        int images,
        int imagesWithCaptions,
        int captions,
        double meanTokens,
        int p95Tokens,
        int maxTokens,
        double unknownRate) {

    /** Statistics of {@code set}; {@code vocabulary} may be null. */
    public static DataStats of(CaptionSet set, Vocabulary vocabulary) {
        List<List<String>> tokenized = set.tokenizedCaptions();
        int[] lengths = tokenized.stream().mapToInt(List::size).sorted().toArray();
        long tokens = Arrays.stream(lengths).asLongStream().sum();
        long unknown = 0;
        if (vocabulary != null) {
            for (List<String> caption : tokenized) {
                for (String w : caption) {
                    if (!vocabulary.contains(w)) {
                        unknown++;
                    }
                }
            }
        }
        int n = lengths.length;
        return new DataStats(
                set.size(),
                (int) set.images().stream().filter(CaptionedImage::hasCaptions).count(),
                n,
                n == 0 ? 0 : (double) tokens / n,
                n == 0 ? 0 : lengths[Math.min(n - 1, (int) Math.ceil(0.95 * n) - 1)],
                n == 0 ? 0 : lengths[n - 1],
                tokens == 0 ? 0 : (double) unknown / tokens);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "%d images (%d captioned), %d captions, tokens mean %.1f p95 %d max %d, unknown %.2f%%",
                images,
                imagesWithCaptions,
                captions,
                meanTokens,
                p95Tokens,
                maxTokens,
                100 * unknownRate);
    }
}
