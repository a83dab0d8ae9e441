package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.bank.Entry;
import dev.kvcap.bank.Neighbours;
import org.junit.jupiter.api.Test;

class BankRetrievalTest {

    private static final long RED_TRIANGLE = Entry.context(10, 20);
    private static final long GREEN_TRIANGLE = Entry.context(11, 20);

    @Test
    void onlyNeighboursRememberedAfterTheSameTwoWordsOrWithoutContextVote() {
        Neighbours all =
                new Neighbours(
                        new int[] {1, 2, 3, 4, 5},
                        new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f},
                        new long[] {RED_TRIANGLE, GREEN_TRIANGLE, Entry.NO_CONTEXT, GREEN_TRIANGLE, GREEN_TRIANGLE});

        Neighbours kept = BankRetrieval.sameContext(all, GREEN_TRIANGLE, 2);

        assertArrayEquals(new int[] {2, 3}, kept.words()); // nearest first, at most k
        assertArrayEquals(new float[] {0.2f, 0.3f}, kept.distances());
        assertArrayEquals(new int[] {3}, BankRetrieval.sameContext(all, Entry.context(1, 1), 8).words()); // no context: any
    }

    @Test
    void aStateWithNoMatchingNeighbourIsLeftToTheModel() {
        Neighbours all = new Neighbours(new int[] {1}, new float[] {0.1f}, new long[] {RED_TRIANGLE});
        assertTrue(BankRetrieval.distribution(BankRetrieval.sameContext(all, GREEN_TRIANGLE, 8), 0.3f, 256).isEmpty());
        assertFalse(BankRetrieval.distribution(BankRetrieval.sameContext(all, RED_TRIANGLE, 8), 0.3f, 256).isEmpty());
    }
}
