package dev.kvcap.data;

import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Captions as the word ids CIDEr-D counts when kvcap scores its own captions (self-critical
 * training's reward, {@code --rerank}'s choice): a word's vocabulary id, or an id of its own past
 * the vocabulary when it is rare, so rare words still match each other and never a {@code <unk>}.
 * Thread-safe.
 */
public final class CiderWords {

    private final Vocabulary vocab;
    private final Map<String, Integer> rare = new HashMap<>();

    public CiderWords(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** The ids of tokenized words; a rare word seen for the first time gets the next free id. */
    public synchronized int[] ids(List<String> tokens) {
        return tokens.stream()
                .mapToInt(w -> vocab.contains(w) ? vocab.id(w) : rare.computeIfAbsent(w, k -> vocab.size() + rare.size()))
                .toArray();
    }

    /** Ids given so far: the vocabulary and the rare words seen. */
    public synchronized int size() {
        return vocab.size() + rare.size();
    }

    /**
     * CIDEr-D with one document per image, its raw captions tokenised ({@link
     * CaptionTokenizer#tokenize}); document frequencies from them.
     */
    public CiderReward reward(List<List<String>> captionsPerImage) {
        List<int[][]> docs = new ArrayList<>();
        for (List<String> caps : captionsPerImage) {
            int[][] doc = new int[caps.size()][];
            for (int c = 0; c < doc.length; c++) {
                doc[c] = ids(CaptionTokenizer.tokenize(caps.get(c)));
            }
            docs.add(doc);
        }
        return new CiderReward(docs, size());
    }
}
