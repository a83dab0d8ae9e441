/** HTTP service over the Captioner. */
package dev.kvcap.serve;
