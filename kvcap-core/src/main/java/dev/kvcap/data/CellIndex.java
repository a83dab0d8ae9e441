package dev.kvcap.data;

import dev.kvcap.config.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Where the retrieval memory's cells come from (SPEC §2.2, docs/MEMORY-RETRIEVAL.md): captioned
 * images kept as small descriptors ({@link ImageDescriptor}) with the key words of their captions.
 * For a query image, its {@code n} nearest images by descriptor (cosine similarity) vote for their
 * key words; the {@code
 * k} words with most votes become the memory's cells: each a key word and its share of the
 * neighbours' captions (how many of them name it, over all).
 *
 * <p>The same index serves training and captioning, so a model reads the same kind of cells in
 * both: while training, an image's own entry and the other images of its item ({@link SameItem}:
 * the same item drawn another way) are left out, since test images are new items; {@code kvcap
 * memory add} appends entries, which captions then read through the same cells. Search is exact (every
 * entry is compared), parallel over queries.
 *
 * <p>Legend: N entries, D the descriptor's width ({@link ImageDescriptor#width}).
 */
public final class CellIndex {

    /** File name of the index inside a model directory. */
    public static final String FILE = "cells.bin";

    /** Width of a {@link ImageDescriptor#PIXELS} thumbnail. */
    public static final int WIDTH = ImageDescriptor.PIXELS.width();

    private static final int MAGIC = 0x4b434931; // "KCI1": pixel thumbnails, what indexes before the descriptor option were
    private static final int MAGIC_DESCRIBED = 0x4b434932; // "KCI2": the descriptor's label follows
    private static final int MAGIC_TEXTS = 0x4b434933; // "KCI3": KCI2, and each entry's captions as text

    private final ImageDescriptor descriptor;
    private final int width; // D
    private final List<Item> items = new ArrayList<>(); // [N]

    /** An empty index of images described by {@code descriptor}. */
    public CellIndex(ImageDescriptor descriptor) {
        this.descriptor = descriptor;
        this.width = descriptor.width();
    }

    /** An empty index of {@link ImageDescriptor#PIXELS} thumbnails. */
    public CellIndex() {
        this(ImageDescriptor.PIXELS);
    }

    /**
     * One captioned image.
     *
     * @param thumb its thumbnail, as the search compares it
     * @param words its captions' distinct key word ids
     * @param counts per word, how many of its captions name it
     * @param captions how many captions it has (at least 1)
     * @param captionKeys {@link #captionKey} of each caption
     * @param texts its captions as text (tokenized, joined by spaces); empty in an index read from
     *     before format KCI3
     */
    private record Item(Thumb thumb, int[] words, int[] counts, int captions, long[] captionKeys, List<String> texts) {}

    /** The cells of one image: key word ids and their shares, strongest first (k of each, padded with 0). */
    public record Cells(int[] words, float[] shares) {}

    /**
     * How a query's nearest images vote for its cells.
     *
     * @param neighbours how many nearest images vote
     * @param cells how many words become cells (k)
     * @param power each voter's weight is max(0, its cosine similarity)^power, normalised over the
     *     voters; 0 gives every voter an equal vote ({@code model.memoryVotePower})
     */
    public record Ballot(int neighbours, int cells, float power) {
        public Ballot {
            if (neighbours <= 0 || cells <= 0 || power < 0) {
                throw new IllegalArgumentException("a ballot needs neighbours > 0, cells > 0 and power >= 0");
            }
        }

        /** A model's ballot: {@code model.memoryNeighbours}, {@code memoryCells} and {@code memoryVotePower}. */
        public static Ballot of(ModelConfig model) {
            return new Ballot(model.memoryNeighbours(), model.memoryCells(), model.memoryVotePower());
        }

        /** Equal votes of {@code neighbours} images for {@code cells} cells. */
        public static Ballot equal(int neighbours, int cells) {
            return new Ballot(neighbours, cells, 0f);
        }
    }

