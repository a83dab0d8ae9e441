/** Decoding, written once: greedy and batched beam search, and the Captioner facade used by evaluate, caption and serve. */
package dev.kvcap.infer;
