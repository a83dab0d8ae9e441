package dev.kvcap.cli;

import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.OptionException;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.model.Precision;
import dev.kvcap.model.SavedModel;
import dev.kvcap.train.InputChecks;
import dev.kvcap.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a KVM captioner on MSCOCO-format captions (or a Karpathy split).",
            "Writes MODEL_DIR/best (best validation CIDEr-D), MODEL_DIR/last (for --resume),",
            "metrics.jsonl and curves.png.",
            "At the end, with validation data and a retrieval memory (small's), captions",
            "the validation images with and without --rerank N (N = train.rerankChoice,",
            "32; 0 skips this) and saves the better as the model's decode.rerank, which",
            "caption and evaluate follow."
        })
final class TrainCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin EngineOptions engine;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--captions", paramLabel = "ANN.json", description = "MSCOCO captions JSON.")
        Path captions;

        @Option(names = "--karpathy", paramLabel = "FILE", description = "Karpathy split JSON (dataset_coco.json, ...).")
        Path karpathy;
    }

    @Option(names = "--images", paramLabel = "DIR", required = true, description = "Image folder (Karpathy: the root under which filepath/filename lie).")
    Path images;

    @Option(names = "--split", defaultValue = "train", description = "Karpathy split to train on (train includes restval); default ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--val-captions", paramLabel = "ANN.json", description = "Validation captions (MSCOCO JSON). With --karpathy, the 'val' split is used when this is absent.")
    Path valCaptions;

    @Option(names = "--val-images", paramLabel = "DIR", description = "Validation image folder (default: --images).")
    Path valImages;

    @Option(names = "--out", paramLabel = "MODEL_DIR", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--config", paramLabel = "PRESET|FILE", description = "Preset (tiny, small, vgg16) or JSON overrides file; default small, or with --init the model's own config.")
    String config;

    @Option(names = "--init", paramLabel = "MODEL_DIR", description = "Start from this trained model's weights and vocabulary (fine-tuning, or the second phase: --scst).")
    Path init;

    @Option(names = "--scst", description = "Self-critical sequence training (CIDEr-D reward) from --init's model: the second phase after cross-entropy; settings in the config's scst section (see docs/REAL-DATA.md).")
    boolean scst;

    @Option(names = "--scst-samples", paramLabel = "K", description = "Override scst.samples: captions drawn per image.")
    Integer scstSamples;

    @Option(names = "--scst-baseline", paramLabel = "mean|greedy", description = "Override scst.baseline: the mean reward of the other draws (default) or the greedy caption's.")
    String scstBaseline;

    @Option(names = "--freeze-encoder", description = "Train the decoder only: the encoder's features are computed once per image and cached under MODEL_DIR/features (no augmentation).")
    boolean freezeEncoder;

    @Option(names = "--epochs", paramLabel = "N", description = "Override train.epochs.")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Override train.batchSize.")
    Integer batch;

    @Option(names = "--image-size", paramLabel = "N", description = "Override model.imageSize.")
    Integer imageSize;

    @Option(names = "--seed", paramLabel = "S", description = "Override train.seed.")
    Long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training (and validation) images: a smoke run.")
    Integer limit;

    @Option(names = "--encoder-weights", paramLabel = "FILE|MODEL_DIR", description = "Initialise the encoder from a .npz or .safetensors file of named tensors, or from a trained kvcap model directory (see docs/ENCODER-WEIGHTS.md).")
    Path encoderWeights;

    @Option(
            names = "--precision",
            paramLabel = "fp32|bf16",
            defaultValue = "fp32",
            description = "Number format of the encoder's convolutions in training: fp32, or bf16 (mixed precision: parameters and optimiser stay float32; about 1.5x faster for small and 2-2.6x for vgg16 on CPUs with AMX/AVX-512 BF16; see docs/BENCHMARKS.md, lever 11); default ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--resume", description = "Continue the run in MODEL_DIR/last with its optimizer state, epoch and RNG.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        Precision mixed = Precision.parse(precision);
        Limits.atLeastOne("--epochs", epochs);
        Limits.atLeastOne("--batch", batch);
        Limits.atLeastOne("--scst-samples", scstSamples);
        Activity.now("reading the config " + (config != null ? config : init != null ? init : "small"));
        KvcapConfig base =
                config != null
                        ? ConfigJson.resolve(config)
                        : init != null ? SavedModel.readConfig(init) : ConfigJson.resolve("small");
        if (scstSamples != null) {
            base = base.withScst(base.scst().withSamples(scstSamples));
        }
        if (scstBaseline != null) {
            base = base.withScst(base.scst().withBaseline(scstBaseline));
        }
        KvcapConfig cfg = TrainSetup.overrides(base, epochs, batch, imageSize, seed);
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (source.captions != null && parsed.hasMatchedOption("--split")) {
            throw new OptionException("--split picks a split of a Karpathy file: use it with --karpathy, or leave it out with --captions");
        }
        if (valImages != null && valCaptions == null) {
            throw new OptionException("--val-images is the folder of --val-captions' images: add --val-captions ANN.json, or leave out --val-images");
        }
        Limits.atLeastOne("--limit", limit);
        Limits.existingFolder("--images", images);
        if (valImages != null) {
            Limits.existingFolder("--val-images", valImages);
        }
        Activity.now("reading the training captions " + (source.captions != null ? source.captions : source.karpathy));
        CaptionSet train;
        CaptionSet val = null;
        if (source.captions != null) {
            train = CaptionSet.coco(source.captions, images);
        } else {
            train = CaptionSet.karpathy(source.karpathy, images, split);
            if (valCaptions == null) {
                val = CaptionSet.karpathy(source.karpathy, images, "val");
            }
        }
        if (valCaptions != null) {
            val = CaptionSet.coco(valCaptions, valImages != null ? valImages : images);
        }
        if (limit != null) {
            train = train.limit(limit);
            val = val == null ? null : val.limit(limit);
        }
        // Before any image is decoded: an unusable set must not cost an epoch (or the decoding).
        InputChecks.requireCaptioned(train, "training", source.captions != null ? "--captions" : "--karpathy and --split");
        InputChecks.requireCaptioned(val, "validation", valCaptions != null ? "--val-captions" : "the Karpathy file's 'val' split");
        Activity.now("training into " + out);
        System.err.println("kvcap: config " + cfg.preset() + ": " + ConfigJson.toJson(cfg).replaceAll("\\s+", " "));
        Trainer.Result r =
                new Trainer(cfg, new Progress(System.err))
                        .optEncoderWeights(encoderWeights)
                        .optPrecision(mixed)
                        .optInit(init)
                        .optScst(scst)
                        .optFreezeEncoder(freezeEncoder)
                        .run(train, val, out, resume);
        // without a validation set the best epoch is the one with the lowest training loss, kept as its negative
        String best = val == null
                ? String.format("no validation set, best = lowest training loss %.4f", -r.bestCider())
                : String.format("best validation CIDEr-D %.4f", r.bestCider());
        System.err.printf(
                "kvcap: trained %d epochs; %s; %d image(s) skipped; model in %s%n",
                r.epochsRun(), best, r.skippedImages(), out.resolve("best"));
        return 0;
    }
}