    /**
     * A captioned image as a voter for a query's cells: an entry of the index ({@link #entry}) or
     * an image the memory bank was taught; its cosine similarity to the query, and its captions'
     * key words with how many of its captions name each.
     */
    public record Neighbour(float similarity, int[] words, int[] counts, int captions) {}

    public int size() {
        return items.size();
    }

    /** The images' descriptor: what the search compares. */
    public ImageDescriptor descriptor() {
        return descriptor;
    }

    /** The descriptor of an image given as CHW bytes at {@code size}² ({@link ImageDescriptor#describe}). */
    public byte[] describe(byte[] chw, int size) {
        return descriptor.describe(chw, size);
    }

    /** A 16×16 RGB thumbnail ({@link ImageDescriptor#PIXELS}) of CHW bytes at {@code size}². */
    public static byte[] thumbnail(byte[] chw, int size) {
        return ImageDescriptor.PIXELS.describe(chw, size);
    }

    /** The key words of tokenized captions as vocabulary ids ({@link Vocabulary#isContentWord}), each once. */
    public static List<int[]> keyWords(Vocabulary vocab, List<List<String>> captions) {
        List<int[]> out = new ArrayList<>();
        for (List<String> caption : captions) {
            out.add(caption.stream()
                    .filter(vocab::contains)
                    .mapToInt(vocab::id)
                    .filter(vocab::isContentWord)
                    .distinct()
                    .toArray());
        }
        return out;
    }

    /** A caption's identity for "the same item": a 64-bit hash of its tokens. */
    public static long captionKey(List<String> tokens) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (String w : tokens) {
            for (int i = 0; i < w.length(); i++) {
                h = (h ^ w.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ ' ') * 0x100000001b3L;
        }
        return h;
    }

    /**
     * Adds one captioned image.
     *
     * @param described the image's descriptor ({@link #describe})
     * @param captionWords per caption, its key word ids ({@link #keyWords})
     * @param keys per caption, {@link #captionKey}
     * @param texts the captions as text, tokenized and joined by spaces (what {@link #texts} gives
     *     back, the candidates of {@code --rerank}); may be empty
     */
    public synchronized void add(byte[] described, List<int[]> captionWords, long[] keys, List<String> texts) {
        requireWidth(described);
        Map<Integer, Integer> named = new LinkedHashMap<>();
        for (int[] caption : captionWords) {
            for (int w : caption) {
                named.merge(w, 1, Integer::sum);
            }
        }
        items.add(new Item(
                Thumb.of(described.clone()),
                named.keySet().stream().mapToInt(Integer::intValue).toArray(),
                named.values().stream().mapToInt(Integer::intValue).toArray(),
                Math.max(1, captionWords.size()),
                keys.clone(),
                List.copyOf(texts)));
    }

    /** Entry {@code e}'s captions as text (tokenized, joined by spaces); empty for an index written before KCI3. */
    public List<String> texts(int e) {
        return items.get(e).texts();
    }

    /** Whether every entry keeps its captions' text (an index trained since the format's KCI3). */
    public synchronized boolean keepsTexts() {
        return !items.isEmpty() && items.stream().noneMatch(i -> i.texts().isEmpty());
    }

    /**
     * The cells of a query image.
     *
     * @param described the query's descriptor ({@link #describe})
     * @param ballot how many nearest entries vote, and how
     */
    public Cells cells(byte[] described, Ballot ballot) {
        requireWidth(described);
        return cells(Thumb.of(described), -1, Set.of(), ballot);
    }

    private void requireWidth(byte[] described) {
        if (described.length != width) {
            throw new IllegalArgumentException("a " + descriptor.label() + " descriptor has " + width + " bytes, got " + described.length);
        }
    }

    /** {@link #cells} of every entry with its item excluded: what training reads, in entry order. */
    public List<Cells> ownCells(Ballot ballot) {
        SameItem same = sameItem();
        return IntStream.range(0, size()).parallel().mapToObj(i -> cells(items.get(i).thumb(), i, itemOf(i, same), ballot)).toList();
    }

