package dev.kvcap.bank;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.TopKnnCollectorManager;

/**
 * The k nearest keys to a query, searched segment by segment (one HNSW graph each): what {@code
 * KnnFloatVectorQuery} does when it is rewritten (the same collector manager, so the same
 * candidates per segment and the same pruning across segments), then the best k across segments,
 * without building a query, a weight and a top-docs collector per search. Scores are Lucene's
 * EUCLIDEAN score 1 / (1 + d²).
 */
final class KnnSearch {

    private KnnSearch() {}

    /**
     * The k best of the {@code max(k, candidates)} nearest entries, best first (ties: lower doc id
     * first, as {@code TopDocs.merge} orders them); doc ids are the searcher's (global).
     */
    static ScoreDoc[] nearest(IndexSearcher searcher, float[] query, int k, int candidates) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        TopKnnCollectorManager manager = new TopKnnCollectorManager(Math.max(k, candidates), searcher);
        List<ScoreDoc> all = new ArrayList<>();
        for (LeafReaderContext leaf : leaves) {
            LeafReader reader = leaf.reader();
            FloatVectorValues vectors = reader.getFloatVectorValues(Schema.KEY);
            if (vectors == null || vectors.size() == 0) {
                continue;
            }
            KnnCollector collector = manager.newCollector(Integer.MAX_VALUE, leaf);
            reader.searchNearestVectors(Schema.KEY, query, collector, reader.getLiveDocs());
            TopDocs top = collector.topDocs();
            for (ScoreDoc sd : top.scoreDocs) {
                all.add(new ScoreDoc(sd.doc + leaf.docBase, sd.score));
            }
        }
        all.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        return all.subList(0, Math.min(k, all.size())).toArray(new ScoreDoc[0]);
    }

    /** The contexts of {@code hits} (global doc ids), {@link Entry#NO_CONTEXT} where an entry has none. */
    static long[] contexts(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
        return values(searcher, hits, Schema.CONTEXT, Entry.NO_CONTEXT);
    }

    /** The word ids of {@code hits} (global doc ids), from the word field's doc values. */
    static int[] words(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
        long[] values = values(searcher, hits, Schema.WORD, Long.MIN_VALUE);
        int[] words = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
            if (values[i] == Long.MIN_VALUE) {
                throw new IOException("entry " + hits[i].doc + " has no word");
            }
            words[i] = (int) values[i];
        }
        return words;
    }

    /**
     * One numeric doc value per hit ({@code missing} where a hit has none). Doc values iterate
     * forward only, so the hits are visited in doc order: one iterator per segment, not per hit.
     */
    private static long[] values(IndexSearcher searcher, ScoreDoc[] hits, String field, long missing)
            throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        Integer[] order = new Integer[hits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
        long[] out = new long[hits.length];
        LeafReaderContext leaf = null;
        SortedNumericDocValues values = null;
        for (int i : order) {
            int doc = hits[i].doc;
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                values = DocValues.getSortedNumeric(leaf.reader(), field);
            }
            out[i] = values.advanceExact(doc - leaf.docBase) ? values.nextValue() : missing;
        }
        return out;
    }
}
