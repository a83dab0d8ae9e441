package dev.kvcap.cli;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.OptionException;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.DataException;
import dev.kvcap.data.ImageDescriptor;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.ChoiceFit;
import dev.kvcap.infer.NearestNeighbourCaptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The nearest-neighbour floor's options ({@code kvcap baseline}, and {@code evaluate} when asked to
 * print the floor beside the model) and the one way both compute it.
 */
final class BaselineOptions {

    /** Side the images are resized to for {@code --features gradients}. */
    private static final int GRADIENT_SIZE = 64;

    @Option(names = "--train-captions", paramLabel = "ANN.json", description = "The training set's MSCOCO captions: where the nearest neighbours and their captions come from.")
    Path trainCaptions;

    @Option(names = "--train-images", paramLabel = "DIR", description = "The training set's image folder (default: the folder beside --train-captions' annotations/, i.e. ../images/train for kvcap's layout; give it explicitly otherwise).")
    Path trainImages;

    @Option(
            names = "--features",
            paramLabel = "pixel|gradients|encoder",
            defaultValue = "pixel",
            description = "Where distances are measured: pixel (the images' raw RGB, resized to --pixel-size), gradients (histograms of oriented gradients at 64x64, the retrieval memory's model.memoryFeatures 'gradients'; cosine) or encoder (the global vector of --model's trained encoder); default ${DEFAULT-VALUE}.")
    String features;

    @Option(names = "--neighbours", paramLabel = "K", defaultValue = "1", description = "Neighbours whose captions compete, 1 to 256; the consensus caption (highest CIDEr-D against the others) wins; default ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--similarity-power",
            paramLabel = "P",
            defaultValue = "0",
            description = "With --neighbours K > 1: weigh each neighbour's captions by max(0, cosine)^P, and choose the caption with the highest weighted CIDEr-D against all of them, itself included (as --rerank weighs its candidates); 0 is the plain consensus (with --spans: every caption weighs alike, itself included); 12 with K 16 and --features gradients is the stronger floor of docs/REAL-DATA.md; default ${DEFAULT-VALUE}.")
    double similarityPower;

    @Option(
            names = "--spans",
            description = "For the floor (baseline, or evaluate with --train-captions): let shorter runs of a caption's words compete too (those that neither start nor end with a, an, the, of, and, or, in, on, at, by, for, to, with, or a clitic such as 's): 'clipboard' can win over 'clipboard check outline' when the neighbours agree on it and differ on the rest (as --rerank does); with --similarity-power 0 every caption weighs alike; off by default.")
    boolean spans;

    @Option(
            names = "--fit-choice",
            description = "With --neighbours K > 1: fit the choice among the neighbours' captions on the training images first (each of up to "
                    + ChoiceFit.IMAGES + " training images captioned from its nearest other items, a linear score over the hypotheses' length, rarity of words and agreement fitted to their CIDEr-D; docs/REAL-DATA.md, \"A fitted choice\"), then choose with it instead of by agreement alone; off by default.")
    boolean fitChoice;

    @Option(names = "--pixel-size", paramLabel = "N", defaultValue = "32", description = "Side the images are resized to for --features pixel; default ${DEFAULT-VALUE}.")
    int pixelSize;

    /** Whether the floor was asked for ({@code --train-captions} given). */
    boolean requested() {
        return trainCaptions != null;
    }

    /**
     * For {@code evaluate}, where the floor is optional: refuses an option of this mixin ({@code
     * mixin}, the command's spec of it) when no floor was asked for, instead of ignoring it.
     */
    void refuseUnused(CommandLine.Model.CommandSpec mixin, CommandLine.ParseResult parsed) {
        if (requested()) {
            return;
        }
        for (CommandLine.Model.OptionSpec option : mixin.options()) {
            if (parsed.hasMatchedOption(option)) {
                throw new OptionException(option.longestName() + " shapes the nearest-neighbour floor, which evaluate computes only with"
                        + " --train-captions ANN.json: add it, or leave out " + option.longestName());
            }
        }
    }

    /**
     * Checks the options before any work; {@code withModel}: a model is given, whose encoder
     * {@code --features encoder} measures with.
     */
    void validate(boolean withModel) {
        if (trainCaptions == null) {
            throw new IllegalArgumentException("the nearest-neighbour floor needs --train-captions (and --train-images)");
        }
        if (k < 1 || k > DecodeConfig.MAX_RERANK) {
            // the consensus compares every pair of the neighbours' captions: quadratic in K
            throw new OptionException("--neighbours must be between 1 and " + DecodeConfig.MAX_RERANK + ", got " + k);
        }
        if (!(similarityPower >= 0) || Double.isInfinite(similarityPower)) {
            throw new OptionException("--similarity-power must be 0 or a positive number, got " + similarityPower);
        }
        if (fitChoice && k < 2) {
            throw new OptionException("--fit-choice chooses among several neighbours' captions: give --neighbours K above 1 (32 with --similarity-power 12 --spans is what docs/REAL-DATA.md measured)");
        }
        if (pixelSize < 1 || pixelSize > 256) {
            throw new OptionException("--pixel-size must be in 1..256, got " + pixelSize);
        }
        if (trainImages != null) {
            Limits.existingFolder("--train-images", trainImages);
        }
        if (!List.of("pixel", "gradients", "encoder").contains(features)) {
            throw new OptionException("--features must be pixel, gradients or encoder, got '" + features + "'");
        }
        if (features.equals("encoder") && !withModel) {
            throw new OptionException("--features encoder needs --model (the trained encoder to measure with)");
        }
        trainImages(); // the captions file and the image folder it needs are there, before any image is captioned
    }

