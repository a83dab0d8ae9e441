package dev.kvcap.train;

import com.google.gson.Gson;
import dev.kvcap.model.AtomicDirectory;
import dev.kvcap.model.SavedModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
        return GSON.fromJson(Files.readString(dir.resolve(STATE)), State.class);
    }

    /** Restores the word-presence layer a checkpoint holds; false when it holds none. */
    static boolean loadWordPresence(Path dir, WordPresence words, ai.djl.ndarray.NDManager manager) throws IOException {
        Path file = dir.resolve(WordPresence.FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            words.load(manager, in);
        }
        return true;
    }

    static void loadOptimizer(Path dir, AdamW optimizer) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(OPTIMIZER)))) {
            optimizer.load(in);
        }
    }
}
