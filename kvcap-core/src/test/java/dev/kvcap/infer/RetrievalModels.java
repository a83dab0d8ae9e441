package dev.kvcap.infer;

import ai.djl.ndarray.NDManager;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small retrieval-memory models (random weights) whose index holds given training captions, for tests. */
public final class RetrievalModels {

    /**
     * Twenty variants of one icon ("clipboard item0" …), which share one word, and sixty other
     * names ("bell0 outline" …), which make that word a rare one: chosen among all of them alike,
     * with spans, "clipboard" wins; among whole captions, one of them.
     */
    public static final List<String> CLIPBOARDS_AND_BELLS = clipboardsAndBells();

    private RetrievalModels() {}

    private static List<String> clipboardsAndBells() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.add("clipboard item" + i);
        }
        for (int i = 0; i < 60; i++) {
            texts.add("bell" + i + " outline");
        }
        return List.copyOf(texts);
    }

    /** {@link #write(Path, Vocabulary, List)} with the vocabulary of {@code texts}. */
    public static Path write(Path dir, List<String> texts) throws Exception {
        return write(dir, Vocabulary.build(texts.stream().map(CaptionTokenizer::tokenize).toList(), 1), texts);
    }

    /**
     * The {@code tiny} preset with a retrieval memory, saved into {@code dir}: one index entry per
     * text, each with its own descriptor, holding that caption. No texts: three entries without
     * captions, as models saved before {@code --rerank} kept them.
     */
    public static Path write(Path dir, Vocabulary vocab, List<String> texts) throws Exception {
        KvcapConfig config = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(4, 1));
        CellIndex training = new CellIndex();
        for (int e = 0; e < Math.max(3, texts.size()); e++) {
            byte[] thumb = new byte[CellIndex.WIDTH];
            thumb[e] = (byte) 100; // distinct descriptors
            List<List<String>> tokens = texts.isEmpty() ? List.of() : List.of(CaptionTokenizer.tokenize(texts.get(e)));
            training.add(thumb, CellIndex.keyWords(vocab, tokens), new long[] {e}, texts.isEmpty() ? List.of() : List.of(texts.get(e)));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel net = new KvmCaptionModel(config.model(), vocab.size());
            net.initialize(m);
            new SavedModel(config, vocab, net, training).writeInto(dir);
        }
        return dir;
    }
}
