package dev.kvcap.bank;

import java.io.IOException;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * One entry = one Lucene document. Field names are the on-disk schema ({@link BankInfo#FORMAT});
 * the same names are used for the OpenSearch mapping in {@code docs/MEMORY-BANK.md}.
 *
 * <pre>
 * key      KnnFloatVectorField, EUCLIDEAN, HNSW    the key vector (D floats)
 * word     IntField (points + doc values, stored)  the value word id
 * phrase   StoredField, optional                   the value phrase
 * source   KeywordField (term + doc values, stored) who wrote it; prefix-deletable
 * created  StoredField long                        epoch millis when added
 * id       StoredField long                        per-bank sequence number
 * </pre>
 *
 * <p>Similarity is EUCLIDEAN: kNN-LM retrieves by L2 distance over unnormalised decoder states,
 * and Lucene's DOT_PRODUCT requires unit-length vectors (normalising would discard the state's
 * norm). Lucene scores a EUCLIDEAN match as 1 / (1 + d²), which {@link #squaredDistance} inverts.
 */
final class Schema {

    static final String KEY = "key";
    static final String WORD = "word";
    static final String PHRASE = "phrase";
    static final String SOURCE = "source";
    static final String CREATED = "created";
    static final String ID = "id";
    static final String CONTEXT = "context";
    static final String CAPTION = "caption";

    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.EUCLIDEAN;

    private Schema() {}

    static Document toDocument(Entry e, long id, long createdMillis) {
        Document d = new Document();
        d.add(new KnnFloatVectorField(KEY, e.key(), SIMILARITY));
        d.add(new IntField(WORD, e.word(), Field.Store.YES));
        if (e.context() != Entry.NO_CONTEXT) {
            d.add(new LongField(CONTEXT, e.context(), Field.Store.NO)); // points + doc values
        }
        if (e.phrase() != null) {
            d.add(new StoredField(PHRASE, e.phrase()));
        }
        if (e.caption() != null) {
            d.add(new StoredField(CAPTION, e.caption()));
        }
        d.add(new KeywordField(SOURCE, e.source(), Field.Store.YES));
        d.add(new StoredField(CREATED, createdMillis));
        d.add(new StoredField(ID, id));
        return d;
    }

    static Hit toHit(StoredFields stored, int doc, float score) throws IOException {
        Document d = stored.document(doc);
        IndexableField word = d.getField(WORD);
        return new Hit(word.numericValue().intValue(), d.get(PHRASE), squaredDistance(score), d.get(SOURCE), d.get(CAPTION));
    }

    /** d² from Lucene's EUCLIDEAN score 1 / (1 + d²). */
    static float squaredDistance(float score) {
        return Math.max(0f, 1f / score - 1f);
    }
}
