package dev.kvcap.serve;

import com.google.gson.JsonObject;
import dev.kvcap.bank.BankStats;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
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

    /**
     * Teaches the bank a caption for an uploaded image, once ({@link MemoryWriter#store}: source
     * {@code <kind>:<sha1 of the upload>:<caption hash>}; the same caption for the same image again
     * adds nothing). Serialised: requests teach one at a time.
     */
    synchronized MemoryWriter.Stored remember(String kind, byte[] body, byte[] pixels, List<String> words) {
        requireWritable();
        return writer.store(bank, kind, List.of(new MemoryWriter.Lesson(body, pixels, words)));
    }

    /** 403 when the bank was opened read-only (a model directory the service cannot write). */
    void requireWritable() {
        if (bank.isReadOnly()) {
            throw new ApiException(403, "this service's memory bank is read-only (its model directory cannot be written, or another process was writing the bank when the service started): it is read while captioning, but cannot be taught");
        }
    }

    /** A teach request's caption as words: 400 unless it has at least one. */
    static List<String> words(String caption) {
        List<String> words = caption == null ? List.of() : CaptionTokenizer.tokenize(caption);
        if (words.isEmpty()) {
            throw new ApiException(400, "query parameter 'caption' with at least one word is required");
        }
        return words;
    }

    /** {@code POST /v1/memory?caption=…}: the teach request's answer. */
    JsonObject teach(byte[] pixels, byte[] body, List<String> words) {
        return remember("teach", body, pixels, words).answer(words.size());
    }

    JsonObject stats() {
        BankStats s = bank.stats();
        JsonObject o = new JsonObject();
        o.addProperty("entries", s.entries());
        o.addProperty("sources", s.sources());
        o.addProperty("words", s.words());
        o.addProperty("bytes_on_disk", s.bytesOnDisk());
        o.addProperty("read_only", bank.isReadOnly()); // teaching answers 403
        return o;
    }
}
