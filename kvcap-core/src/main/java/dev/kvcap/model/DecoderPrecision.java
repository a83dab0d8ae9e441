package dev.kvcap.model;

import dev.kvcap.config.OptionException;
import java.util.Locale;

/**
 * Number format of the decoding step's weight matrices at inference ({@code --decoder-precision};
 * docs/BENCHMARKS.md, lever 12).
 */
public enum DecoderPrecision {
    /** float32, as trained. */
    FP32,
    /** int8 weights, one scale per output row ({@link Int8Linears}); inputs and state stay float32. */
    INT8;

    /** {@code fp32} or {@code int8}, any case; a one-line error names the choices otherwise. */
    public static DecoderPrecision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OptionException("unknown decoder precision '" + s + "' (choose fp32 or int8)");
        }
    }
}
