package dev.kvcap.bank;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a bank was built for: keys computed by one model ({@link ModelFingerprint}) with one width.
 * Stored in every Lucene commit's user data (authoritative) and in {@code bank.json} (for people
 * and tools); a bank is only opened for the model and width it was built for.
 *
 * @param modelId fingerprint of the model whose keys are stored (16 hex chars)
 * @param dim key width D; Lucene's HNSW format accepts 1..1024
 */
public record BankInfo(String modelId, int dim) {

    /** Version of the document schema ({@link Schema}); a bank of another version is refused. */
    public static final int FORMAT = 1;

    /** Largest key width Lucene 9's default vector format indexes. */
    public static final int MAX_DIM = 1024;

    static final String KEY_FORMAT = "kvcap.bank.format";
    static final String KEY_MODEL = "kvcap.bank.modelId";
    static final String KEY_DIM = "kvcap.bank.dim";
    static final String KEY_NEXT_ID = "kvcap.bank.nextId";

    public BankInfo {
        if (modelId == null || modelId.isBlank() || !modelId.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException(
                    "bank model id must be a non-empty word of letters, digits, '.', '_', ':' or '-', got \""
                            + modelId
                            + "\"");
        }
        if (dim < 1 || dim > MAX_DIM) {
            throw new IllegalArgumentException(
                    "bank key width must be in 1.." + MAX_DIM + " (Lucene's HNSW limit), got " + dim);
        }
    }

    /** The commit user data that records this identity and the next entry id. */
    Map<String, String> commitData(long nextId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, String.valueOf(FORMAT));
        m.put(KEY_MODEL, modelId);
        m.put(KEY_DIM, String.valueOf(dim));
        m.put(KEY_NEXT_ID, String.valueOf(nextId));
        return m;
    }

    /**
     * The identity recorded in a commit's user data; empty for a commit without one (a fresh or
     * cleared bank). {@link BankException} when the data is from another bank format or damaged.
     */
    static Optional<BankInfo> fromCommitData(Map<String, String> data, Object where) {
        if (!data.containsKey(KEY_MODEL)) {
            return Optional.empty();
        }
        String format = data.get(KEY_FORMAT);
        if (!String.valueOf(FORMAT).equals(format)) {
            throw new BankException(
                    "memory bank "
                            + where
                            + " has format "
                            + format
                            + ", this kvcap reads format "
                            + FORMAT
                            + ": clear it ('kvcap memory clear --model DIR') and rebuild");
        }
        try {
            return Optional.of(new BankInfo(data.get(KEY_MODEL), Integer.parseInt(data.get(KEY_DIM))));
        } catch (IllegalArgumentException e) {
            throw new BankException("memory bank " + where + " has a damaged identity (" + e.getMessage() + ")");
        }
    }

    static long nextId(Map<String, String> data) {
        String s = data.get(KEY_NEXT_ID);
        return s == null ? 0 : Long.parseLong(s);
    }

    /** One-line description used in messages: "model 0123abcd (dim 256)". */
    String describe() {
        return "model " + modelId + " (dim " + dim + ")";
    }
}