    /**
     * The training image folder: {@code --train-images}, or kvcap's layout beside the captions;
     * refuses {@code --train-captions} when it is not a file.
     */
    Path trainImages() {
        if (!Files.isRegularFile(trainCaptions)) {
            throw new IllegalArgumentException("--train-captions: " + trainCaptions
                    + (Files.isDirectory(trainCaptions) ? " is a folder; give the captions JSON file" : " does not exist"));
        }
        if (trainImages != null) {
            return trainImages;
        }
        Path guess = inferImages(trainCaptions);
        if (guess == null) {
            throw new IllegalArgumentException("give --train-images: no image folder found beside " + trainCaptions);
        }
        return guess;
    }

    /** {@code X/annotations/captions_S.json} → {@code X/images/S} when that folder exists. */
    static Path inferImages(Path captions) {
        Path dir = captions.toAbsolutePath().getParent();
        String name = captions.getFileName().toString();
        if (dir == null || dir.getParent() == null || !name.startsWith("captions_") || !name.endsWith(".json")) {
            return null;
        }
        Path images = dir.getParent().resolve("images").resolve(name.substring(9, name.length() - 5));
        return java.nio.file.Files.isDirectory(images) ? images : null;
    }

    /**
     * The floor's caption for every captioned image of {@code test} (in order; images that fail to
     * decode are skipped and reported on stderr).
     *
     * @param captioner the model whose encoder measures distances, for {@code --features encoder}
     */
    Map<Long, String> captions(CaptionSet test, Captioner captioner) {
        validate(captioner != null);
        long start = System.nanoTime();
        CaptionSet train = CaptionSet.coco(trainCaptions, trainImages()).withCaptions();
        List<CaptionedImage> kept = new ArrayList<>();
        List<float[]> trainFeatures = features(train.images(), captioner, kept);
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no training image of " + trainCaptions + " could be read");
        }
        NearestNeighbourCaptions nn =
                new NearestNeighbourCaptions(trainFeatures, kept.stream().map(CaptionedImage::captions).toList());
        List<CaptionedImage> queries = new ArrayList<>();
        List<float[]> queryFeatures = features(test.withCaptions().images(), captioner, queries);
        List<Double> fitted = List.of();
        if (fitChoice) {
            long fitStart = System.nanoTime();
            ChoiceFit.Fitted fit = nn.fitChoice(k, similarityPower, spans, ChoiceFit.IMAGES, 1,
                    (done, most) -> Activity.now("fitting the choice (" + done + " of at most " + most + " training images captioned from their nearest other items)"));
            fitted = fit.weights();
            System.err.printf("kvcap: choice fitted on %d training images in %.1f s%s%n", fit.images(),
                    (System.nanoTime() - fitStart) / 1e9, fitted.isEmpty() ? " (too few with neighbours: choosing by agreement)" : "");
        }
        List<String> out = nn.caption(queryFeatures, k, similarityPower, spans, fitted);
        Map<Long, String> results = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            results.put(queries.get(i).imageId(), out.get(i));
        }
        System.err.printf(
                "kvcap: nearest-neighbour floor (%s features, k %d%s%s%s): %d images captioned from %d training images in %.1f s%n",
                features, k, similarityPower == 0 ? "" : ", similarity^" + similarityPower, spans ? ", spans" : "", fitted.isEmpty() ? "" : ", fitted choice", results.size(), nn.size(), (System.nanoTime() - start) / 1e9);
        return results;
    }

    /** Feature vectors of the images that decode; those images are appended to {@code kept}. */
    private List<float[]> features(List<CaptionedImage> images, Captioner captioner, List<CaptionedImage> kept) {
        boolean encoder = features.equals("encoder");
        boolean gradients = features.equals("gradients");
        int size = encoder ? captioner.model().config().model().imageSize() : gradients ? GRADIENT_SIZE : pixelSize;
        byte[][] pixels = new byte[images.size()][];
        String[] failures = new String[images.size()];
        java.util.stream.IntStream.range(0, images.size()).parallel().forEach(i -> {
            try {
                pixels[i] = ImageLoader.resizeToBytes(ImageLoader.readRgb(images.get(i).file()), size);
            } catch (DataException e) {
                failures[i] = e.getMessage();
            }
        });
        List<byte[]> ok = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < images.size(); i++) {
            if (pixels[i] == null) {
                if (skipped++ == 0) {
                    System.err.println("kvcap: skipped " + failures[i]);
                }
                continue;
            }
            kept.add(images.get(i));
            ok.add(pixels[i]);
        }
        if (skipped > 1) {
            System.err.println("kvcap: " + skipped + " image(s) could not be decoded and were skipped");
        }
        List<float[]> out = new ArrayList<>(ok.size());
        if (gradients) {
            for (byte[] p : ok) {
                out.add(CellIndex.unitVector(ImageDescriptor.GRADIENTS.describe(p, size))); // unit: distance ranks as cosine
            }
            return out;
        }
        if (!encoder) {
            for (byte[] p : ok) {
                float[] v = new float[p.length];
                for (int j = 0; j < p.length; j++) {
                    v[j] = (p[j] & 0xff) / 255f;
                }
                out.add(v);
            }
            return out;
        }
        for (int from = 0; from < ok.size(); from += 64) {
            for (float[] v : captioner.globalFeatures(ok.subList(from, Math.min(ok.size(), from + 64)))) {
                out.add(v);
            }
        }
        return out;
    }
}
