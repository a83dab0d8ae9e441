package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.Ops;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An auxiliary training loss that teaches the encoder what is in the image: from the image vector
 * the decoder reads, one linear layer predicts which content words the image's captions use, as a
 * distribution (softmax cross-entropy against the image's content words, each with an equal share:
 * the multi-label softmax of Mahajan et al. 2018). The captioning loss reaches the encoder only
 * through the decoder, which on small, varied data first learns the language and leaves the image
 * vector nearly unused (docs/REAL-DATA.md: a collapsed model whose encoder was worse than raw
 * pixels at finding neighbours); this loss gives the encoder a direct signal from the first step.
 *
 * <p>The layer exists only while training: it is saved in {@code last/} for {@code --resume}, never
 * in the model a user captions with.
 *
 * <p>Legend: B batch, D image vector width, V vocabulary.
 */
final class WordPresence {

    static final String FILE = "word-presence.params";

    private final Linear head;
    private final int vocabSize; // V
    private final int[][] contentWords; // per training image, the distinct content words of its captions

    /**
     * @param captions per training image its encoded captions ({@code <start>} … {@code <end>})
     * @param inputDim D
     */
    WordPresence(Vocabulary vocab, List<int[][]> captions, int inputDim, NDManager manager) {
        head = Linear.builder().setUnits(vocab.size()).build();
        head.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, inputDim));
        vocabSize = vocab.size();
        contentWords = new int[captions.size()][];
        for (int i = 0; i < contentWords.length; i++) {
            Set<Integer> words = new LinkedHashSet<>();
            for (int[] cap : captions.get(i)) {
                for (int w : cap) {
                    if (vocab.isContentWord(w)) {
                        words.add(w);
                    }
                }
            }
            contentWords[i] = words.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * The loss of images {@code idx[from..to)} from their image vectors.
     *
     * @param global [B, D]
     * @return −Σ_w y_w log softmax(W g)_w, averaged over the images (a scalar); y_w is 1/n for each
     *     of the image's n content words, 0 elsewhere
     */
    NDArray loss(ParameterStore ps, NDArray global, int[] idx, int from, int to, boolean training) {
        int b = to - from;
        int v = vocabSize;
        float[] y = new float[b * v];
        for (int i = 0; i < b; i++) {
            int[] words = contentWords[idx[from + i]];
            for (int w : words) {
                y[i * v + w] = 1f / words.length;
            }
        }
        NDArray logProbs = head.forward(ps, new NDList(global), training).head().logSoftmax(-1); // [B, V]
        NDArray shares = global.getManager().create(y, new Shape(b, v));
        return Ops.scale(logProbs.mul(shares).sum().neg(), 1f / b);
    }

    PairList<String, Parameter> parameters() {
        PairList<String, Parameter> out = new PairList<>();
        for (Pair<String, Parameter> p : head.getParameters()) {
            out.add("word_presence_" + p.getKey(), p.getValue());
        }
        return out;
    }

    void save(OutputStream out) throws IOException {
        head.saveParameters(new java.io.DataOutputStream(out));
    }

    void load(NDManager manager, InputStream in) throws IOException {
        try {
            head.loadParameters(manager, new java.io.DataInputStream(in));
            // loaded arrays come without gradients; training needs them back
            head.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException("cannot read " + FILE + ": " + e.getMessage(), e);
        }
    }
}
