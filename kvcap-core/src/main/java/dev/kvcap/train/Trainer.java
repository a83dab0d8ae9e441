package dev.kvcap.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.kvcap.model.Ops;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.TrainConfig;
import dev.kvcap.data.Augmenter;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.CiderWords;
import dev.kvcap.data.ImageDescriptor;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.ImageCache;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.EncoderWeights;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.Precision;
import dev.kvcap.model.SavedModel;
import dev.kvcap.model.TensorCasts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Collectors;

/**
 * Teacher-forced training with AdamW, warm-up and step decay, clipping and dropout; validation,
 * checkpoints, early stopping and exact resumption.
 *
 * <p>Determinism: epoch e shuffles with {@code Random(seed·1_000_003 + e)} and reseeds the engine
 * (dropout) with {@code seed + e}; {@code last/} holds parameters, optimiser moments and loop state
 * at the end of every epoch. A run resumed from {@code last/} therefore repeats exactly what the
 * uninterrupted run would have done.
 */
public final class Trainer {

    /**
     * Below this share of distinct validation captions, training warns that the model is
     * collapsing (one caption for most images); a healthy model on varied data is far above it.
     */
    static final double COLLAPSE = 0.05;

    private final KvcapConfig config;
    private final Consumer<TrainEvent> events;
    private Path encoderWeights;
    private Precision precision = Precision.FP32;
    private boolean freezeEncoder;
    private Path init;
    private boolean scst;

    public Trainer(KvcapConfig config, Consumer<TrainEvent> events) {
        config = config.validate();
        // With the choice on, decode.rerank and its weights are what this run's validation decides
        // (RerankChoice), not what a model given to --init, trained on other data perhaps, had chosen.
        this.config = config.train().rerankChoice() > 0
                ? config.withDecode(config.decode().withRerank(0).withRerankWeights(List.of()))
                : config;
        this.events = events;
    }

    /** Starts a fresh run from these encoder weights ({@link EncoderWeights}); ignored on resume. */
    public Trainer optEncoderWeights(Path file) {
        this.encoderWeights = file;
        return this;
    }

    /**
     * {@link Precision#BF16} trains the encoder's convolution stages in bfloat16 (mixed precision:
     * parameters, gradients and optimiser stay float32; {@link KvmCaptionModel#trainWith}).
     * Validation and the saved model are unaffected. A resumed run takes whatever is set here.
     */
    public Trainer optPrecision(Precision precision) {
        this.precision = precision;
        return this;
    }

    /**
     * Trains the decoder only: the encoder's parameters stay as they are, and its features are
     * computed once per image and cached on disk ({@link FeatureCache}; no augmentation then).
     */
    public Trainer optFreezeEncoder(boolean freeze) {
        this.freezeEncoder = freeze;
        return this;
    }

    /** Starts from a trained model's weights and vocabulary instead of a fresh model. */
    public Trainer optInit(Path modelDir) {
        this.init = modelDir;
        return this;
    }

    /**
     * Self-critical sequence training ({@link SelfCritical}, {@code config.scst()}) instead of
     * cross-entropy; needs {@link #optInit} (or a resumed self-critical run).
     */
    public Trainer optScst(boolean on) {
        this.scst = on;
        return this;
    }

    /**
     * What a finished run left behind.
     *
     * @param modelDir the model directory ({@code best/} and {@code last/} inside)
     * @param epochsRun epochs completed, counting those before a resume
     * @param bestCider best validation CIDEr-D (−1 without validation)
     * @param skippedImages images that could not be decoded
     */
    public record Result(Path modelDir, int epochsRun, double bestCider, int skippedImages) {}

