package dev.kvcap.train;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.model.AtomicDirectory;
import dev.kvcap.model.SavedModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Training checkpoints in the model directory: {@code last/} (model + optimizer moments + loop
 * state, for {@code --resume}) and {@code best/} (the model with the best validation CIDEr-D).
 * Each is written into a fresh directory and swapped in whole ({@link AtomicDirectory}).
 */
public final class Checkpoint {

    public static final String LAST = "last";
    public static final String BEST = "best";
    static final String OPTIMIZER = "optimizer.bin";
    static final String STATE = "state.json";

    private static final Gson GSON = new Gson();

    private Checkpoint() {}

    /**
     * Where the loop stands after an epoch.
     *
     * @param nextEpoch the epoch a resumed run starts with (0-based)
     * @param steps optimiser steps taken
     * @param bestCider best validation CIDEr-D so far (−1 before any)
     * @param bestEpoch the epoch that reached it
     * @param stale epochs since the last improvement (early stopping)
     * @param phase what the run trains ({@code xe} or {@code scst}, with {@code -frozen-encoder}
     *     when the encoder is frozen); checkpoints from before phases existed have none ({@code xe})
     */
    public record State(int nextEpoch, long steps, double bestCider, int bestEpoch, int stale, String phase) {

        public String phaseOrDefault() {
            return phase == null ? "xe" : phase;
        }
    }

    static void save(Path dir, SavedModel model, AdamW optimizer, State state) throws IOException {
        save(dir, model, optimizer, null, state);
    }

    /** As above, with the auxiliary word-presence layer when training has one (for {@code --resume}). */
    static void save(Path dir, SavedModel model, AdamW optimizer, WordPresence words, State state) throws IOException {
        AtomicDirectory.recover(dir);
        Path staged = AtomicDirectory.staging(dir);
        model.writeInto(staged);
        if (words != null) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(staged.resolve(WordPresence.FILE)))) {
                words.save(out);
            }
        }
        if (optimizer != null) {
            try (OutputStream out =
                    new BufferedOutputStream(Files.newOutputStream(staged.resolve(OPTIMIZER)))) {
                optimizer.save(out);
            }
        }
        Files.writeString(staged.resolve(STATE), GSON.toJson(state) + "\n", StandardCharsets.UTF_8);
        AtomicDirectory.commit(staged, dir);
    }

    static State readState(Path dir) throws IOException {
        return read(dir.resolve(STATE), in -> {
            JsonElement json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            State state = json.isJsonObject() ? GSON.fromJson(json, State.class) : null;
            if (state == null || state.nextEpoch() < 0 || state.steps() < 0 || state.stale() < 0) {
                throw new IllegalStateException("not the loop state kvcap writes");
            }
            return state;
        });
    }

    /** Restores the word-presence layer a checkpoint holds; false when it holds none. */
    static boolean loadWordPresence(Path dir, WordPresence words, ai.djl.ndarray.NDManager manager) throws IOException {
        Path file = dir.resolve(WordPresence.FILE);
        if (!Files.exists(file)) {
            return false;
        }
        return read(file, in -> {
            words.load(manager, in);
            return true;
        });
    }

    static void loadOptimizer(Path dir, AdamW optimizer) throws IOException {
        read(dir.resolve(OPTIMIZER), in -> {
            optimizer.load(in);
            return true;
        });
    }

    /** Reads one file of a checkpoint. */
    private interface Part<T> {
        T read(InputStream in) throws IOException;
    }

    /**
     * Reads {@code file} of a checkpoint with {@code part}. A file that is missing or cannot be
     * opened keeps its own error; one that does not read back as written (cut short, overwritten,
     * from another model) is a one-line error that names it and says what to do.
     */
    private static <T> T read(Path file, Part<T> part) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return part.read(in);
        } catch (EOFException | RuntimeException e) { // cut short; Gson and DJL report other damage at run time
            // another I/O error (permission, disk) passes on as it is: the file may be fine
            throw new IllegalArgumentException("checkpoint " + file + " is damaged (" + why(e)
                    + "); restore it, or train again without --resume");
        }
    }

    private static String why(Exception e) {
        if (e instanceof JsonParseException json) {
            return ConfigJson.problem(json);
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof EOFException) {
                return "it ends early";
            }
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            return "unreadable";
        }
        return e.getMessage().replaceAll("\\s+", " ").trim();
    }
}
