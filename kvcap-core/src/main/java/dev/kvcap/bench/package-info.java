/**
 * Speed measurements of kvcap itself (caption latency split into image preparation, encoder and
 * decoder; decoder cost per step; training throughput; peak memory). Run by {@code kvcap bench};
 * never by unit tests.
 */
package dev.kvcap.bench;
