package dev.kvcap.model;

import dev.kvcap.config.OptionException;
import java.util.Locale;

/**
 * Number format of the image encoder: at inference (docs/BF16.md), and of its convolutions in
 * training ({@code train --precision}: mixed precision, parameters stay float32).
 */
public enum Precision {
    /** float32 throughout, as trained (the encoder's convolutions channels-last at inference). */
    FP32,
    /** The encoder in bfloat16 (oneDNN/AMX where the CPU has it); the decoder stays float32. */
    BF16;

    /** {@code fp32} or {@code bf16}, any case; a one-line error names the choices otherwise. */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OptionException("unknown precision '" + s + "' (choose fp32 or bf16)");
        }
    }
}
