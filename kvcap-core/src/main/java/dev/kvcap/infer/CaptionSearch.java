package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one caption search: batched beam search over B images × k beams (k = 1 is greedy). Used by
 * validation, {@code evaluate}, {@code caption} and {@code serve}.
 *
 * <p>Each step runs the model once on all B·k rows; the choice of words happens in Java on the
 * step's log-probabilities (masked by {@link DecodeRules}). A beam that emits {@code <end>} is
 * finished and ranked by logP / len^lengthPenalty; beams still alive at the maximum length are
 * kept as unfinished hypotheses, so every image always gets a caption.
 */
public final class CaptionSearch {

    private final KvmCaptionModel model;
    private final DecodeConfig config;
    private final DecodeRules rules;
    private final boolean recordAttention;
    private Retrieval retrieval;
    private Map<Integer, Integer> slotOf; // word id → memory slot, for Read.SLOTS

    /**
     * @param recordAttention keep every word's heat-map (for {@code --heatmaps} and the service)
     */
    public CaptionSearch(
            KvmCaptionModel model,
            DecodeConfig config,
            boolean recordAttention) {
        this.model = model;
        this.config = config.validate();
        this.rules = new DecodeRules(config);
        this.recordAttention = recordAttention;
    }

    /**
     * Consults {@code r} (the memory bank) at every step: interpolated with the word distribution,
     * or read through the memory's slots ({@link Retrieval#read()}; then {@link #withSlotWords} is
     * needed).
     */
    public CaptionSearch withRetrieval(Retrieval r) {
        this.retrieval = r;
        return this;
    }

    /** The word each memory slot stands for, slot order (Vocabulary.frequentContentWords). */
    public CaptionSearch withSlotWords(List<Integer> words) {
        this.slotOf = new HashMap<>();
        for (int k = 0; k < Math.min(words.size(), model.memorySlots()); k++) {
            slotOf.put(words.get(k), k);
        }
        return this;
    }

    /**
     * Captions a batch.
     *
     * @param images normalised images [B, 3, S, S]
     * @return per image, up to k hypotheses, best first
     */
    public List<List<Hypothesis>> search(NDArray images) {
        return search(images, null);
    }

    /**
     * Captions a batch whose model reads retrieved cells ({@link KvmCaptionModel#readsCells}).
     *
     * @param images normalised images [B, 3, S, S]
     * @param cells the images' cells: key word ids [B, K] and shares [B, K]; null for a model without
     * @return per image, up to k hypotheses, best first
     */
    public List<List<Hypothesis>> search(NDArray images, NDList cells) {
        JniUtils.setGradMode(false); // grad mode is per thread; worker threads start with it on
        try (NDScope outer = new NDScope()) {
            outer.suppressNotUsedWarning();
            return search(model.encode(new ParameterStore(images.getManager(), false), images, cells, false));
        }
    }

