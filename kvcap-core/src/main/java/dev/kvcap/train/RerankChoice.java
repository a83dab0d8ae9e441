package dev.kvcap.train;

import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.data.AtomicFiles;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.DataException;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.eval.Metric;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.model.SavedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The last step of training: does choosing each caption among the model's own and the captions of
 * its N nearest training images and their spans ({@link Captioner#rerank}, N = {@code
 * train.rerankChoice}, spans on as by default; the choice is not saved, so {@code
 * --no-rerank-spans} later changes the rule the model was judged by) caption
 * the validation images better than the model's own captions? The answer is saved as the best
 * model's {@code decode.rerank} (N or 0), which {@code caption} and {@code evaluate} follow unless
 * told otherwise. On the real captioned icons choosing won by far (validation CIDEr-D 0.33 → 0.47),
 * on the synthetic shapes it lost by as much (docs/REAL-DATA.md): which one holds is a property of
 * the data, so the data decide. Only a model that keeps its training captions (a retrieval
 * memory) can choose; for others this step does nothing.
 */
final class RerankChoice {

    private static final int BATCH = 32;

    /**
     * Validation images captioned both ways at most. At the 96–104 ms an image that {@code --rerank
     * 32} took on the real icons' test split (docs/BENCHMARKS.md), a thousand images cost under
     * two minutes; a 5,000-image validation split would cost about eight.
     */
    static final int MAX_IMAGES = 1_000;

    /**
     * @param neighbours N tried
     * @param own validation CIDEr-D of the model's own captions
     * @param chosen validation CIDEr-D choosing among N neighbours' captions
     * @param rerank what was saved as {@code decode.rerank}: N when {@code chosen > own}, else 0
     */
    record Outcome(int neighbours, double own, double chosen, int rerank) {}

    private RerankChoice() {}

    /**
     * Scores both ways on {@code val} with the model in {@code best} and saves the winner in its
     * {@code config.json} (atomically); empty when the model cannot choose or no validation image
     * could be read.
     */
    static Optional<Outcome> make(Path best, CaptionSet val, int neighbours, Consumer<TrainEvent> events) throws IOException {
        try (Captioner captioner = Captioner.load(best)) {
            if (!captioner.canRerank()) {
                return Optional.empty();
            }
            List<CaptionedImage> all = val.images().stream().filter(CaptionedImage::hasCaptions).toList();
            List<CaptionedImage> images = all.subList(0, Math.min(all.size(), MAX_IMAGES));
            events.accept(new TrainEvent.Info(String.format(Locale.ROOT,
                    "choosing how the model captions: its own captions, or chosen among its %d nearest training images' (--rerank %d); captioning %s validation images both ways (train.rerankChoice)",
                    neighbours, neighbours, images.size() == all.size() ? "the " + all.size() : "the first " + images.size() + " of the " + all.size())));
            long start = System.nanoTime();
            RerankSettings settings = RerankSettings.of(neighbours);
            Map<Long, List<String>> refs = new LinkedHashMap<>();
            Map<Long, String> own = new LinkedHashMap<>();
            Map<Long, String> chosen = new LinkedHashMap<>();
            for (int from = 0; from < images.size(); from += BATCH) {
                List<CaptionedImage> batch = new ArrayList<>();
                List<byte[]> pixels = new ArrayList<>();
                for (CaptionedImage img : images.subList(from, Math.min(images.size(), from + BATCH))) {
                    try {
                        pixels.add(captioner.prepare(img.file()));
                        batch.add(img);
                    } catch (DataException e) {
                        // training counted and reported it already
                    }
                }
                if (batch.isEmpty()) {
                    continue;
                }
                List<String> texts = captioner.caption(pixels, captioner.defaults(), false).stream().map(Captioner.Caption::text).toList();
                List<String> reranked = captioner.rerank(pixels, texts, settings);
                for (int i = 0; i < batch.size(); i++) {
                    long id = batch.get(i).imageId();
                    refs.put(id, batch.get(i).captions());
                    own.put(id, texts.get(i));
                    chosen.put(id, reranked.get(i));
                }
                events.accept(new TrainEvent.Choosing(Math.min(images.size(), from + BATCH), images.size()));
            }
            if (refs.isEmpty()) {
                return Optional.empty();
            }
            double ownCider = cider(refs, own);
            double chosenCider = cider(refs, chosen);
            int rerank = chosenCider > ownCider ? neighbours : 0;
            KvcapConfig config = SavedModel.readConfig(best);
            AtomicFiles.write(best.resolve(SavedModel.CONFIG), ConfigJson.toJson(config.withDecode(config.decode().withRerank(rerank))) + "\n");
            events.accept(new TrainEvent.Info(String.format(Locale.ROOT,
                    "validation CIDEr-D %.4f with the model's own captions, %.4f with --rerank %d (%.1f s): %s",
                    ownCider, chosenCider, neighbours, (System.nanoTime() - start) / 1e9,
                    rerank > 0
                            ? "caption and evaluate now choose among the neighbours' captions and their spans (decode.rerank " + rerank + " in " + best.resolve(SavedModel.CONFIG) + "; --rerank 0 turns it off)"
                            : "the model's own captions stay the default (decode.rerank 0)")));
            return Optional.of(new Outcome(neighbours, ownCider, chosenCider, rerank));
        }
    }

    private static double cider(Map<Long, List<String>> refs, Map<Long, String> hyps) {
        return CaptionMetrics.score(refs, hyps, EnumSet.of(Metric.CIDER)).corpus().get("CIDEr");
    }
}