    /** The rule over every entry's captions, or null for an index that keeps no texts (before KCI3). */
    private SameItem sameItem() {
        return keepsTexts() ? new SameItem(items.stream().map(Item::texts).toList()) : null;
    }

    /**
     * The other entries of entry {@code e}'s item ({@link SameItem}); for an index that keeps no
     * texts, every entry sharing a caption with it (what such a model was trained with).
     */
    private Set<Integer> itemOf(int e, SameItem same) {
        if (same != null) {
            return same.of(e);
        }
        Set<Long> keys = new HashSet<>();
        for (long key : items.get(e).captionKeys()) {
            keys.add(key);
        }
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < size(); i++) {
            if (i != e && sharesCaption(i, keys)) {
                out.add(i);
            }
        }
        return out;
    }

    /** {@link #cells} of many queries (none excluded), in parallel. */
    public List<Cells> cells(List<byte[]> described, Ballot ballot) {
        return IntStream.range(0, described.size())
                .parallel()
                .mapToObj(i -> cells(described.get(i), ballot))
                .toList();
    }

    private Cells cells(Thumb query, int exclude, Set<Integer> item, Ballot ballot) {
        int n = Math.min(ballot.neighbours(), size());
        int[] best = new int[n];
        float[] sim = new float[n];
        int filled = 0;
        for (int i = 0; i < size(); i++) {
            if (i == exclude || item.contains(i)) {
                continue;
            }
            float s = query.cosine(items.get(i).thumb());
            if (filled == n && s <= sim[n - 1]) {
                continue;
            }
            int at = filled < n ? filled++ : n - 1;
            while (at > 0 && sim[at - 1] < s) { // earlier entries first on ties: deterministic
                sim[at] = sim[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            sim[at] = s;
            best[at] = i;
        }
        List<Neighbour> voters = new ArrayList<>();
        for (int j = 0; j < filled; j++) {
            voters.add(entry(best[j], sim[j]));
        }
        return vote(voters, List.of(), ballot);
    }

    /** Entry {@code e} as a voter with similarity {@code similarity} to the query. */
    public Neighbour entry(int e, float similarity) {
        Item item = items.get(e);
        return new Neighbour(similarity, item.words(), item.counts(), item.captions());
    }

    /**
     * The cells the nearest entries vote for: {@code voters} (most similar first) and {@code
     * extra} together, the {@code ballot.neighbours()} most similar of them; what {@link #cells}
     * does after its search, for a caller that searched itself ({@link #unitRows}). A voter gives
     * each key word of its captions its weight ({@link Ballot#power}) times the share of its
     * captions that name the word.
     */
    public static Cells vote(List<Neighbour> voters, List<Neighbour> extra, Ballot ballot) {
        if (!extra.isEmpty()) {
            voters = new ArrayList<>(voters);
            voters.addAll(extra);
            voters.sort((a, b) -> Float.compare(b.similarity(), a.similarity())); // stable: index first on ties
            voters = voters.subList(0, Math.min(ballot.neighbours(), voters.size()));
        }
        float[] weights = weights(voters, ballot.power()); // null: equal votes
        Map<Integer, Float> votes = new LinkedHashMap<>();
        for (int j = 0; j < voters.size(); j++) {
            Neighbour v = voters.get(j);
            for (int i = 0; i < v.words().length; i++) {
                float share = (float) v.counts()[i] / Math.max(1, v.captions());
                votes.merge(v.words()[i], weights == null ? share / voters.size() : share * weights[j], Float::sum);
            }
        }
        List<Map.Entry<Integer, Float>> ranked = new ArrayList<>(votes.entrySet());
        ranked.sort((a, b) -> a.getValue().equals(b.getValue())
                ? Integer.compare(a.getKey(), b.getKey())
                : Float.compare(b.getValue(), a.getValue()));
        int k = ballot.cells();
        int[] ids = new int[k];
        float[] shares = new float[k];
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            ids[i] = ranked.get(i).getKey();
            shares[i] = ranked.get(i).getValue();
        }
        return new Cells(ids, shares);
    }

    /**
     * Each voter's weight, summing to 1: max(0, similarity)^power over the voters' total; null
     * (equal votes) when {@code power} is 0 or no voter is similar at all.
     */
    static float[] weights(List<Neighbour> voters, float power) {
        if (power == 0) {
            return null;
        }
        float[] w = new float[voters.size()];
        double total = 0;
        for (int j = 0; j < w.length; j++) {
            w[j] = (float) Math.pow(Math.max(0, voters.get(j).similarity()), power);
            total += w[j];
        }
        if (total == 0) {
            return null;
        }
        for (int j = 0; j < w.length; j++) {
            w[j] = (float) (w[j] / total);
        }
        return w;
    }

    /**
     * Every entry's thumbnail centred and scaled to unit length ({@link #unitVector}), row after
     * row [N·D]: with a query's unit vector, one matrix product gives its cosine to every entry.
     */
    public float[] unitRows() {
        float[] out = new float[size() * width];
        for (int e = 0; e < size(); e++) {
            System.arraycopy(unitVector(items.get(e).thumb().bytes()), 0, out, e * width, width);
        }
        return out;
    }

    private boolean sharesCaption(int entry, Set<Long> keys) {
        if (keys.isEmpty()) {
            return false;
        }
        for (long key : items.get(entry).captionKeys()) {
            if (keys.contains(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A thumbnail as the search compares it: cos(a, b) of the centred thumbnails is (Σ a·b −
     * ΣaΣb/D) / (‖a − ā‖‖b − b̄‖), so the raw bytes, their sum and the centred norm are enough.
     * The byte products sum exactly in integers, and a quarter of the bytes of float vectors are
     * read per entry: the search reads every entry, so that is its cost.
     */
    private record Thumb(byte[] bytes, long sum, double norm) {

        static Thumb of(byte[] t) {
            long sum = 0;
            long squares = 0;
            for (byte b : t) {
                int v = b & 0xff;
                sum += v;
                squares += v * v;
            }
            return new Thumb(t, sum, Math.sqrt(Math.max(0, squares - (double) sum * sum / t.length)));
        }

        /** Cosine similarity of the centred thumbnails (0 when either is flat). */
        float cosine(Thumb o) {
            if (norm == 0 || o.norm == 0) {
                return 0f;
            }
            return (float) ((dot(bytes, o.bytes) - (double) sum * o.sum / bytes.length) / (norm * o.norm));
        }
    }

    /** The search's similarity of two thumbnails ({@link Thumb#cosine}). */
    static float cosine(byte[] a, byte[] b) {
        return Thumb.of(a).cosine(Thumb.of(b));
    }

    /** Σ a·b of unsigned bytes, with eight running sums the CPU overlaps (exact: at most 255²·D). */
    static long dot(byte[] a, byte[] b) {
        int s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= a.length; i += 8) {
            s0 += (a[i] & 0xff) * (b[i] & 0xff);
            s1 += (a[i + 1] & 0xff) * (b[i + 1] & 0xff);
            s2 += (a[i + 2] & 0xff) * (b[i + 2] & 0xff);
            s3 += (a[i + 3] & 0xff) * (b[i + 3] & 0xff);
            s4 += (a[i + 4] & 0xff) * (b[i + 4] & 0xff);
            s5 += (a[i + 5] & 0xff) * (b[i + 5] & 0xff);
            s6 += (a[i + 6] & 0xff) * (b[i + 6] & 0xff);
            s7 += (a[i + 7] & 0xff) * (b[i + 7] & 0xff);
        }
        for (; i < a.length; i++) {
            s0 += (a[i] & 0xff) * (b[i] & 0xff);
        }
        return (long) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    }

    /**
     * The thumbnail centred on its mean and scaled to unit length (a flat image stays zero): what
     * is compared, and the memory bank's key for a taught image. For two such keys, squared
     * distance d² = 2 − 2·cos.
     */
    public static float[] unitVector(byte[] thumbnail) {
        int d = thumbnail.length;
        float[] v = new float[d];
        double mean = 0;
        for (byte b : thumbnail) {
            mean += b & 0xff;
        }
        mean /= d;
        double norm = 0;
        for (int i = 0; i < d; i++) {
            v[i] = (float) ((thumbnail[i] & 0xff) - mean);
            norm += v[i] * v[i];
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < d; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    /** Writes the index to {@code file} atomically. */
    public synchronized void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC_TEXTS);
            out.writeUTF(descriptor.label());
            out.writeInt(size());
            for (Item item : items) {
                out.write(item.thumb().bytes());
                out.writeInt(item.captions());
                out.writeInt(item.words().length);
                for (int i = 0; i < item.words().length; i++) {
                    out.writeInt(item.words()[i]);
                    out.writeInt(item.counts()[i]);
                }
                out.writeInt(item.captionKeys().length);
                for (long key : item.captionKeys()) {
                    out.writeLong(key);
                }
                out.writeInt(item.texts().size());
                for (String text : item.texts()) {
                    out.writeUTF(text);
                }
            }
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * Reads an index written by {@link #write}.
     *
     * @param vocabSize word ids must be below it
     * @throws IllegalArgumentException with a one-line reason when the file is not such an index
     */
    public static CellIndex read(Path file, int vocabSize) {
        CellIndex index;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            int magic = in.readInt();
            if (magic == MAGIC && in.readInt() == ImageDescriptor.SIDE) {
                index = new CellIndex(ImageDescriptor.PIXELS);
            } else if (magic == MAGIC_DESCRIBED || magic == MAGIC_TEXTS) {
                index = new CellIndex(ImageDescriptor.named(in.readUTF()));
            } else {
                throw new IllegalArgumentException(file + " is not a kvcap cell index; copy the whole model directory, or retrain");
            }
            long most = Files.size(file) / Long.BYTES; // no list holds more 8-byte elements than that
            int n = in.readInt();
            for (int e = 0; e < n; e++) {
                byte[] thumb = new byte[index.width];
                in.readFully(thumb);
                int captions = in.readInt();
                int m = count(in, file, most);
                int[] w = new int[m];
                int[] c = new int[m];
                for (int i = 0; i < m; i++) {
                    w[i] = in.readInt();
                    c[i] = in.readInt();
                    if (w[i] < Vocabulary.SPECIALS || w[i] >= vocabSize || c[i] < 1) {
                        throw new IllegalArgumentException(file + ": entry " + e + " names word id " + w[i]
                                + ", outside the model's vocabulary of " + vocabSize + "; it belongs to another model");
                    }
                }
                long[] keys = new long[count(in, file, most)];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = in.readLong();
                }
                List<String> texts = new ArrayList<>();
                for (int i = magic == MAGIC_TEXTS ? in.readInt() : 0; i > 0; i--) {
                    texts.add(in.readUTF());
                }
                index.items.add(new Item(Thumb.of(thumb), w, c, Math.max(1, captions), keys, List.copyOf(texts)));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException(file + " has bytes after its last entry: it is damaged; copy the whole model directory again");
            }
        } catch (EOFException | UTFDataFormatException e) {
            throw damaged(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the cell index " + file + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return index;
    }

    /**
     * A length the index wrote; a negative one, or one longer than the file could hold ({@code
     * most} elements of 8 bytes), is damage, like an early end (not an out-of-memory error).
     */
    private static int count(DataInputStream in, Path file, long most) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > most) {
            throw damaged(file);
        }
        return n;
    }

    private static IllegalArgumentException damaged(Path file) {
        return new IllegalArgumentException(file + " is truncated or damaged: retrain the model or restore the file");
    }

    @Override
    public String toString() {
        return "CellIndex[" + size() + " entries]";
    }
}
