package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kvcap.bank.Hit;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.config.ModelConfig;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.MemoryCells;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How captioning finds a retrieval memory's cells (docs/MEMORY-RETRIEVAL.md): the index's unit
 * descriptors are one matrix [D, N], so a batch of queries gets its cosine to every training image
 * in one product and its nearest by top-k; the memory bank's taught images join them as voters.
 * The same cells as {@link CellIndex#cells} (tested), several times faster than comparing entry
 * by entry in Java.
 *
 * <p>Legend: B queries, D descriptor width, N index entries.
 */
public final class CellSearch {

    /**
     * Bank entries searched per neighbour wanted: an entry is one taught caption, and an image may
     * have been taught several.
     */
    static final int SEARCHED_PER_NEIGHBOUR = 2;

    private final CellIndex index;
    private final ModelConfig config;
    private final Vocabulary vocab;
    private final NDArray rows; // [D, N]

    /**
     * @param vocab the model's words (the bank's entries name theirs); unused, and may be null, when
     *     no bank is ever read
     * @param manager owns the index's matrix (N·D floats) for the search's lifetime
     */
    public CellSearch(CellIndex index, ModelConfig config, Vocabulary vocab, NDManager manager) {
        this.index = index;
        this.config = config;
        this.vocab = vocab;
        this.rows = manager.create(index.unitRows(), new Shape(index.size(), index.descriptor().width())).transpose();
    }

    /**
     * The cells of prepared images (CHW bytes): the nearest of the index's images and of the
     * images {@code taught} (the memory bank, or null) vote; key word ids [B, K] and shares [B, K],
     * owned by {@code call}.
     */
    public NDList cells(NDManager call, List<byte[]> pixels, MemoryBank taught) {
        return cells(call, nearest(call, pixels, config.memoryNeighbours()), taught);
    }

    /**
     * The cells of images whose nearest entries were already found ({@link #nearest}, at least
     * {@code model.memoryNeighbours} of them when the index has as many): the first that many
     * vote, as in {@link #cells(NDManager, List, MemoryBank)}.
     */
    public NDList cells(NDManager call, Nearest near, MemoryBank taught) {
        int voting = Math.min(config.memoryNeighbours(), near.n());
        List<CellIndex.Cells> found = new ArrayList<>();
        for (int i = 0; i < near.units().size(); i++) {
            List<CellIndex.Neighbour> voters = new ArrayList<>();
            for (int j = 0; j < voting; j++) {
                voters.add(index.entry(near.entry(i, j), near.similarity(i, j)));
            }
            List<CellIndex.Neighbour> extra = taught == null ? List.of() : taughtNear(taught, near.units().get(i), config.memoryNeighbours());
            found.add(CellIndex.vote(voters, extra, CellIndex.Ballot.of(config)));
        }
        return MemoryCells.inputs(call, found, config.memoryCells());
    }

    /**
     * The nearest index entries of prepared images, by cosine of their descriptors.
     *
     * @param units per image, its unit descriptor ({@link CellIndex#unitVector})
     * @param entries [B, n] entry indices, most similar first
     * @param similarities [B, n] their cosines
     * @param n entries per image: the number asked for, or the index's size when smaller
     */
    public record Nearest(List<float[]> units, long[] entries, float[] similarities, int n) {
        public int entry(int image, int rank) {
            return (int) entries[image * n + rank];
        }

        /** Image {@code image}'s {@code count} nearest entries (at most {@link #n}), most similar first. */
        public int[] entries(int image, int count) {
            int[] out = new int[Math.min(count, n)];
            for (int rank = 0; rank < out.length; rank++) {
                out[rank] = entry(image, rank);
            }
            return out;
        }

        public float similarity(int image, int rank) {
            return similarities[image * n + rank];
        }

        /** The cosines of image {@code image}'s {@code count} nearest entries, as {@link #entries(int, int)}. */
        public float[] similarities(int image, int count) {
            float[] out = new float[Math.min(count, n)];
            for (int rank = 0; rank < out.length; rank++) {
                out[rank] = similarity(image, rank);
            }
            return out;
        }
    }

    /** The {@code wanted} nearest index entries of prepared images (CHW bytes); scratch arrays in {@code call}. */
    public Nearest nearest(NDManager call, List<byte[]> pixels, int wanted) {
        int n = Math.min(wanted, index.size());
        int d = index.descriptor().width();
        float[] queries = new float[pixels.size() * d];
        List<float[]> units = new ArrayList<>();
        for (int i = 0; i < pixels.size(); i++) {
            units.add(CellIndex.unitVector(index.describe(pixels.get(i), config.imageSize())));
            System.arraycopy(units.get(i), 0, queries, i * d, d);
        }
        // the cosine to every training image in one product [B, D] x [D, N], then the n nearest
        NDArray q = call.create(queries, new Shape(pixels.size(), d));
        NDList top = q.matMul(rows).topK(n, 1, true, true);
        return new Nearest(units, top.get(1).toLongArray(), top.get(0).toFloatArray(), n);
    }

    /**
     * The image part of an entry's source: {@code teach:<sha1>} of {@code teach:<sha1>:<caption
     * hash>} (the same for {@code remember:}); a source without a caption part ({@code
     * train:<image id>} of {@code memory build}) is the image itself.
     */
    public static String imageOf(String source) {
        int first = source.indexOf(':');
        int last = source.lastIndexOf(':');
        return first >= 0 && last > first ? source.substring(0, last) : source;
    }

    /**
     * The captions the bank holds for the images nearest to a query, each with its image's cosine
     * (the nearest first): what {@code --rerank} adds to the training images' captions as
     * candidates. Taught and built entries only: a {@code remember:} entry is the model's own
     * caption of an image, which would outweigh everything when that image comes again and adds
     * nothing the model does not say; entries stored before entries kept their caption (their
     * phrase is key words, not a caption) are skipped too.
     *
     * @param unit the query's unit descriptor ({@link CellIndex#unitVector})
     * @param n neighbours wanted; {@link #SEARCHED_PER_NEIGHBOUR} entries are searched for each
     * @param atLeast the lowest cosine kept: the n-th nearest training image's, so that the taught
     *     images join the n nearest as if they were training images instead of adding far ones
     */
    public Map<String, Float> taughtCaptions(MemoryBank bank, float[] unit, int n, float atLeast) {
        Map<String, Float> out = new LinkedHashMap<>();
        for (Hit h : bank.search(unit, n * SEARCHED_PER_NEIGHBOUR)) {
            float cos = 1 - h.distance() / 2; // unit keys: d² = 2 − 2·cos
            if (h.caption() != null && !h.source().startsWith(MemoryWriter.REMEMBER) && cos >= atLeast) {
                out.merge(h.caption(), cos, Math::max);
            }
        }
        return out;
    }

    /**
     * The bank's taught images nearest to a query, each with the key words of its captions: an
     * entry is one taught caption, keyed by its image's unit thumbnail, its key words the phrase
     * (the first key word is the entry's word); an image's captions are grouped by {@link
     * #imageOf} their source.
     *
     * @param unit the query's unit thumbnail ({@link CellIndex#unitVector})
     */
    private List<CellIndex.Neighbour> taughtNear(MemoryBank bank, float[] unit, int n) {
        Map<String, Map<String, Set<Integer>>> images = new LinkedHashMap<>(); // image → caption → words
        Map<String, Float> similarity = new HashMap<>();
        for (Hit h : bank.search(unit, n * SEARCHED_PER_NEIGHBOUR)) {
            String image = imageOf(h.source());
            Set<Integer> words = images.computeIfAbsent(image, x -> new LinkedHashMap<>()).computeIfAbsent(h.source(), x -> new TreeSet<>());
            for (String w : (h.phrase() == null ? vocab.word(h.word()) : h.phrase()).split(" ")) {
                if (vocab.contains(w)) {
                    words.add(vocab.id(w));
                }
            }
            similarity.merge(image, 1 - h.distance() / 2, Math::max); // unit keys: d² = 2 − 2·cos
        }
        List<CellIndex.Neighbour> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Set<Integer>>> image : images.entrySet()) {
            Map<Integer, Integer> named = new TreeMap<>();
            image.getValue().values().forEach(words -> words.forEach(w -> named.merge(w, 1, Integer::sum)));
            out.add(new CellIndex.Neighbour(
                    similarity.get(image.getKey()),
                    named.keySet().stream().mapToInt(Integer::intValue).toArray(),
                    named.values().stream().mapToInt(Integer::intValue).toArray(),
                    image.getValue().size()));
        }
        return out;
    }
}
