/** Immutable configuration records (model, data, training, decoding), their named presets and JSON form. */
package dev.kvcap.config;
