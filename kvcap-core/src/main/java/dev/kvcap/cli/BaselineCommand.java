package dev.kvcap.cli;

import dev.kvcap.data.AtomicFiles;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.eval.CaptionMetrics;
import dev.kvcap.infer.Captioner;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "baseline",
        mixinStandardHelpOptions = true,
        description = {
            "The floor a captioner must beat: caption every image of an annotation file with the consensus",
            "caption of its nearest training images (raw pixels, oriented gradients, or a model's encoder),",
            "and print the metrics. One JSON object on stdout, the same keys as evaluate."
        })
final class BaselineCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Mixin BaselineOptions floor;

    @Option(names = "--captions", paramLabel = "ANN.json", required = true, description = "MSCOCO captions JSON of the images to caption (the references).")
    Path captions;

    @Option(names = "--images", paramLabel = "DIR", required = true, description = "Their image folder.")
    Path images;

    @Option(names = "--model", paramLabel = "MODEL_DIR", description = "Model whose encoder measures distances (--features encoder).")
    Path model;

    @Option(names = "--limit", paramLabel = "N", description = "Caption only the first N images.")
    Integer limit;

    @Option(names = "--results", paramLabel = "OUT.json", description = "Also write the captions as MSCOCO results JSON.")
    Path results;

    @Override
    public Integer call() throws Exception {
        Limits.atLeastOne("--limit", limit);
        Limits.existingFolder("--images", images);
        if (results != null) {
            AtomicFiles.checkWritable(results);
        }
        floor.validate(model != null);
        Activity.now("reading the captions " + captions);
        CaptionSet set = CaptionSet.coco(captions, images);
        if (limit != null) {
            set = set.limit(limit);
        }
        Activity.now("loading the model " + model);
        Captioner captioner = model == null ? null : Models.load(model);
        try {
            Activity.now("finding the nearest training images of " + captions + " in " + floor.trainCaptions);
            Map<Long, String> out = floor.captions(set, captioner);
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no image of " + captions + " could be read");
            }
            Activity.now("scoring the floor's captions against " + captions);
            String metrics = DatasetCaptions.metricsJson(CaptionMetrics.score(DatasetCaptions.references(set), out));
            if (results != null) {
                Activity.now("writing the results to " + results);
                ResultsJson.write(results, out);
            }
            Activity.now("printing the scores");
            System.out.println(metrics);
        } finally {
            if (captioner != null) {
                captioner.close();
            }
        }
        return 0;
    }
}
