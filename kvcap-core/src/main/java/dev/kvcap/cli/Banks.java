package dev.kvcap.cli;

import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.BankOptions;
import dev.kvcap.bank.Entry;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import dev.kvcap.infer.BankRetrieval;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
import dev.kvcap.infer.Retrieval;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    static BankInfo info(Path model, Captioner captioner) {
        return new BankInfo(ModelFingerprint.of(model), captioner.model().config().model().hiddenDim());
    }

    /**
     * HNSW candidates per search while decoding: 16 instead of Lucene's 100, because the bank is
     * searched for every beam at every word. With 32 a merged graph keeps recall@8 near 0.98
     * (docs/MEMORY-BANK.md); since neighbours must also share the query's context, decoding keeps
     * the first 8 matching of the 16 nearest: measured, retrieval per caption 3.6 → 2.7 ms with
     * held-out CIDEr-D unchanged (3.293 with 32, 3.304 with 16).
     */
    static final BankOptions DECODING = BankOptions.DEFAULT.withSearchCandidates(16);

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
                throw new IllegalArgumentException("--memory must be on, off or auto (got '" + mode + "')");
        }
    }

    static Retrieval retrieval(MemoryBank bank, ModelOptions o) {
        return new BankRetrieval(bank, o.memoryK, o.memoryWeight)
                .skipWhenConfident(o.memoryConfident)
                .reading(o.memoryRead);
    }

    /**
     * What {@link #add} did.
     *
     * @param given examples offered
     * @param duplicates examples skipped because the bank already held that caption for that image
     * @param cut examples stored with their caption cut to {@code maxWords}
     * @param maxWords the model's longest caption ({@code data.maxCaptionLen})
     * @param added entries stored: one per kept word, plus one for {@code <end>}
     * @param bankSize entries in the bank afterwards
     * @param sources each example's source, in order
     */
    record Added(int given, int duplicates, int cut, int maxWords, long added, long bankSize, List<String> sources) {

        /** One line for stderr, e.g. {@code remembered 2 captions (26 entries); the bank holds 40 entries}. */
        String describe(String verb, String noun) {
            StringBuilder sb = new StringBuilder(verb).append(' ')
                    .append(given - duplicates).append(' ').append(noun).append(given - duplicates == 1 ? "" : "s")
                    .append(" (").append(added).append(added == 1 ? " entry)" : " entries)");
            if (duplicates > 0) {
                sb.append("; ").append(duplicates).append(duplicates == 1 ? " was" : " were")
                        .append(" already in the bank for the same image and not stored again");
            }
            if (cut > 0) {
                sb.append("; ").append(cut).append(cut == 1 ? " was" : " were").append(" cut to the model's ")
                        .append(maxWords).append(" words (data.maxCaptionLen)");
            }
            return sb.append("; the bank holds ").append(bankSize).append(" entries").toString();
        }
    }

    /**
     * Adds (image, caption) examples to {@code bank} and commits. Each is stored under the source
     * {@code <kind>:<sha1 of the image file>:<sha1 of the caption's words, 12 hex>}: {@code memory
     * remove --source <kind>:<sha1>} still removes every caption of an image, and a caption the bank
     * already holds for the same image is skipped, not stored twice. A caption longer than the
     * model's {@code data.maxCaptionLen} is cut to it (as {@link MemoryWriter} encodes it), and the
     * count is of the entries really stored.
     */
    static Added add(
            MemoryBank bank, Captioner captioner, String kind, List<Path> images, List<byte[]> pixels, List<List<String>> captions)
            throws IOException {
        int maxWords = captioner.model().config().data().maxCaptionLen();
        List<MemoryWriter.Example> examples = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        int cut = 0;
        for (int i = 0; i < images.size(); i++) {
            List<String> words = captions.get(i);
            List<String> kept = words.size() > maxWords ? words.subList(0, maxWords) : words;
            String source = kind + ":" + sha1(images.get(i)) + ":" + sha1(String.join(" ", kept).getBytes(StandardCharsets.UTF_8)).substring(0, 12);
            sources.add(source);
            if (!seen.add(source) || bank.countSource(source) > 0) {
                duplicates++;
                continue;
            }
            cut += kept.size() < words.size() ? 1 : 0;
            examples.add(new MemoryWriter.Example(pixels.get(i), kept, source));
        }
        List<Entry> entries = new MemoryWriter(captioner).entries(examples);
        if (!entries.isEmpty()) {
            bank.add(entries);
            bank.commit();
        }
        return new Added(images.size(), duplicates, cut, maxWords, entries.size(), bank.size(), sources);
    }

    /** {@link #add} for generated captions ({@code caption --remember}): source {@code remember:}. */
    static Added remember(
            MemoryBank bank, Captioner captioner, List<Path> images, List<byte[]> pixels, List<Captioner.Caption> captions)
            throws IOException {
        return add(bank, captioner, "remember", images, pixels, captions.stream().map(Captioner.Caption::words).toList());
    }

    /** A stable id for an image's content, for entry sources ({@code remember:<sha1>}). */
    static String sha1(Path file) throws IOException {
        return sha1(Files.readAllBytes(file));
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
