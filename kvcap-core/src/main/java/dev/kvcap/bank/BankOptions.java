package dev.kvcap.bank;

/**
 * Tuning of a bank: nothing here changes what is stored, so it is not part of the bank's identity.
 *
 * @param searchCandidates HNSW candidates gathered per search before the best k are kept (Lucene's
 *     ef); 100 gave recall@8 1.000 on 100k keys of width 256 at 1.2 ms median, 50 gives 0.994 at
 *     half the time (docs/MEMORY-BANK.md)
 * @param ramBufferMb indexing buffer before a segment is flushed; 64 MB holds ~60k keys of width
 *     256, so bulk builds make few segments (each flush builds its own HNSW graph)
 * @param refreshMillis how often a read-only bank looks for newer commits (a directory listing);
 *     a writer's own searches always see its latest adds
 */
public record BankOptions(int searchCandidates, double ramBufferMb, long refreshMillis) {

    public static final BankOptions DEFAULT = new BankOptions(100, 64, 1000);

    public BankOptions {
        if (searchCandidates < 1) {
            throw new IllegalArgumentException("bank searchCandidates must be at least 1");
        }
        if (ramBufferMb < 1) {
            throw new IllegalArgumentException("bank ramBufferMb must be at least 1");
        }
        if (refreshMillis < 0) {
            throw new IllegalArgumentException("bank refreshMillis must not be negative");
        }
    }

    public BankOptions withSearchCandidates(int candidates) {
        return new BankOptions(candidates, ramBufferMb, refreshMillis);
    }

    public BankOptions withRefreshMillis(long millis) {
        return new BankOptions(searchCandidates, ramBufferMb, millis);
    }
}
