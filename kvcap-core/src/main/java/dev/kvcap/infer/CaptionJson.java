package dev.kvcap.infer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The JSON form of a caption shared by {@code caption --json} and the HTTP service: the caption,
 * its log-probability and score, each token with its log-probability, and the other beams.
 */
public final class CaptionJson {

    /** Adds per-token extras (attention values, a heat-map) to token {@code index}'s object. */
    @FunctionalInterface
    public interface TokenExtra {
        void add(int index, String word, JsonObject token);
    }

    private CaptionJson() {}

    public static JsonObject of(Captioner.Caption c, TokenExtra extra) {
        Hypothesis best = c.best();
        JsonObject o = new JsonObject();
        o.addProperty("caption", c.text());
        o.addProperty("log_prob", best.logProb());
        o.addProperty("score", best.score());
        o.addProperty("finished", best.finished());
        JsonArray tokens = new JsonArray();
        List<String> words = c.words();
        for (int i = 0; i < words.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("word", words.get(i));
            t.addProperty("log_prob", best.wordLogProbs().get(i));
            extra.add(i, words.get(i), t);
            tokens.add(t);
        }
        o.add("tokens", tokens);
        JsonArray alternatives = new JsonArray();
        for (Hypothesis h : c.hypotheses().subList(1, c.hypotheses().size())) {
            JsonObject a = new JsonObject();
            a.addProperty("caption", String.join(" ", c.words(h)));
            a.addProperty("log_prob", h.logProb());
            a.addProperty("score", h.score());
            a.addProperty("finished", h.finished());
            alternatives.add(a);
        }
        o.add("alternatives", alternatives);
        return o;
    }
}