    /**
     * Captions a batch of encoded images ({@link KvmCaptionModel#encode}, or {@link
     * KvmCaptionModel#context} of cached features).
     *
     * @return per image, up to k hypotheses, best first
     */
    public List<List<Hypothesis>> search(ImageContext encoded) {
        JniUtils.setGradMode(false);
        NDManager manager = encoded.global().getManager();
        ParameterStore ps = new ParameterStore(manager, false);
        int b = (int) encoded.batchSize();
        int k = config.beamSize();
        int rows = b * k;
        Beams beams = new Beams(b, k);
        try (NDScope outer = new NDScope()) {
            outer.suppressNotUsedWarning();
            ImageContext ctx = encoded.repeat(k);
            DecodeState state = model.start(ps, ctx, false);
            int[] words = new int[rows];
            Arrays.fill(words, Vocabulary.START_ID);
            for (int t = 0; t < config.maxLen() && !beams.allDone(); t++) {
                DecodeState next;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray prev = manager.create(longs(words));
                    KvmCaptionModel.StepOutput out = model.step(ps, ctx, prev, state, false);
                    float[] logProbs = out.logits().logSoftmax(-1).toFloatArray();
                    if (retrieval != null) {
                        Retrieval.WordDistribution[] found =
                                lookUp(logProbs, out.state().lstm().get(2), beams.active(), beams.contexts());
                        if (retrieval.read() == Retrieval.Read.SLOTS) {
                            NDArray share = slotShare(found, manager);
                            if (share != null) { // the step again, reading the bank's share
                                out = model.step(ps, ctx, prev, state, share, false);
                                logProbs = out.logits().logSoftmax(-1).toFloatArray();
                            }
                        } else {
                            interpolate(logProbs, found);
                        }
                    }
                    float[] maps = recordAttention ? out.pixels().toFloatArray() : null;
                    int[] source = beams.advance(logProbs, maps, t, words);
                    next = inPlace(source) ? out.state() : out.state().select(manager.create(longs(source)));
                    next.unregisterFromScope();
                }
                if (t > 0) {
                    state.closeReplacedBy(next);
                }
                state = next;
            }
            state.close();
        }
        return beams.results();
    }

    /**
     * The bank's distribution for each row that needs one, null for the others.
     *
     * @param keys the rows' states h2 [N, H]
     * @param active rows still being extended (only those are looked up: retrieval is the cost)
     * @param contexts per row, the two words its state has read (see {@code MemoryWriter})
     */
    private Retrieval.WordDistribution[] lookUp(float[] logProbs, NDArray keys, boolean[] active, long[] contexts) {
        int rows = (int) keys.getShape().get(0);
        int dim = (int) keys.getShape().get(1);
        int vocab = logProbs.length / rows;
        float[] flat = keys.toFloatArray();
        float confident = (float) Math.log(retrieval.confidentAbove());
        List<float[]> k = new ArrayList<>();
        long[] ctx = new long[rows];
        for (int r = 0; r < rows; r++) {
            if (active[r] && max(logProbs, r * vocab, vocab) >= confident) {
                active[r] = false; // the model is sure of this word: no lookup (retrieval is the cost)
            }
            if (active[r]) {
                ctx[k.size()] = contexts[r];
                k.add(Arrays.copyOfRange(flat, r * dim, (r + 1) * dim));
            }
        }
        List<Retrieval.WordDistribution> found =
                k.isEmpty() ? List.of() : retrieval.lookup(k.toArray(new float[0][]), Arrays.copyOf(ctx, k.size()));
        Retrieval.WordDistribution[] out = new Retrieval.WordDistribution[rows];
        int next = 0;
        for (int r = 0; r < rows; r++) {
            if (active[r]) {
                Retrieval.WordDistribution d = found.get(next++);
                out[r] = d.isEmpty() ? null : d; // nothing remembered near this state: the model alone decides
            }
        }
        return out;
    }

    /** log((1 − λ)·p_model + λ·p_bank) in place, row by row. */
    private static void interpolate(float[] logProbs, Retrieval.WordDistribution[] found) {
        int vocab = logProbs.length / found.length;
        for (int r = 0; r < found.length; r++) {
            Retrieval.WordDistribution d = found[r];
            if (d == null) {
                continue;
            }
            double lambda = d.weight();
            float keep = (float) Math.log(1 - lambda);
            int base = r * vocab;
            for (int w = 0; w < vocab; w++) {
                logProbs[base + w] += keep;
            }
            for (int i = 0; i < d.words().length; i++) {
                int w = d.words()[i];
                if (w >= 0 && w < vocab) {
                    double bank = lambda * d.probs()[i];
                    logProbs[base + w] = (float) Math.log(Math.exp(logProbs[base + w]) + bank);
                }
            }
        }
    }

    /**
     * Per row, λ·p_bank over the memory slots of the remembered words ([N, K], rows summing to λ
     * or 0), or null when no row found a word that has a slot.
     */
    private NDArray slotShare(Retrieval.WordDistribution[] found, NDManager manager) {
        if (slotOf == null) {
            throw new IllegalStateException("reading the bank through the memory's slots needs withSlotWords");
        }
        int slots = model.memorySlots();
        float[] share = new float[found.length * slots];
        boolean any = false;
        for (int r = 0; r < found.length; r++) {
            Retrieval.WordDistribution d = found[r];
            if (d == null) {
                continue;
            }
            double onSlots = 0;
            for (int i = 0; i < d.words().length; i++) {
                onSlots += slotOf.containsKey(d.words()[i]) ? d.probs()[i] : 0;
            }
            if (onSlots <= 0) {
                continue; // every remembered word lacks a slot: nothing to read
            }
            for (int i = 0; i < d.words().length; i++) {
                Integer k = slotOf.get(d.words()[i]);
                if (k != null) {
                    share[r * slots + k] += (float) (d.weight() * d.probs()[i] / onSlots);
                    any = true;
                }
            }
        }
        return any ? manager.create(share, new Shape(found.length, slots)) : null;
    }

    /** int64 ids, made in Java: one native call instead of creating int32 and converting. */
    private static long[] longs(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** True when every row continues its own state (always so for greedy): no reordering needed. */
    private static boolean inPlace(int[] source) {
        for (int r = 0; r < source.length; r++) {
            if (source[r] != r) {
                return false;
            }
        }
        return true;
    }

    private static float max(float[] a, int from, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }


    /** A partial caption being extended. */
    private record Partial(
            List<Integer> words, List<Float> logProbs, double logProb, List<float[]> attention) {

        Partial extend(int word, float logProb, float[] map) {
            List<Integer> w = new ArrayList<>(words);
            w.add(word);
            List<Float> lp = new ArrayList<>(logProbs);
            lp.add(logProb);
            List<float[]> at = attention;
            if (map != null) {
                at = new ArrayList<>(attention);
                at.add(map);
            }
            return new Partial(w, lp, this.logProb + logProb, at);
        }
    }

    /** Java-side bookkeeping of the live and finished beams of every image. */
    private final class Beams {
        private final int images;
        private final int k;
        private final Partial[] live; // [B·k], null = dead slot
        private final List<List<Hypothesis>> finished = new ArrayList<>();
        private final boolean[] done;

        Beams(int images, int k) {
            this.images = images;
            this.k = k;
            live = new Partial[images * k];
            done = new boolean[images];
            for (int i = 0; i < images; i++) {
                live[i * k] = new Partial(List.of(), List.of(), 0.0, List.of());
                finished.add(new ArrayList<>());
            }
        }

        /** Per row, the context of the state just computed: the last two words it read. */
        long[] contexts() {
            long[] c = new long[live.length];
            for (int r = 0; r < live.length; r++) {
                c[r] = MemoryWriter.contextAfter(live[r] == null ? List.of() : live[r].words(), Vocabulary.PAD_ID, Vocabulary.START_ID);
            }
            return c;
        }

        /** Rows whose partial caption is still being extended. */
        boolean[] active() {
            boolean[] a = new boolean[live.length];
            for (int r = 0; r < live.length; r++) {
                a[r] = live[r] != null && !done[r / k];
            }
            return a;
        }

        boolean allDone() {
            for (boolean d : done) {
                if (!d) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Chooses each image's next k beams from its live beams' expansions; fills {@code words}
         * with the chosen words and returns, per row, the row whose state it continues.
         */
        int[] advance(float[] logProbs, float[] maps, int t, int[] words) {
            int vocab = logProbs.length / live.length;
            int mapSize = maps == null ? 0 : maps.length / live.length;
            int[] source = new int[live.length];
            Partial[] nextLive = new Partial[live.length];
            for (int img = 0; img < images; img++) {
                int base = img * k;
                Arrays.fill(source, base, base + k, base);
                if (done[img]) {
                    continue;
                }
                Candidates top = new Candidates(2 * k);
                float[] row = new float[vocab];
                for (int j = 0; j < k; j++) {
                    Partial p = live[base + j];
                    if (p == null) {
                        continue;
                    }
                    System.arraycopy(logProbs, (base + j) * vocab, row, 0, vocab);
                    rules.apply(row, p.words());
                    for (int w = 0; w < vocab; w++) {
                        if (row[w] != DecodeRules.BLOCKED) {
                            top.offer(p.logProb() + row[w], j, w, row[w]);
                        }
                    }
                }
                int kept = 0;
                for (int c = 0; c < top.size() && kept < k; c++) {
                    int j = top.beam[c];
                    Partial p = live[base + j];
                    float[] map =
                            maps == null
                                    ? null
                                    : Arrays.copyOfRange(
                                            maps, (base + j) * mapSize, (base + j + 1) * mapSize);
                    Partial q = p.extend(top.word[c], top.wordLogProb[c], map);
                    if (top.word[c] == Vocabulary.END_ID) {
                        finish(img, q, true);
                    } else {
                        nextLive[base + kept] = q;
                        source[base + kept] = base + j;
                        words[base + kept] = top.word[c];
                        kept++;
                    }
                }
                done[img] = isDone(img, nextLive, base);
                if (t == config.maxLen() - 1 || done[img]) {
                    if (!done[img] || finished.get(img).isEmpty()) {
                        for (int j = 0; j < k; j++) {
                            if (nextLive[base + j] != null) {
                                finish(img, nextLive[base + j], false);
                            }
                        }
                    }
                    done[img] = true;
                }
            }
            System.arraycopy(nextLive, 0, live, 0, live.length);
            return source;
        }

        private boolean isDone(int img, Partial[] nextLive, int base) {
            List<Hypothesis> f = finished.get(img);
            if (f.size() < k) {
                return nextLive[base] == null;
            }
            double bestFinished = f.stream().mapToDouble(Hypothesis::score).max().orElse(-1e30);
            double bestLive = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                Partial p = nextLive[base + j];
                if (p != null) {
                    bestLive = Math.max(bestLive, rules.score(p.logProb(), p.words().size()));
                }
            }
            return bestFinished >= bestLive;
        }

        private void finish(int img, Partial p, boolean ended) {
            List<Integer> words = ended ? p.words().subList(0, p.words().size() - 1) : p.words();
            List<float[]> attention =
                    ended && !p.attention().isEmpty()
                            ? p.attention().subList(0, p.attention().size() - 1)
                            : p.attention();
            finished.get(img)
                    .add(
                            new Hypothesis(
                                    List.copyOf(words),
                                    List.copyOf(p.logProbs()),
                                    p.logProb(),
                                    rules.score(p.logProb(), words.size() + (ended ? 1 : 0)),
                                    ended,
                                    List.copyOf(attention)));
        }

        List<List<Hypothesis>> results() {
            List<List<Hypothesis>> out = new ArrayList<>();
            for (List<Hypothesis> f : finished) {
                List<Hypothesis> sorted = new ArrayList<>(f);
                sorted.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
                out.add(Collections.unmodifiableList(sorted.subList(0, Math.min(k, sorted.size()))));
            }
            return out;
        }
    }

    /** The n best (score, beam, word) triples offered, kept sorted best first. */
    private static final class Candidates {
        final double[] score;
        final int[] beam;
        final int[] word;
        final float[] wordLogProb;
        private int size;

        Candidates(int n) {
            score = new double[n];
            beam = new int[n];
            word = new int[n];
            wordLogProb = new float[n];
        }

        int size() {
            return size;
        }

        void offer(double s, int b, int w, float lp) {
            if (size == score.length && s <= score[size - 1]) {
                return;
            }
            int i = size == score.length ? size - 1 : size++;
            while (i > 0 && score[i - 1] < s) {
                score[i] = score[i - 1];
                beam[i] = beam[i - 1];
                word[i] = word[i - 1];
                wordLogProb[i] = wordLogProb[i - 1];
                i--;
            }
            score[i] = s;
            beam[i] = b;
            word[i] = w;
            wordLogProb[i] = lp;
        }
    }
}
