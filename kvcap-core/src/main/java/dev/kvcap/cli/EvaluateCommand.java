package dev.kvcap.cli;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.AtomicFiles;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.eval.Scores;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.infer.Retrieval;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Caption every image of an annotation file and print the metrics.",
            "One JSON object on stdout: Bleu_1..4 METEOR ROUGE_L CIDEr (SPICE is not computed);",
            "with --train-captions, the nearest-neighbour floor's figures too, under \"baseline\"."
        })
final class EvaluateCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Mixin ModelOptions modelOptions;

    @Mixin RerankOption rerank;

    @Spec CommandSpec spec;

    @Mixin BaselineOptions floor; // --train-captions: print the nearest-neighbour floor beside the model

    @Option(names = "--captions", paramLabel = "ANN.json", required = true, description = "MSCOCO captions JSON with the references.")
    Path captions;

    @Option(names = "--images", paramLabel = "DIR", required = true, description = "Image folder.")
    Path images;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Images per forward pass; default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images.")
    Integer limit;

    @Option(names = "--results", paramLabel = "OUT.json", description = "Also write the captions as MSCOCO results JSON.")
    Path results;

    @Override
    public Integer call() throws Exception {
        Limits.atLeastOne("--limit", limit);
        Limits.atLeastOne("--batch", batch);
        floor.refuseUnused(spec.mixins().get("floor"), spec.commandLine().getParseResult());
        Limits.existingFolder("--images", images);
        if (results != null) {
            AtomicFiles.checkWritable(results); // before the model captions every image, not after
        }
        if (floor.requested()) {
            floor.validate(true); // before the model captions every image, not after
        }
        Activity.now("reading the captions " + captions);
        CaptionSet set = CaptionSet.coco(captions, images);
        if (set.size() == 0) {
            throw new IllegalArgumentException(captions + " lists no images: nothing to evaluate");
        }
        if (limit != null) {
            set = set.limit(limit);
        }
        Activity.now("loading the model " + modelOptions.model);
        try (Captioner captioner = Models.load(modelOptions.model, modelOptions.precision(), modelOptions.decoderPrecision())) {
            DecodeConfig decode = modelOptions.decode(captioner.defaults());
            Optional<RerankSettings> choose = rerank.settings(decode);
            if (choose.isPresent()) {
                captioner.checkRerank(choose.get());
                if (!rerank.given()) {
                    System.err.println("kvcap: choosing among the model's caption and its " + choose.get().neighbours()
                            + " nearest training images' captions" + (choose.get().fitted().isEmpty() ? "" : " with the fitted choice (decode.rerankWeights; --no-rerank-fit: by agreement)")
                            + ", as its decode.rerank says (set by train on validation data; --rerank 0 for the model's own captions)");
                }
            }
            Optional<MemoryBank> bank = Banks.forCaptioning(modelOptions.memory, modelOptions.model, captioner);
            DatasetCaptions.Outcome o;
            try {
                Retrieval retrieval =
                        bank.map(b -> Banks.retrieval(b, modelOptions)).orElse(null);
                if (bank.isPresent()) {
                    System.err.println("kvcap: reading the memory bank (" + bank.get().size() + " entries; --memory off to ignore it)");
                }
                o = DatasetCaptions.run(captioner, set, decode, batch, retrieval, choose.orElse(null));
            } finally {
                bank.ifPresent(MemoryBank::close);
            }
            String metrics = DatasetCaptions.metricsJson(o.scores());
            if (floor.requested()) {
                Activity.now("computing the nearest-neighbour floor from " + floor.trainCaptions);
                CaptionSet scored = new CaptionSet(set.name(), o.captioned());
                Scores nn = CaptionMetrics.score(DatasetCaptions.references(scored), floor.captions(scored, captioner));
                System.err.printf(
                        "kvcap: CIDEr-D %.3f, nearest-neighbour floor %.3f (%.2fx)%n",
                        o.scores().corpus().get("CIDEr"),
                        nn.corpus().get("CIDEr"),
                        o.scores().corpus().get("CIDEr") / Math.max(1e-9, nn.corpus().get("CIDEr")));
                com.google.gson.JsonObject json = DatasetCaptions.metricsObject(o.scores());
                json.add("baseline", DatasetCaptions.metricsObject(nn));
                metrics = json.toString();
            }
            if (results != null) {
                Activity.now("writing the results to " + results);
                ResultsJson.write(results, o.results());
            }
            if (o.skipped() > 0) {
                System.err.println("kvcap: " + o.skipped() + " image(s) could not be decoded and were not scored");
            }
            Activity.now("printing the scores");
            System.out.println(metrics);
        }
        return 0;
    }
}
