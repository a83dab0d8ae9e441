package dev.kvcap.serve;

import static dev.kvcap.serve.ServeFixture.image;
import static dev.kvcap.serve.ServeFixture.post;
import static dev.kvcap.serve.ServeFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankServeTest {

    @TempDir Path dir;

    /**
     * A retrieval model (random weights) whose index holds twenty "clipboard …" captions and sixty
     * others: choosing among all of them, alike, with spans gives "clipboard" for any image.
     */
    private Path clipboardModel() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.add("clipboard item" + i);
        }
        for (int i = 0; i < 60; i++) {
            texts.add("bell" + i + " outline");
        }
        Vocabulary vocab = Vocabulary.build(texts.stream().map(CaptionTokenizer::tokenize).toList(), 1);
        KvcapConfig config = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(4, 1));
        CellIndex training = new CellIndex();
        for (int e = 0; e < texts.size(); e++) {
            byte[] thumb = new byte[CellIndex.WIDTH];
            thumb[e] = (byte) 100;
            List<List<String>> tokens = List.of(CaptionTokenizer.tokenize(texts.get(e)));
            training.add(thumb, CellIndex.keyWords(vocab, tokens), new long[] {e}, List.of(texts.get(e)));
        }
        Path model = dir.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel net = new KvmCaptionModel(config.model(), vocab.size());
            net.initialize(m);
            new SavedModel(config, vocab, net, training).writeInto(model);
        }
        return model;
    }

    @Test
    void withRerankTheAnswerIsTheChosenCaptionAndKeepsTheModelsOwnBesideIt() throws Exception {
        RerankSettings all = new RerankSettings(80, 1e9, 0, true);
        try (Captioner captioner = Captioner.load(clipboardModel());
                CaptionServer server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0), captioner.defaults(), all).start()) {
            assertTrue(server.awaitReady(60_000), "warm-up did not finish");
            HttpResponse<String> r = send(post(server.url() + "v1/captions", image(40, 40, "png"), "image/png"));
            assertEquals(200, r.statusCode(), r.body());
            JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
            assertEquals("clipboard", o.get("caption").getAsString());
            assertEquals(80, o.get("rerank").getAsInt());
            StringBuilder words = new StringBuilder();
            for (JsonElement t : o.getAsJsonArray("tokens")) {
                words.append(words.length() == 0 ? "" : " ").append(t.getAsJsonObject().get("word").getAsString());
            }
            assertEquals(o.get("model_caption").getAsString(), words.toString(), "the per-word data are the model's own caption's");
        }
        try (Captioner captioner = Captioner.load(dir.resolve("model"));
                CaptionServer server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0)).start()) {
            assertTrue(server.awaitReady(60_000), "warm-up did not finish");
            HttpResponse<String> r = send(post(server.url() + "v1/captions", image(40, 40, "png"), "image/png"));
            JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
            assertFalse(o.has("model_caption") || o.has("rerank"), "without settings: the model's own caption, as before");
        }
    }

    @Test
    void aModelThatKeepsNoCandidatesIsRefusedAtStart() throws Exception {
        try (Captioner captioner = ServeFixture.tinyCaptioner(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CaptionServer(captioner, ServeConfig.defaults().withPort(0), captioner.defaults(), RerankSettings.of(16)));
            assertTrue(e.getMessage().contains("retrieval memory"), e.getMessage());
        }
    }
}
