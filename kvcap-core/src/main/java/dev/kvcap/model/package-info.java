/** DJL blocks of the Key-Value Memory captioner: VGG-style encoder, key-value memory, two-LSTM decoder, deconvolution attention maps. */
package dev.kvcap.model;
