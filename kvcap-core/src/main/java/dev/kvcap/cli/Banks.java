package dev.kvcap.cli;

import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.BankLockedException;
import dev.kvcap.bank.BankOptions;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import dev.kvcap.config.OptionException;
import dev.kvcap.data.CellIndex;
import dev.kvcap.infer.BankRetrieval;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
import dev.kvcap.infer.Retrieval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a model's memory bank lives ({@code <model weights dir>/memory}, i.e. inside {@code best/}
 * for a training run) and how commands open it: keys are the decoder's LSTM-2 state, so the bank's
 * width is the model's hidden width and its identity the fingerprint of the weights.
 */
final class Banks {

    private Banks() {}

    static Path dir(Path model) {
        return MemoryBank.dirOf(ModelFingerprint.weightsDir(model));
    }

    /**
     * The bank's identity: the weights' fingerprint, and the key width: the decoder's state, or
     * for a retrieval memory a taught image's descriptor ({@link CellIndex#descriptor}).
     */
    static BankInfo info(Path model, Captioner captioner) {
        int dim = captioner.model().model().readsCells() ? captioner.model().cells().descriptor().width() : captioner.model().config().model().hiddenDim();
        return new BankInfo(ModelFingerprint.of(model), dim);
    }

    /**
     * HNSW candidates per search while decoding: 16 instead of Lucene's 100, because the bank is
     * searched for every beam at every word. With 32 a merged graph keeps recall@8 near 0.98
     * (docs/MEMORY-BANK.md); since neighbours must also share the query's context, decoding keeps
     * the first 8 matching of the 16 nearest: measured, retrieval per caption 3.6 → 2.7 ms with
     * held-out CIDEr-D unchanged (3.293 with 32, 3.304 with 16).
     */
    static final BankOptions DECODING = BankOptions.DEFAULT.withSearchCandidates(16);

    /**
     * The bank a service reads and teaches: opened (created if needed) for writing where the model
     * directory lets it and no other process is writing the bank; otherwise (a model shipped
     * read-only, a {@code memory build} still running) the bank as it is, read-only, or none when
     * there is none. The service then answers with it but refuses to teach.
     */
    static Optional<MemoryBank> forServing(Path model, Captioner captioner) {
        Path dir = dir(model);
        if (Files.isDirectory(dir) ? Files.isWritable(dir) : Files.isWritable(dir.getParent())) {
            try {
                return Optional.of(openForWrite(model, captioner));
            } catch (BankLockedException e) {
                return openForRead(model, captioner);
            }
        }
        return openForRead(model, captioner);
    }

    /** Opens (creating if needed) the bank for writing. */
    static MemoryBank openForWrite(Path model, Captioner captioner) {
        return MemoryBank.open(dir(model), info(model, captioner), DECODING);
    }

    /** The bank for reading, if the model has one. */
    static Optional<MemoryBank> openForRead(Path model, Captioner captioner) {
        Path dir = dir(model);
        if (MemoryBank.identity(dir).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(MemoryBank.openReadOnly(dir, info(model, captioner), DECODING));
    }

    /**
     * The retrieval a captioning command should use: {@code off} none; {@code on} the bank, which
     * must exist; {@code auto} the bank when there is one.
     */
    static Optional<MemoryBank> forCaptioning(String mode, Path model, Captioner captioner) {
        switch (mode) {
            case "off":
                return Optional.empty();
            case "on":
                return Optional.of(
                        openForRead(model, captioner)
                                .orElseThrow(() -> new IllegalArgumentException(
                                        "--memory on: " + model + " has no memory bank; build one with 'kvcap memory build'")));
            case "auto":
                return openForRead(model, captioner);
            default:
                throw new OptionException("--memory must be on, off or auto (got '" + mode + "')");
        }
    }

    static Retrieval retrieval(MemoryBank bank, ModelOptions o) {
        return new BankRetrieval(bank, o.memoryK, o.memoryWeight)
                .skipWhenConfident(o.memoryConfident)
                .reading(o.memoryRead);
    }

    /**
     * Teaches {@code bank} a caption for each image file ({@link MemoryWriter#store}: each stored
     * once under {@code <kind>:<sha1 of the file>:<caption hash>}, cut to the model's longest caption).
     */
    static MemoryWriter.Stored add(
            MemoryBank bank, Captioner captioner, String kind, List<Path> images, List<byte[]> pixels, List<List<String>> captions)
            throws IOException {
        List<MemoryWriter.Lesson> lessons = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            lessons.add(new MemoryWriter.Lesson(Files.readAllBytes(images.get(i)), pixels.get(i), captions.get(i)));
        }
        return new MemoryWriter(captioner).store(bank, kind, lessons);
    }

    /** {@link #add} for generated captions ({@code caption --remember}): source {@code remember:}. */
    static MemoryWriter.Stored remember(
            MemoryBank bank, Captioner captioner, List<Path> images, List<byte[]> pixels, List<Captioner.Caption> captions)
            throws IOException {
        return add(bank, captioner, "remember", images, pixels, captions.stream().map(Captioner.Caption::words).toList());
    }
}
