package dev.kvcap.cli;

import dev.kvcap.bank.MemoryBank;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.DataException;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kvcap memory build}: fills the bank with the (state, next word) pairs of a captioned set. */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description = {
            "Fill the model's memory bank from captioned images. A retrieval memory (small's): one entry",
            "per caption, keyed by its image, read in the cells and, with --rerank, as a candidate caption.",
            "A learned-slot model: for every word of every caption, the decoder state that predicts it",
            "(key) and the word (value). Source: 'train:<image id>'.",
            "The bank is merged into one segment at the end, which makes lookups while decoding faster."
        })
final class MemoryBuildCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Mixin MemoryOptions memory;

    @Option(names = "--captions", paramLabel = "ANN.json", required = true, description = "MSCOCO captions JSON.")
    Path captions;

    @Option(names = "--images", paramLabel = "DIR", required = true, description = "Image folder.")
    Path images;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images.")
    Integer limit;

    @Option(names = "--per-image", paramLabel = "N", defaultValue = "5", description = "Captions per image to remember; default ${DEFAULT-VALUE}.")
    int perImage;

    @Override
    public Integer call() throws Exception {
        Limits.atLeastOne("--limit", limit);
        Limits.atLeastOne("--per-image", perImage);
        Limits.existingFolder("--images", images);
        Activity.now("reading the captions " + captions);
        CaptionSet set = CaptionSet.coco(captions, images).withCaptions();
        if (limit != null) {
            set = set.limit(limit);
        }
        long start = System.nanoTime();
        int skipped = 0;
        String firstSkip = null;
        Activity.now("loading the model " + memory.model);
        try (Captioner captioner = Models.load(memory.model);
                MemoryBank bank = Banks.openForWrite(memory.model, captioner)) {
            MemoryWriter writer = new MemoryWriter(captioner);
            List<MemoryWriter.Example> batch = new ArrayList<>();
            int done = 0;
            for (CaptionedImage img : set.images()) {
                Activity.now("writing the captions of image " + img.file() + " (image id " + img.imageId() + ") into the memory bank");
                byte[] pixels;
                try {
                    pixels = captioner.prepare(img.file());
                } catch (DataException e) {
                    if (skipped++ == 0) {
                        firstSkip = e.getMessage();
                        System.err.println("kvcap: skipped " + img.file() + ": " + firstSkip + " (further skips are only counted)");
                    }
                    continue;
                }
                for (String c : img.captions().subList(0, Math.min(perImage, img.captions().size()))) {
                    List<String> words = CaptionTokenizer.tokenize(c);
                    if (!words.isEmpty()) {
                        batch.add(new MemoryWriter.Example(pixels, words, "train:" + img.imageId()));
                    }
                }
                if (batch.size() >= 64) {
                    bank.add(writer.entries(batch));
                    batch.clear();
                }
                if (++done % 200 == 0) {
                    System.err.printf("kvcap: %d/%d images, %d entries%n", done, set.size(), bank.size());
                }
            }
            if (done == 0 && skipped > 0) { // before any result is printed: a failed command prints none
                throw new DataException("no image of " + captions + " could be read from " + images + " (" + skipped
                        + " skipped; the first: " + firstSkip + "); nothing was added");
            }
            Activity.now("writing the memory bank of " + memory.model);
            bank.add(writer.entries(batch));
            bank.commit();
            // One segment = one HNSW graph per search instead of one per flush: ~4x faster lookups
            // while decoding, for a one-off 9 s at 43k entries (docs/MEMORY-BANK.md).
            long merging = System.nanoTime();
            bank.merge();
            bank.commit();
            System.err.printf(
                    "kvcap: bank %s holds %d entries (%.1f s, of which merging %.1f s; %d image(s) skipped)%n",
                    Banks.dir(memory.model), bank.size(), (System.nanoTime() - start) / 1e9,
                    (System.nanoTime() - merging) / 1e9, skipped);
            System.out.println("{\"entries\": " + bank.size() + ", \"skipped_images\": " + skipped + "}");
        }
        return 0;
    }
}
