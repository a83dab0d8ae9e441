/**
 * The persistent memory bank (SPEC §2.3): (key, value) pairs kept beside a model in an embedded
 * Apache Lucene HNSW vector index, searched by nearest key. Keys are vectors the model computes
 * (e.g. the decoder state before a word); values are what it should recall (the next word id, an
 * optional phrase). Durable and atomic on {@link dev.kvcap.bank.MemoryBank#commit()}, searchable
 * while written, and refused with a one-line message when it was built for another model. No DJL
 * imports: the model side computes keys elsewhere. Layout and guarantees: {@code
 * docs/MEMORY-BANK.md}.
 */
package dev.kvcap.bank;
