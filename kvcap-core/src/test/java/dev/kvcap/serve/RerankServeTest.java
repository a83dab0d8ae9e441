package dev.kvcap.serve;

import static dev.kvcap.serve.ServeFixture.image;
import static dev.kvcap.serve.ServeFixture.post;
import static dev.kvcap.serve.ServeFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.infer.RetrievalModels;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankServeTest {

    @TempDir Path dir;

    /** Choosing among all of its candidates alike, with spans, gives "clipboard" for any image. */
    private Path clipboardModel() throws Exception {
        return RetrievalModels.write(dir.resolve("model"), RetrievalModels.CLIPBOARDS_AND_BELLS);
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
