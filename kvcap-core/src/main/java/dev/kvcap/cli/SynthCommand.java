package dev.kvcap.cli;

import dev.kvcap.config.ModelConfig;
import dev.kvcap.config.OptionException;
import dev.kvcap.data.SyntheticDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Write a synthetic captioned-shapes data set in MSCOCO layout.",
            "Layout:",
            "DIR/images/{train,val,test}/ and DIR/annotations/captions_{train,val,test}.json.",
            "The test split holds colour-shape-relation combinations never seen in training."
        })
final class SynthCommand implements Callable<Integer> {

    /** The most images one run makes: MSCOCO's training split is 83,000; ten times that is 1.2 GB of PNGs at 64². */
    static final int MAX_IMAGES = 1_000_000;

    /** {@code --images} of synth and demo: at least 10 (a split needs a few of each), at most {@link #MAX_IMAGES}. */
    static void checkImages(int images) {
        if (images < 10 || images > MAX_IMAGES) {
            throw new OptionException("--images must be between 10 and " + MAX_IMAGES + ", got " + images);
        }
    }

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--images", paramLabel = "N", defaultValue = "3000", description = "Number of images (80/10/10 split); default ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "64", description = "Image side in pixels; default ${DEFAULT-VALUE}.")
    int size;

    @Override
    public Integer call() throws Exception {
        Limits.folderOrNothing("--out", out);
        checkImages(images);
        if (size < 32 || size > ModelConfig.MAX_IMAGE_SIZE) {
            throw new OptionException("--size must be between 32 and " + ModelConfig.MAX_IMAGE_SIZE + " pixels, got " + size);
        }
        Activity.now("generating " + images + " synthetic images in " + out);
        SyntheticDataset.Summary s = SyntheticDataset.generate(out, images, seed, size);
        System.out.printf(
                "wrote %d train, %d val, %d test images (%d captions) to %s%n",
                s.trainImages(), s.valImages(), s.testImages(), s.captions(), out);
        return 0;
    }
}
