package dev.kvcap.serve;

import com.google.gson.JsonObject;
import dev.kvcap.bank.BankStats;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The memory bank over HTTP: teach a caption for an image ({@code POST /v1/memory}), remember a
 * generated caption ({@code POST /v1/captions?remember=true}) and read its size ({@code GET
 * /v1/memory}). Writes are committed at once; searches by the model thread see them immediately.
 */
final class MemoryEndpoints {

    private final MemoryBank bank;
    private final MemoryWriter writer;

    MemoryEndpoints(Captioner captioner, MemoryBank bank) {
        this.bank = bank;
        this.writer = new MemoryWriter(captioner);
    }

    MemoryBank bank() {
        return bank;
    }

    /** Stores the (state, word) pairs of {@code words} for the image; returns the entries added. */
    synchronized int remember(byte[] pixels, List<String> words, String source) {
        var entries = writer.entries(List.of(new MemoryWriter.Example(pixels, words, source)));
        bank.add(entries);
        bank.commit();
        return entries.size();
    }

    /** {@code POST /v1/memory?caption=…}: the teach request's answer. */
    JsonObject teach(byte[] pixels, byte[] body, String caption) {
        if (caption == null || CaptionTokenizer.tokenize(caption).isEmpty()) {
            throw new ApiException(400, "query parameter 'caption' with at least one word is required");
        }
        String source = "teach:" + sha1(body);
        int added = remember(pixels, CaptionTokenizer.tokenize(caption), source);
        JsonObject o = new JsonObject();
        o.addProperty("added", added);
        o.addProperty("entries", bank.size());
        o.addProperty("source", source);
        return o;
    }

    JsonObject stats() {
        BankStats s = bank.stats();
        JsonObject o = new JsonObject();
        o.addProperty("entries", s.entries());
        o.addProperty("sources", s.sources());
        o.addProperty("words", s.words());
        o.addProperty("bytes_on_disk", s.bytesOnDisk());
        return o;
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
