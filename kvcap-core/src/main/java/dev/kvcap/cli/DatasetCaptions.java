package dev.kvcap.cli;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.DataException;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.eval.Scores;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.infer.Retrieval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Captions every image of a data set in batches and scores the result against its references. */
final class DatasetCaptions {

    /**
     * @param results caption per image id, in data-set order
     * @param captioned the images captioned, in the same order
     * @param skipped images that could not be decoded
     * @param scores the metrics (toolkit keys)
     */
    record Outcome(Map<Long, String> results, List<CaptionedImage> captioned, int skipped, Scores scores) {}

    private DatasetCaptions() {}

    static Outcome run(Captioner captioner, CaptionSet set, DecodeConfig decode, int batch) {
        return run(captioner, set, decode, batch, null, null);
    }

    /**
     * As above, decoding with the memory bank's {@code retrieval} when it is not null, and with
     * {@code rerank} (when not null) choosing each caption among the model's and its nearest
     * training images' ({@link Captioner#rerank}).
     */
    static Outcome run(
            Captioner captioner, CaptionSet set, DecodeConfig decode, int batch, Retrieval retrieval, RerankSettings rerank) {
        Map<Long, String> results = new LinkedHashMap<>();
        Map<Long, List<String>> refs = new LinkedHashMap<>();
        List<CaptionedImage> captioned = new ArrayList<>();
        int skipped = 0;
        List<CaptionedImage> pending = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        List<CaptionedImage> images = set.images().stream().filter(CaptionedImage::hasCaptions).toList();
        long start = System.nanoTime();
        boolean tty = System.console() != null;
        for (int i = 0; i < images.size(); i++) {
            CaptionedImage img = images.get(i);
            Activity.now("reading image " + img.file() + " (image id " + img.imageId() + ")");
            try {
                pixels.add(captioner.prepare(img.file()));
                pending.add(img);
            } catch (DataException e) {
                skipped++;
                System.err.println("kvcap: skipped " + e.getMessage());
            }
            if (pending.size() == batch || (i == images.size() - 1 && !pending.isEmpty())) {
                Activity.now("captioning images " + pending.get(0).file() + (pending.size() > 1 ? " … " + pending.get(pending.size() - 1).file() : "")
                        + " (image ids " + pending.get(0).imageId() + (pending.size() > 1 ? "…" + pending.get(pending.size() - 1).imageId() : "") + ")");
                List<String> out = captioner.caption(pixels, decode, false, retrieval).stream().map(Captioner.Caption::text).toList();
                if (rerank != null) {
                    out = captioner.rerank(pixels, out, rerank, retrieval);
                }
                for (int j = 0; j < pending.size(); j++) {
                    results.put(pending.get(j).imageId(), out.get(j));
                    refs.put(pending.get(j).imageId(), pending.get(j).captions());
                    captioned.add(pending.get(j));
                }
                pending.clear();
                pixels.clear();
                if (tty) {
                    System.err.printf(
                            "\rcaptioned %d/%d images (%.1f img/s)",
                            results.size(), images.size(), results.size() / ((System.nanoTime() - start) / 1e9));
                }
            }
        }
        System.err.printf(
                "%scaptioned %d images in %.1f s%n",
                tty ? "\r" : "", results.size(), (System.nanoTime() - start) / 1e9);
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no image could be captioned (" + skipped + " failed to decode)");
        }
        Activity.now("scoring the captions of " + results.size() + " images");
        return new Outcome(results, captioned, skipped, CaptionMetrics.score(refs, results));
    }

    /** Every captioned image's references by id, in the set's order (what the metrics score against). */
    static Map<Long, List<String>> references(CaptionSet set) {
        Map<Long, List<String>> refs = new LinkedHashMap<>();
        set.withCaptions().images().forEach(i -> refs.put(i.imageId(), i.captions()));
        return refs;
    }

    /** The corpus metrics as one JSON object (toolkit keys), for stdout. */
    static String metricsJson(Scores scores) {
        return metricsObject(scores).toString();
    }

    /** The corpus metrics as a JSON object (toolkit keys). */
    static com.google.gson.JsonObject metricsObject(Scores scores) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        scores.corpus().forEach(o::addProperty);
        return o;
    }
}
