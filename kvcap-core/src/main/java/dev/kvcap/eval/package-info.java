/** Caption metrics computed exactly as the official MSCOCO caption evaluation toolkit computes them. Pure functions; no DJL imports. */
package dev.kvcap.eval;
