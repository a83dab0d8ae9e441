package dev.kvcap.bank;

import java.io.IOException;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Bits;

/**
 * Counts distinct sources and words over the live entries of a reader, from doc values (one pass
 * over the entries, no stored-field reads).
 */
final class BankCensus {

    private BankCensus() {}

    static BankStats of(IndexReader reader, BankInfo info, long bytesOnDisk) throws IOException {
        BitSet words = new BitSet();
        Set<BytesRef> sources = new HashSet<>();
        for (LeafReaderContext ctx : reader.leaves()) {
            LeafReader leaf = ctx.reader();
            Bits live = leaf.getLiveDocs();
            SortedNumericDocValues w = DocValues.getSortedNumeric(leaf, Schema.WORD);
            for (int doc = w.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = w.nextDoc()) {
                if (live == null || live.get(doc)) {
                    words.set((int) w.nextValue());
                }
            }
            SortedSetDocValues s = DocValues.getSortedSet(leaf, Schema.SOURCE);
            BitSet ords = new BitSet();
            for (int doc = s.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = s.nextDoc()) {
                if (live == null || live.get(doc)) {
                    ords.set((int) s.nextOrd());
                }
            }
            for (int ord = ords.nextSetBit(0); ord >= 0; ord = ords.nextSetBit(ord + 1)) {
                sources.add(BytesRef.deepCopyOf(s.lookupOrd(ord)));
            }
        }
        return new BankStats(reader.numDocs(), sources.size(), words.cardinality(), bytesOnDisk, info.dim(), info.modelId());
    }
}
