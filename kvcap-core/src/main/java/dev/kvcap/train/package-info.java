/** Training loop, loss, learning-rate schedule and self-contained checkpoints. */
package dev.kvcap.train;