    /**
     * Trains into {@code outDir}, then, with validation data and {@code train.rerankChoice} N > 0,
     * saves in the best model's {@code decode.rerank} whether choosing among its N nearest training
     * images' captions captions the validation images better ({@link RerankChoice}).
     */
    public Result run(CaptionSet train, CaptionSet val, Path outDir, boolean resume) throws IOException {
        Result result = train(train, val, outDir, resume);
        int n = config.train().rerankChoice();
        if (val != null && n > 0) {
            try {
                RerankChoice.make(outDir.resolve(Checkpoint.BEST), val, n, events);
            } catch (IOException | RuntimeException e) {
                // the trained model is saved and sound; it keeps its own captions (decode.rerank 0)
                events.accept(new TrainEvent.Info("warning: could not choose decode.rerank (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ").trim())
                        + "); the model captions with its own captions"));
            }
        }
        return result;
    }

    private Result train(CaptionSet train, CaptionSet val, Path outDir, boolean resume) throws IOException {
        Path last = outDir.resolve(Checkpoint.LAST);
        dev.kvcap.model.AtomicDirectory.recover(last);
        if (!resume && Files.exists(last)) {
            throw new IllegalArgumentException(
                    outDir + " already holds a training run; pass --resume to continue it or choose another --out");
        }
        if (resume && !SavedModel.isModelDir(last)) {
            throw new IllegalArgumentException(
                    "--resume: " + outDir + " has no checkpoint to resume (no " + last + ")");
        }
        if (scst && init == null && !resume) {
            throw new IllegalArgumentException(
                    "--scst is a second phase: give --init MODEL_DIR, a model trained with cross-entropy");
        }
        Files.createDirectories(outDir);
        long seed = config.train().seed();
        String phase = phase();
        try (NDManager manager = NDManager.newBaseManager();
                TensorCasts layout = TensorCasts.channelsLast();
                TensorCasts mixed = precision == Precision.BF16 ? TensorCasts.bf16() : null) {
            SavedModel saved;
            Checkpoint.State state;
            if (resume) {
                saved = loadForTraining(last, manager, "--resume", "resume with the same --config");
                state = Checkpoint.readState(last);
                if (!phase.equals(state.phaseOrDefault())) {
                    throw new IllegalArgumentException(
                            "--resume: " + last + " is a '" + state.phaseOrDefault() + "' run, not '" + phase
                                    + "'; resume with the same --scst / --freeze-encoder");
                }
                events.accept(new TrainEvent.Info("resuming at epoch " + (state.nextEpoch() + 1)));
            } else if (init != null) {
                saved = loadForTraining(init, manager, "--init",
                        "leave out --config and --image-size (the model's own config is used)");
                events.accept(new TrainEvent.Info("starting from the weights in " + init));
                state = new Checkpoint.State(0, 0, -1, -1, 0, phase);
            } else {
                Vocabulary vocab =
                        Vocabulary.build(train.tokenizedCaptions(), config.data().minWordCount());
                Engine.getInstance().setRandomSeed((int) seed);
                KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab.size());
                model.initialize(manager);
                if (encoderWeights != null) {
                    int n = EncoderWeights.load(model.encoder(), encoderWeights, manager);
                    events.accept(new TrainEvent.Info("loaded " + n + " encoder tensors from " + encoderWeights));
                }
                model.initMemoryKeys(
                        vocab.frequentContentWords(config.model().memorySlots()).stream()
                                .mapToInt(Integer::intValue)
                                .toArray());
                saved = new SavedModel(config, vocab, model);
                state = new Checkpoint.State(0, 0, -1, -1, 0, phase);
            }
            saved = new SavedModel(config, saved.vocab(), saved.model());
            Vocabulary vocab = saved.vocab();
            KvmCaptionModel model = saved.model();
            if (freezeEncoder) {
                model.encoder().freezeParameters(true);
            }
            if (mixed != null && !freezeEncoder) {
                model.trainWith(mixed);
                events.accept(
                        new TrainEvent.Info(
                                "the encoder's convolutions train in bf16 (mixed precision; parameters and optimiser in float32)"));
            }

            ImageCache cache =
                    new ImageCache(config.data().cacheMemoryMb() * (1L << 20), outDir.resolve("cache"));
            TrainingBatches trainData = prepare(train, vocab, cache, "training", true);
            TrainingBatches valData = val == null ? null : prepare(val, vocab, cache, "validation", false);
            events.accept(
                    new TrainEvent.Info(
                            String.format(
                                    "vocabulary %d words (min count %d); %d training images, %d validation images; %,d parameters%s",
                                    vocab.size(),
                                    saved.vocab().minCount(),
                                    trainData.size(),
                                    valData == null ? 0 : valData.size(),
                                    ModelStats.parameterCount(model),
                                    freezeEncoder ? " trained (the encoder is frozen)" : "")));
            if (trainData.size() == 0) {
                throw new IllegalArgumentException("no usable training images (all failed to decode or have no captions)");
            }
            InputChecks.requireUsableValidation(val, valData == null ? 0 : valData.size());

            CellTable trainCells = null;
            CellTable valCells = null;
            if (config.model().retrievalMemory()) {
                CellIndex index = cellIndex(trainData, vocab, ImageDescriptor.of(config.model()));
                saved = saved.withCells(index);
                CellIndex.Ballot ballot = CellIndex.Ballot.of(config.model());
                int n = ballot.neighbours();
                int k = ballot.cells();
                trainCells = new CellTable(index.ownCells(ballot), k);
                if (valData != null) {
                    valCells = new CellTable(index.cells(descriptors(valData, index), ballot), k);
                }
                events.accept(new TrainEvent.Info(String.format(
                        "retrieval memory: %d captioned images indexed; %.1f of %d cells filled per training image (from %d neighbours)",
                        index.size(), trainCells.meanFilled(), k, n)));
            }

            // try-with-resources skips null resources: the caches exist only with a frozen encoder
            try (FeatureCache t = freezeEncoder ? features(model, trainData, outDir, "train", manager) : null;
                    FeatureCache v = freezeEncoder && valData != null ? features(model, valData, outDir, "val", manager) : null) {
                ImageSource trainImages;
                ImageSource valImages;
                if (freezeEncoder) {
                    trainImages = ImageSource.cached(model, t, trainCells);
                    valImages = v == null ? null : ImageSource.cached(model, v, valCells);
                } else {
                    Augmenter augment =
                            config.data().augmentShift() == 0
                                    ? Augmenter.none()
                                    : new Augmenter(config.data().augmentShift(), 0.0, false);
                    trainImages = ImageSource.live(model, trainData, augment, layout, trainCells);
                    valImages = valData == null ? null : ImageSource.live(model, valData, null, null, valCells);
                }
                Validation validation =
                        valData == null ? null : new Validation(saved, valData, valImages, config.decode());
                return loop(saved, trainData, trainImages, validation, manager, outDir, resume, state, cache);
            }
        }
    }

    /** The retrieval memory's index of the training images: their descriptors, their captions' key words and text. */
    private static CellIndex cellIndex(TrainingBatches data, Vocabulary vocab, ImageDescriptor descriptor) {
        CellIndex index = new CellIndex(descriptor);
        List<byte[]> thumbs = descriptors(data, index);
        for (int i = 0; i < data.size(); i++) {
            List<List<String>> tokens = data.images().get(i).captions().stream().map(CaptionTokenizer::tokenize).toList();
            index.add(thumbs.get(i), CellIndex.keyWords(vocab, tokens),
                    tokens.stream().mapToLong(CellIndex::captionKey).toArray(),
                    tokens.stream().map(t -> String.join(" ", t)).toList());
        }
        return index;
    }

    private static List<byte[]> descriptors(TrainingBatches data, CellIndex index) {
        return IntStream.range(0, data.size()).parallel().mapToObj(i -> index.describe(data.pixels(i), data.imageSize())).toList();
    }

    /**
     * A saved model to train further: its parameters need gradients again (loaded arrays come
     * without), and its network must be the one this run's config describes.
     */
    private SavedModel loadForTraining(Path dir, NDManager manager, String option, String advice) {
        SavedModel saved = SavedModel.load(dir, manager);
        saved.model().getParameters().forEach(p -> {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        });
        if (!saved.config().model().equals(config.model())) {
            throw new IllegalArgumentException(
                    option + ": the model config differs from the one in " + dir + "; " + advice);
        }
        return saved;
    }

    /** The step's learning rate: the self-critical phase's constant one, or the cross-entropy schedule. */
    private float learningRate(long steps, int epoch) {
        return scst ? config.scst().learningRate() : LearningRate.at(config.train(), steps, epoch);
    }

    /** What this run is, as checkpoints record it: a resumed run must be the same. */
    private String phase() {
        return (scst ? "scst" : "xe") + (freezeEncoder ? "-frozen-encoder" : "");
    }

    private FeatureCache features(
            KvmCaptionModel model, TrainingBatches data, Path outDir, String name, NDManager manager) throws IOException {
        long start = System.nanoTime();
        FeatureCache c =
                FeatureCache.open(model, data, outDir.resolve("features"), name, manager,
                        done -> events.accept(new TrainEvent.Preparing(done, data.size())));
        events.accept(
                new TrainEvent.Info(
                        String.format("%s features of the frozen encoder ready (%d images, %.1f s)", name, c.size(), (System.nanoTime() - start) / 1e9)));
        return c;
    }

    /** The epochs: steps, validation, checkpoints, early stopping. */
    private Result loop(
            SavedModel saved,
            TrainingBatches trainData,
            ImageSource images,
            Validation validation,
            NDManager manager,
            Path outDir,
            boolean resume,
            Checkpoint.State state,
            ImageCache cache)
            throws IOException {
        Path last = outDir.resolve(Checkpoint.LAST);
        Path best = outDir.resolve(Checkpoint.BEST);
        KvmCaptionModel model = saved.model();
        long seed = config.train().seed();
        float wordLoss = scst ? 0f : config.train().wordLoss();
        WordPresence words = null;
        PairList<String, Parameter> trained = new PairList<>(model.getParameters().keys(), model.getParameters().values());
        if (wordLoss > 0) {
            List<int[][]> captions = new ArrayList<>();
            for (int i = 0; i < trainData.size(); i++) {
                captions.add(trainData.allCaptions(i));
            }
            words = new WordPresence(saved.vocab(), captions, model.config().contextDim(), manager);
            trained.addAll(words.parameters());
            if (resume && !Checkpoint.loadWordPresence(last, words, manager)) {
                throw new IllegalArgumentException(
                        "--resume: " + last + " was trained without train.wordLoss; resume with the same config");
            }
        }
        AdamW optimizer = new AdamW(trained, manager, config.train().weightDecay(), config.train().gradClip());
        if (resume) {
            Checkpoint.loadOptimizer(last, optimizer);
        }
        SelfCritical selfCritical = null;
        if (scst) {
            List<List<String>> refs = trainData.images().stream().map(CaptionedImage::captions).toList();
            selfCritical = new SelfCritical(model, config.decode(), config.scst(), SelfCritical.references(refs, saved.vocab()));
        }
        if (init != null && !resume && validation != null) {
            // The starting model is the one to beat: a phase that makes it worse keeps it as best.
            Map<String, Double> v = validation.run(manager);
            state = new Checkpoint.State(0, 0, v.get("val_CIDEr"), 0, 0, state.phase());
            Checkpoint.save(best, saved, null, state);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("epoch", 0);
            figures.putAll(v);
            appendMetrics(outDir, figures);
            events.accept(new TrainEvent.Epoch(0, figures, true));
        }
        int batchSize = config.train().batchSize();
        int batches = trainData.batches(batchSize);
        int epochs = scst ? config.scst().epochs() : config.train().epochs();
        ParameterStore ps = new ParameterStore(manager, false);
        long runStart = System.nanoTime();
        long imagesSeen = 0;
        int epoch = state.nextEpoch();
        for (; epoch < epochs; epoch++) {
            Random rng = new Random(seed * 1_000_003L + epoch);
            Engine.getInstance().setRandomSeed((int) (seed + epoch));
            int[] order = TrainingBatches.order(trainData.size(), rng);
            double lossSum = 0;
            double rewardSum = 0;
            double baselineSum = 0;
            double wordLossSum = 0;
            long epochStart = System.nanoTime();
            long steps = state.steps();
            float feedOwn = scheduledSampling(epoch, epochs);
            for (int bi = 0; bi < batches; bi++) {
                int from = bi * batchSize;
                int to = Math.min(order.length, from + batchSize);
                float lr = learningRate(steps, epoch);
                float loss;
                // The scope closes what the step derives from the parameters (which would
                // otherwise live in the model's manager until the run ends).
                try (NDManager step = manager.newSubManager();
                        NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDList inputs = images.inputs(step, order, from, to, rng);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l;
                        NDArray extra = null; // auxiliary losses, reported apart from the captions'
                        if (selfCritical != null) {
                            ImageContext ctx = images.encode(ps, inputs, false); // no dropout: the policy that draws
                            SelfCritical.Drawn drawn = selfCritical.draw(ctx, Arrays.copyOfRange(order, from, to), rng);
                            rewardSum += drawn.meanReward();
                            baselineSum += drawn.meanBaseline();
                            l = selfCritical.loss(ps, ctx, drawn);
                        } else {
                            int k = config.train().captionsPerImage();
                            NDList tokens =
                                    TrainingBatches.tokens(
                                            step,
                                            k == 1
                                                    ? trainData.captions(order, from, to, rng)
                                                    : trainData.captions(order, from, to, k, rng));
                            ImageContext once = images.encode(ps, inputs, true);
                            ImageContext ctx = once.repeat(k);
                            NDArray in = feedOwn > 0 ? ScheduledSampling.mix(model, ps, ctx, tokens.get(0), feedOwn, rng) : tokens.get(0);
                            NDArray logits = model.logits(ps, ctx, in, true);
                            l = CaptionLoss.of(logits, tokens.get(1), config.train().labelSmoothing());
                            if (words != null) {
                                NDArray w = words.loss(ps, once.global(), order, from, to, true);
                                wordLossSum += w.getFloat();
                                extra = Ops.scale(w, wordLoss);
                            }
                        }
                        loss = l.getFloat();
                        gc.backward(extra == null ? l : l.add(extra));
                    }
                    optimizer.step(lr);
                }
                steps++;
                lossSum += loss;
                imagesSeen += to - from;
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                double rate = imagesSeen / Math.max(elapsed, 1e-9);
                long remaining = (long) (epochs - epoch - 1) * trainData.size() + (order.length - to);
                events.accept(
                        new TrainEvent.Step(epoch + 1, epochs, bi + 1, batches, loss, lr, rate, remaining / rate));
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("epoch", epoch + 1);
            figures.put("steps", steps);
            figures.put("train_loss", lossSum / batches);
            if (selfCritical != null) {
                figures.put("scst_reward", rewardSum / batches);
                figures.put("scst_baseline", baselineSum / batches);
            }
            if (feedOwn > 0) {
                figures.put("scheduled_sampling", (double) feedOwn);
            }
            if (words != null) {
                figures.put("word_loss", wordLossSum / batches);
            }
            figures.put("lr", learningRate(steps, epoch));
            figures.put("skipped_steps", optimizer.skipped());
            figures.put("images_per_s", trainData.size() / ((System.nanoTime() - epochStart) / 1e9));
            double score;
            if (validation != null) {
                Map<String, Double> v = validation.run(manager);
                figures.putAll(v);
                score = v.getOrDefault("val_CIDEr", -1.0);
                if (score < 0) {
                    score = -v.get("val_loss"); // no metric: lower loss is better
                }
                warnOnCollapse(v.get("val_distinct"), validation.size());
            } else {
                score = -lossSum / batches;
            }
            boolean improved = state.bestEpoch() < 0 || score > state.bestCider();
            state =
                    new Checkpoint.State(
                            epoch + 1,
                            steps,
                            improved ? score : state.bestCider(),
                            improved ? epoch + 1 : state.bestEpoch(),
                            improved ? 0 : state.stale() + 1,
                            state.phase());
            if (improved) {
                Checkpoint.save(best, saved, null, state);
            }
            Checkpoint.save(last, saved, optimizer, words, state);
            appendMetrics(outDir, figures);
            events.accept(new TrainEvent.Epoch(epoch + 1, figures, improved));
            if (config.train().patience() > 0 && state.stale() >= config.train().patience()) {
                events.accept(
                        new TrainEvent.Info(
                                "early stop: no better validation score for "
                                        + state.stale()
                                        + " epochs (best at epoch "
                                        + state.bestEpoch()
                                        + ")"));
                epoch++;
                break;
            }
        }
        CurvePlot.write(outDir.resolve("metrics.jsonl"), outDir.resolve("curves.png"));
        return new Result(outDir, epoch, state.bestCider(), cache.failures());
    }

    /** The share of inputs fed from the model's own predictions in {@code epoch}: a linear ramp. */
    private float scheduledSampling(int epoch, int epochs) {
        float max = config.train().scheduledSampling();
        return scst || max == 0 ? 0f : max * epoch / Math.max(1, epochs - 1);
    }

    private void warnOnCollapse(double distinct, int images) {
        if (distinct < COLLAPSE) {
            events.accept(
                    new TrainEvent.Info(
                            String.format(
                                    "warning: %d distinct captions for %d validation images (%.1f%%): the model is collapsing to one caption for most images; see docs/REAL-DATA.md",
                                    Math.round(distinct * images), images, 100 * distinct)));
        }
    }

    /**
     * Decodes every captioned image once into the cache (in parallel, with progress), skipping and
     * reporting those that fail, and encodes their captions.
     *
     * @param training whether these are the training images, which learn {@code train.captionTarget}
     */
    private TrainingBatches prepare(CaptionSet set, Vocabulary vocab, ImageCache cache, String what, boolean training) {
        List<CaptionedImage> images =
                set.images().stream().filter(CaptionedImage::hasCaptions).collect(Collectors.toList());
        int size = config.model().imageSize();
        int failedBefore = cache.failures();
        AtomicInteger done = new AtomicInteger();
        boolean[] ok = new boolean[images.size()];
        IntStream.range(0, images.size())
                .parallel()
                .forEach(
                        i -> {
                            ok[i] = cache.get(images.get(i), size).isPresent();
                            int d = done.incrementAndGet();
                            if (d % 256 == 0 || d == images.size()) {
                                events.accept(new TrainEvent.Preparing(d, images.size()));
                            }
                        });
        int skipped = cache.failures() - failedBefore;
        if (skipped > 0) {
            events.accept(
                    new TrainEvent.Info(
                            skipped + " " + what + " image(s) could not be decoded and were skipped; first: "
                                    + cache.failureMessages().get(failedBefore)));
        }
        List<CaptionedImage> kept = new ArrayList<>();
        List<int[][]> captions = new ArrayList<>();
        boolean central = training && TrainConfig.CENTRAL.equals(config.train().captionTarget());
        List<List<List<String>>> words = new ArrayList<>(); // with central: the kept images' encoded captions' words
        for (int i = 0; i < images.size(); i++) {
            if (!ok[i]) {
                continue;
            }
            List<List<String>> tokenized =
                    images.get(i).captions().stream().map(CaptionTokenizer::tokenize).toList();
            int[][] encoded = TrainingBatches.encode(vocab, tokenized, config.data().maxCaptionLen());
            if (encoded.length > 0) {
                kept.add(images.get(i));
                captions.add(encoded);
                if (central) {
                    words.add(tokenized.stream().filter(t -> !t.isEmpty()).toList()); // as encode keeps them
                }
            }
        }
        return new TrainingBatches(kept, cache, captions, size, central ? TrainingBatches.central(words, new CiderWords(vocab)) : null);
    }

    private static void appendMetrics(Path outDir, Map<String, Object> figures) throws IOException {
        Files.writeString(
                outDir.resolve("metrics.jsonl"),
                new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(figures) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
