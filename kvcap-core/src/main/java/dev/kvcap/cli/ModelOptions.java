package dev.kvcap.cli;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.infer.BankRetrieval;
import dev.kvcap.infer.Retrieval;
import dev.kvcap.model.DecoderPrecision;
import dev.kvcap.model.Precision;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--max-len", paramLabel = "N", description = "Most words per caption, at most 1000 (default: the model's).")
    Integer maxLen;

    @Option(names = "--length-penalty", paramLabel = "A", description = "Rank beams by logP / length^A (0 = raw log-probability, which favours short captions; default: the model's).")
    Float lengthPenalty;

    @Option(names = "--min-len", paramLabel = "N", description = "No <end> before N words, 0 to --max-len (default: the model's).")
    Integer minLen;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Most neighbours {@code --memory-k} accepts (decoding consults 16 HNSW candidates per search). */
    static final int MAX_MEMORY_K = 1000;

    String memory = "auto";

    int memoryK = BankRetrieval.DEFAULT_K;

    float memoryWeight = BankRetrieval.DEFAULT_WEIGHT;

    float memoryConfident = 0.9f;

    @Option(
            names = "--memory",
            paramLabel = "auto|on|off",
            defaultValue = "auto",
            description = "Read the model's memory bank while decoding: auto (when it has one), on, off; default ${DEFAULT-VALUE}.")
    void setMemory(String mode) {
        if (!mode.equals("auto") && !mode.equals("on") && !mode.equals("off")) {
            throw bad("--memory must be auto, on or off, got '" + mode + "'");
        }
        memory = mode;
    }

    @Option(names = "--memory-k", paramLabel = "K", defaultValue = "8", description = "Bank neighbours per step, 1 to 1000 (learned-slot models; a retrieval memory reads the bank in its cells); default ${DEFAULT-VALUE}.")
    void setMemoryK(int k) {
        if (k < 1 || k > MAX_MEMORY_K) {
            throw bad("--memory-k must be between 1 and " + MAX_MEMORY_K + " (neighbours per step), got " + k);
        }
        memoryK = k;
    }

    @Option(names = "--memory-weight", paramLabel = "W", defaultValue = "0.3", description = "Weight of the bank's word distribution (kNN-LM λ), 0 to 1; default ${DEFAULT-VALUE}.")
    void setMemoryWeight(float w) {
        if (!(w >= 0 && w <= 1)) { // NaN fails both
            throw bad("--memory-weight must be between 0 and 1 (the bank's share of each word's probability), got " + w);
        }
        memoryWeight = w;
    }

    @Option(
            names = "--memory-confident",
            paramLabel = "P",
            defaultValue = "0.9",
            description = "Skip the bank where the model's top word has at least this probability, above 0 and at most 1 (1 = always look up); default ${DEFAULT-VALUE}.")
    void setMemoryConfident(float p) {
        if (!(p > 0 && p <= 1)) {
            throw bad("--memory-confident must be above 0 and at most 1 (a probability; 1 = always look up), got " + p);
        }
        memoryConfident = p;
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    @Option(
            names = "--memory-read",
            paramLabel = "interpolate|slots",
            defaultValue = "interpolate",
            converter = ReadConverter.class,
            description = "How a learned-slot model's decoding uses the bank (a retrieval memory reads it in its cells): interpolate its word distribution with the model's (kNN-LM), or slots: give it that share of the key-value memory's read, on the remembered words' slots (experimental: docs/MEMORY-BANK.md); default ${DEFAULT-VALUE}.")
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
                    d.noRepeatTrigram(),
                    d.rerank(),
                    d.rerankWeights());
        }
        return d.validate();
    }
}
