/** Captioned-image data: MSCOCO and Karpathy loaders, caption tokenisation, the vocabulary, robust image decoding and caching, and the synthetic dataset generator. No DJL imports. */
package dev.kvcap.data;
