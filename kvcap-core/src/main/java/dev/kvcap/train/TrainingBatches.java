package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.kvcap.data.Augmenter;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.CiderWords;
import dev.kvcap.data.DataException;
import dev.kvcap.data.ImageCache;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training examples as tensors: per image its resized pixels (CHW bytes) and its encoded captions.
 * Each epoch visits every image once in a seeded random order, with one of its captions drawn at
 * random, so a seeded run always sees the same batches.
 *
 * <p>A batch is images [B, 3, S, S] (normalised), inputs [B, T] ({@code <start>} w1 … wn) and
 * targets [B, T] (w1 … wn {@code <end>}), padded with 0.
 */
final class TrainingBatches {

    private final List<CaptionedImage> images;
    private final ImageCache pixels;
    private final List<int[][]> captions;
    private final int imageSize;
    private final int[] target; // per image, the one caption to learn; null: one drawn at random

    /**
     * @param images the images (all known to decode)
     * @param pixels where their resized CHW bytes come from
     * @param captions encoded captions per image (each {@code <start>} … {@code <end>})
     */
    TrainingBatches(
            List<CaptionedImage> images, ImageCache pixels, List<int[][]> captions, int imageSize) {
        this(images, pixels, captions, imageSize, null);
    }

    /**
     * @param target per image, which of its captions {@link #captions(int[], int, int, Random)}
     *     always gives ({@link #central}); null to draw one at random
     */
    TrainingBatches(
            List<CaptionedImage> images, ImageCache pixels, List<int[][]> captions, int imageSize, int[] target) {
        this.images = images;
        this.pixels = pixels;
        this.captions = captions;
        this.imageSize = imageSize;
        this.target = target;
    }

    /**
     * Per image, the caption that agrees best with its other captions: the highest CIDEr-D against
     * them, document frequencies from all the images' captions (the first on ties; the only one
     * when there is one). A caption that shares its words with the others ("clock hour 4" among
     * "clock", "4 oclock", "time") is what a caption scored against all of them should say.
     *
     * @param captions per image, its captions' words
     * @param words their ids (the vocabulary's, and one each for the words it lacks)
     */
    static int[] central(List<List<List<String>>> captions, CiderWords words) {
        List<int[][]> docs = new ArrayList<>();
        for (List<List<String>> image : captions) {
            docs.add(image.stream().map(words::ids).toArray(int[][]::new));
        }
        CiderReward cider = new CiderReward(docs, words.size());
        int[] out = new int[captions.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = captions.get(i).size() < 2 ? 0 : cider.consensus(new int[] {i});
        }
        return out;
    }

    /** The images, aligned with the batches' indices. */
    List<CaptionedImage> images() {
        return images;
    }

    int size() {
        return images.size();
    }

    int batches(int batchSize) {
        return (size() + batchSize - 1) / batchSize;
    }

    /** The image order of one epoch. */
    static int[] order(int n, Random rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /**
     * Normalised images {@code idx[from..to)} [B, 3, S, S]; augmented with {@code rng} unless it is
     * null.
     */
    NDArray images(NDManager manager, int[] idx, int from, int to, Random rng, Augmenter augment) {
        int b = to - from;
        int pix = 3 * imageSize * imageSize;
        float[] data = new float[b * pix];
        for (int i = 0; i < b; i++) {
            byte[] px = pixels(idx[from + i]);
            if (rng != null) {
                px = augment.apply(px, imageSize, rng);
            }
            System.arraycopy(ImageLoader.normalize(px), 0, data, i * pix, pix);
        }
        return manager.create(data, new Shape(b, 3, imageSize, imageSize));
    }

    /** Resized CHW bytes of image {@code i}, as {@link #images} reads them. */
    byte[] pixels(int i) {
        CaptionedImage image = images.get(i);
        return pixels.get(image, imageSize).orElseThrow(() -> new DataException(image.file() + ": no longer decodes"));
    }

    int imageSize() {
        return imageSize;
    }

    /**
     * One encoded caption per image {@code idx[from..to)}: its target caption when the batches have
     * one, else drawn with {@code rng}, or the first.
     */
    List<int[]> captions(int[] idx, int from, int to, Random rng) {
        List<int[]> chosen = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            int[][] caps = captions.get(idx[i]);
            chosen.add(caps[target != null ? target[idx[i]] : rng == null ? 0 : rng.nextInt(caps.length)]);
        }
        return chosen;
    }

    /**
     * {@code k} encoded captions per image {@code idx[from..to)}, image-major: drawn without
     * replacement while the image has captions left, then again from all of them.
     */
    List<int[]> captions(int[] idx, int from, int to, int k, Random rng) {
        List<int[]> chosen = new ArrayList<>((to - from) * k);
        for (int i = from; i < to; i++) {
            int[][] caps = captions.get(idx[i]);
            int[] pick = order(caps.length, rng);
            for (int j = 0; j < k; j++) {
                chosen.add(caps[j < caps.length ? pick[j] : rng.nextInt(caps.length)]);
            }
        }
        return chosen;
    }

    /** Every encoded caption ({@code <start>} … {@code <end>}) of image {@code i}. */
    int[][] allCaptions(int i) {
        return captions.get(i);
    }

    /**
     * Inputs [B, T] ({@code <start>} w1 … wn) and targets [B, T] (w1 … wn {@code <end>}) of encoded
     * captions, padded with 0 to the longest.
     */
    static NDList tokens(NDManager manager, List<int[]> chosen) {
        int b = chosen.size();
        int longest = 0;
        for (int[] cap : chosen) {
            longest = Math.max(longest, cap.length - 1);
        }
        int[] inputs = new int[b * longest];
        int[] targets = new int[b * longest];
        for (int i = 0; i < b; i++) {
            int[] cap = chosen.get(i);
            for (int t = 0; t < cap.length - 1; t++) {
                inputs[i * longest + t] = cap[t];
                targets[i * longest + t] = cap[t + 1];
            }
        }
        NDArray in = manager.create(inputs, new Shape(b, longest)).toType(DataType.INT64, false);
        NDArray out = manager.create(targets, new Shape(b, longest)).toType(DataType.INT64, false);
        return new NDList(in, out);
    }

    /** Encodes raw captions, dropping captions with no words; images left with none are dropped by the caller. */
    static int[][] encode(Vocabulary vocab, List<List<String>> tokenized, int maxLen) {
        List<int[]> out = new ArrayList<>();
        for (List<String> tokens : tokenized) {
            if (!tokens.isEmpty()) {
                out.add(vocab.encode(tokens, maxLen));
            }
        }
        return out.toArray(new int[0][]);
    }
}
