package dev.kvcap.cli;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.infer.Retrieval;
import dev.kvcap.model.DecoderPrecision;
import dev.kvcap.model.Precision;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options of every command that captions with a trained model: which model, and how to decode. */
final class ModelOptions {

    @Option(
            names = "--model",
            paramLabel = "MODEL_DIR",
            required = true,
            description = "Model directory (its best/ is used when present).")
    Path model;

    @Option(names = "--beam", paramLabel = "N", description = "Beam size (default: the model's, usually 3).")
    Integer beam;

    @Option(names = "--max-len", paramLabel = "N", description = "Most words per caption (default: the model's).")
    Integer maxLen;

    @Option(names = "--length-penalty", paramLabel = "A", description = "Rank beams by logP / length^A (0 = raw log-probability, which favours short captions; default: the model's).")
    Float lengthPenalty;

    @Option(names = "--min-len", paramLabel = "N", description = "No <end> before N words (default: the model's).")
    Integer minLen;

    @Option(
            names = "--memory",
            paramLabel = "auto|on|off",
            defaultValue = "auto",
            description = "Read the model's memory bank while decoding: auto (when it has one), on, off; default ${DEFAULT-VALUE}.")
    String memory;

    @Option(names = "--memory-k", paramLabel = "K", defaultValue = "8", description = "Bank neighbours per step; default ${DEFAULT-VALUE}.")
    int memoryK;

    @Option(names = "--memory-weight", paramLabel = "W", defaultValue = "0.3", description = "Weight of the bank's word distribution (kNN-LM λ); default ${DEFAULT-VALUE}.")
    float memoryWeight;

    @Option(
            names = "--memory-confident",
            paramLabel = "P",
            defaultValue = "0.9",
            description = "Skip the bank where the model's top word has at least this probability (1 = always look up); default ${DEFAULT-VALUE}.")
    float memoryConfident;

    @Option(
            names = "--memory-read",
            paramLabel = "interpolate|slots",
            defaultValue = "interpolate",
            converter = ReadConverter.class,
            description = "How decoding uses the bank: interpolate its word distribution with the model's (kNN-LM), or slots: give it that share of the key-value memory's read, on the remembered words' slots (experimental: docs/MEMORY-BANK.md); default ${DEFAULT-VALUE}.")
    Retrieval.Read memoryRead;

    /** {@code --memory-read}'s words, checked when the command line is parsed. */
    static final class ReadConverter implements CommandLine.ITypeConverter<Retrieval.Read> {
        @Override
        public Retrieval.Read convert(String value) {
            switch (value) {
                case "interpolate":
                    return Retrieval.Read.INTERPOLATE;
                case "slots":
                    return Retrieval.Read.SLOTS;
                default:
                    throw new CommandLine.TypeConversionException("must be interpolate or slots");
            }
        }
    }

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16",
            defaultValue = "fp32",
            description = "Number format of the image encoder: fp32 (as trained) or bf16 (about 3x faster on CPUs with AMX/AVX-512 BF16; see docs/BF16.md); default ${DEFAULT-VALUE}.")
    String precision;

    /** The parsed {@code --precision}. */
    Precision precision() {
        return Precision.parse(precision);
    }

    @Option(
            names = "--decoder-precision",
            paramLabel = "fp32|int8",
            defaultValue = "fp32",
            description = "Number format of the decoder's weight matrices: fp32 (as trained) or int8 (per-row scales, a quarter of the bytes: the vgg16 decoder step about 1.7x faster; see docs/BENCHMARKS.md, lever 12); default ${DEFAULT-VALUE}.")
    String decoderPrecision;

    /** The parsed {@code --decoder-precision}. */
    DecoderPrecision decoderPrecision() {
        return DecoderPrecision.parse(decoderPrecision);
    }

    /** The model's decoding settings with the command-line overrides applied. */
    DecodeConfig decode(DecodeConfig defaults) {
        DecodeConfig d = defaults;
        if (beam != null) {
            d = d.withBeamSize(beam);
        }
        if (maxLen != null) {
            d = d.withMaxLen(maxLen);
        }
        if (lengthPenalty != null || minLen != null) {
            d = new DecodeConfig(
                    d.beamSize(),
                    d.maxLen(),
                    minLen != null ? minLen : Math.min(d.minLen(), d.maxLen()),
                    lengthPenalty != null ? lengthPenalty : d.lengthPenalty(),
                    d.noRepeatTrigram());
        }
        return d.validate();
    }
}
