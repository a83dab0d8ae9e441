package dev.kvcap.serve;

import static dev.kvcap.serve.ServeFixture.get;
import static dev.kvcap.serve.ServeFixture.image;
import static dev.kvcap.serve.ServeFixture.post;
import static dev.kvcap.serve.ServeFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.config.Presets;
import dev.kvcap.infer.BankRetrieval;
import dev.kvcap.infer.Captioner;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEndpointsTest {

    @TempDir Path dir;

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** A started, ready service of {@code captioner} that reads and teaches {@code bank}. */
    private static CaptionServer serving(Captioner captioner, MemoryBank bank) throws Exception {
        CaptionServer server =
                new CaptionServer(captioner, ServeConfig.defaults().withPort(0))
                        .withMemory(bank, new BankRetrieval(bank, 4, 0.5f))
                        .start();
        if (!server.awaitReady(60_000)) {
            server.close();
            throw new AssertionError("the service did not get ready in 60 s");
        }
        return server;
    }

    @Test
    void teachingAndRememberingWriteTheBankWhileItServes() throws Exception {
        try (Captioner captioner = ServeFixture.tinyCaptioner(dir.resolve("model"));
                MemoryBank bank = MemoryBank.open(dir.resolve("bank"), new BankInfo("test", Presets.tiny().model().hiddenDim()));
                CaptionServer server = serving(captioner, bank)) {
            String url = server.url();
            HttpResponse<String> taught = send(post(url + "v1/memory?caption=a%20red%20circle", image(64, 64, "png"), "image/png"));
            assertEquals(200, taught.statusCode(), taught.body());
            assertEquals(4, json(taught).get("added").getAsInt(), "three words and <end>");
            assertTrue(json(taught).get("source").getAsString().startsWith("teach:"));

            HttpResponse<String> captioned = send(post(url + "v1/captions?remember=true", image(64, 64, "png"), "image/png"));
            assertEquals(200, captioned.statusCode(), captioned.body());
            int remembered = json(captioned).get("remembered").getAsInt();
            assertTrue(remembered >= 1);

            HttpResponse<String> stats = get(url + "v1/memory");
            assertEquals(200, stats.statusCode());
            assertEquals(4 + remembered, json(stats).get("entries").getAsInt());
            assertFalse(json(stats).get("read_only").getAsBoolean());

            HttpResponse<String> again = send(post(url + "v1/memory?caption=a%20red%20circle", image(64, 64, "png"), "image/png"));
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(0, json(again).get("added").getAsInt(), "the same caption for the same image is stored once");
            assertTrue(json(again).get("duplicate").getAsBoolean());
            assertEquals(json(taught).get("source"), json(again).get("source"));
            HttpResponse<String> rememberedAgain = send(post(url + "v1/captions?remember=true", image(64, 64, "png"), "image/png"));
            assertEquals(json(captioned).get("caption"), json(rememberedAgain).get("caption"), "the same image, the same caption");
            assertEquals(0, json(rememberedAgain).get("remembered").getAsInt(), "the same generated caption is stored once");
            assertEquals(4 + remembered, json(get(url + "v1/memory")).get("entries").getAsInt());
            HttpResponse<String> other = send(post(url + "v1/memory?caption=a%20blue%20circle", image(64, 64, "png"), "image/png"));
            assertEquals(4, json(other).get("added").getAsInt(), "another caption for the same image is new");
            assertTrue(json(other).get("source").getAsString().startsWith(json(taught).get("source").getAsString().substring(0, 46)),
                    "teach:<sha1 of the image> is shared by an image's captions");

            HttpResponse<String> noCaption = send(post(url + "v1/memory", image(64, 64, "png"), "image/png"));
            assertEquals(400, noCaption.statusCode());
            HttpResponse<String> notImage = send(post(url + "v1/memory?caption=a", "text".getBytes(), "image/png"));
            assertEquals(400, notImage.statusCode());
        }
    }

    @Test
    void aReadOnlyBankIsReadButNotTaught() throws Exception {
        BankInfo info = new BankInfo("test", Presets.tiny().model().hiddenDim());
        Path bankDir = dir.resolve("shipped-bank");
        MemoryBank.open(bankDir, info).close(); // a bank made elsewhere, then served from where it cannot be written
        try (Captioner captioner = ServeFixture.tinyCaptioner(dir.resolve("model3"));
                MemoryBank bank = MemoryBank.openReadOnly(bankDir, info);
                CaptionServer server = serving(captioner, bank)) {
            String url = server.url();
            assertEquals(200, send(post(url + "v1/captions", image(32, 32, "png"), "image/png")).statusCode());
            assertEquals(0, json(get(url + "v1/memory")).get("entries").getAsInt());
            assertTrue(json(get(url + "v1/memory")).get("read_only").getAsBoolean(), "a client can tell before it teaches");
            HttpResponse<String> taught = send(post(url + "v1/memory?caption=a%20red%20circle", image(32, 32, "png"), "image/png"));
            assertEquals(403, taught.statusCode());
            assertTrue(json(taught).get("error").getAsString().contains("read-only"), taught.body());
            assertEquals(403, send(post(url + "v1/captions?remember=true", image(32, 32, "png"), "image/png")).statusCode());
            assertEquals(0, json(get(url + "v1/memory")).get("entries").getAsInt());
        }
    }

    @Test
    void aServiceWithoutABankAnswers404ToMemoryRoutes() throws Exception {
        try (Captioner captioner = ServeFixture.tinyCaptioner(dir.resolve("model2"));
                CaptionServer server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0)).start()) {
            assertTrue(server.awaitReady(60_000));
            assertEquals(404, send(post(server.url() + "v1/memory?caption=a", image(32, 32, "png"), "image/png")).statusCode());
            assertEquals(404, send(post(server.url() + "v1/captions?remember=true", image(32, 32, "png"), "image/png")).statusCode());
        }
    }
}
