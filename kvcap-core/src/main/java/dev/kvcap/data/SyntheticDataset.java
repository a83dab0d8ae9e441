package dev.kvcap.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

/**
 * Generates a small captioned-shapes data set laid out like MSCOCO, for smoke tests, demos and for
 * measuring whether a model composes (see {@code docs/SYNTHETIC.md}).
 *
 * <p>Layout: {@code outDir/images/{train,val,test}/NNNNNN.png} and {@code
 * outDir/annotations/captions_{train,val,test}.json}. Image ids are 1..n, unique across splits; so
 * are annotation ids. Image {@code i} (0-based) goes to train when {@code i % 10 < 8}, to val when
 * it is 8, to test when it is 9. Train and val scenes avoid every held-out composition of {@link
 * HeldOutRule}; each test scene contains at least one.
 *
 * <p>The same seed, count and size give byte-identical files. Scenes and captions are drawn
 * sequentially from one {@link Random}; images are then rendered and written in parallel, each from
 * its own seed. Existing files of the same names are overwritten; other files are left.
 */
public final class SyntheticDataset {

    /** Default image side in pixels. */
    public static final int DEFAULT_IMAGE_SIZE = 64;

    /** The split names, in file order. */
    public static final List<String> SPLITS = List.of("train", "val", "test");

    /** Colour words used in captions. */
    public static final List<String> COLOURS =
            List.of("red", "green", "blue", "yellow", "purple", "orange");

    /** Shape words used in captions. */
    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "diamond");

    /** What {@link #generate} wrote. */
    public record Summary(
            Path outDir, int trainImages, int valImages, int testImages, int captions) {

        public int images() {
            return trainImages + valImages + testImages;
        }

        /** {@code outDir/annotations/captions_<split>.json}. */
        public Path annotations(String split) {
            return outDir.resolve("annotations").resolve("captions_" + split + ".json");
        }

        /**
         * {@code outDir/images/<split>}: the image folder whose {@code file_name}s the JSON lists.
         */
        public Path imageDir(String split) {
            return outDir.resolve("images").resolve(split);
        }
    }

    private SyntheticDataset() {}

    /** {@link #generate(Path, int, long, int)} with {@link #DEFAULT_IMAGE_SIZE}. */
    public static Summary generate(Path outDir, int nImages, long seed) throws IOException {
        return generate(outDir, nImages, seed, DEFAULT_IMAGE_SIZE);
    }

    /**
     * Writes {@code nImages} images of {@code imageSize}² pixels and their captions under {@code
     * outDir}.
     *
     * @throws IllegalArgumentException if {@code nImages < 1} or {@code imageSize < 32}
     */
    public static Summary generate(Path outDir, int nImages, long seed, int imageSize)
            throws IOException {
        if (nImages < 1) {
            throw new IllegalArgumentException("nImages must be >= 1, got " + nImages);
        }
        if (imageSize < 32) {
            throw new IllegalArgumentException("imageSize must be >= 32, got " + imageSize);
        }
        Random rng = new Random(seed);
        SyntheticSceneSampler sampler = new SyntheticSceneSampler(imageSize, rng);
        SyntheticScene[] scenes = new SyntheticScene[nImages];
        String[] splitOf = new String[nImages];
        List<List<CaptionedImage>> bySplit =
                List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int captions = 0;
        for (int i = 0; i < nImages; i++) {
            int s = i % 10 < 8 ? 0 : i % 10 == 8 ? 1 : 2;
            scenes[i] = s == 2 ? sampler.unseen() : sampler.seen();
            splitOf[i] = SPLITS.get(s);
            long id = i + 1;
            Path file =
                    outDir.resolve("images")
                            .resolve(splitOf[i])
                            .resolve(String.format("%06d.png", id));
            List<String> caps = SyntheticCaptions.captions(scenes[i], imageSize, rng);
            captions += caps.size();
            bySplit.get(s).add(new CaptionedImage(id, file, caps));
        }
        for (String split : SPLITS) {
            Files.createDirectories(outDir.resolve("images").resolve(split));
        }
        try {
            IntStream.range(0, nImages)
                    .parallel()
                    .forEach(
                            i -> {
                                BufferedImage img = SyntheticRenderer.render(scenes[i], imageSize);
                                Path file =
                                        outDir.resolve("images")
                                                .resolve(splitOf[i])
                                                .resolve(String.format("%06d.png", i + 1));
                                try {
                                    if (!ImageIO.write(img, "png", file.toFile())) {
                                        throw new IOException("no PNG writer");
                                    }
                                } catch (IOException e) {
                                    throw new UncheckedIOException(
                                            file + ": cannot write image", e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        long nextAnnotationId = 1;
        for (int s = 0; s < SPLITS.size(); s++) {
            String split = SPLITS.get(s);
            nextAnnotationId =
                    CocoCaptions.write(
                            outDir.resolve("annotations").resolve("captions_" + split + ".json"),
                            bySplit.get(s),
                            outDir.resolve("images").resolve(split),
                            imageSize,
                            imageSize,
                            nextAnnotationId);
        }
        return new Summary(
                outDir,
                bySplit.get(0).size(),
                bySplit.get(1).size(),
                bySplit.get(2).size(),
                captions);
    }
}
