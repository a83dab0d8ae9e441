package dev.kvcap.cli;

import dev.kvcap.config.KvcapConfig;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.SyntheticDataset;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.Heatmaps;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.model.Precision;
import dev.kvcap.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole pipeline in about five minutes on synthetic data.",
            "Makes a synthetic data set, trains the 'small' model, captions the held-out test split",
            "(unseen colour-shape-relation combinations), prints the metrics and five examples",
            "beside their references, and writes heat-maps."
        })
final class DemoCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out", description = "Working folder; default ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--images", paramLabel = "N", defaultValue = "3000", description = "Synthetic images to make; default ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "8", description = "Training epochs; default ${DEFAULT-VALUE} (about 4 minutes on 2 cores).")
    int epochs;

    @Option(names = "--config", paramLabel = "PRESET|FILE", defaultValue = "small", description = "Model preset or JSON overrides; default ${DEFAULT-VALUE}.")
    String config;

    @Option(names = "--precision", paramLabel = "fp32|bf16", defaultValue = "fp32", description = "Number format of the encoder's convolutions in training (as for train); default ${DEFAULT-VALUE}.")
    String precision;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Limits.folderOrNothing("--out", out);
        SynthCommand.checkImages(images);
        Limits.atLeastOne("--epochs", epochs);
        Precision mixed = Precision.parse(precision);
        KvcapConfig cfg = TrainSetup.overrides(dev.kvcap.config.ConfigJson.resolve(config), epochs, null, null, null); // before minutes of making images
        Path data = out.resolve("data");
        Path modelDir = out.resolve("model");
        if (Files.exists(modelDir)) {
            throw new IllegalArgumentException(out + " already holds a demo run; remove it or pass another --out");
        }
        System.err.println("kvcap demo: 1/4 making " + images + " synthetic images in " + data);
        Activity.now("generating " + images + " synthetic images in " + data);
        SyntheticDataset.generate(data, images, 1, 64);
        CaptionSet train = CaptionSet.coco(data.resolve("annotations/captions_train.json"), data.resolve("images/train"));
        CaptionSet val = CaptionSet.coco(data.resolve("annotations/captions_val.json"), data.resolve("images/val"));
        CaptionSet test = CaptionSet.coco(data.resolve("annotations/captions_test.json"), data.resolve("images/test"));

        System.err.println("kvcap demo: 2/4 training the '" + cfg.preset() + "' model into " + modelDir);
        Activity.now("training into " + modelDir);
        new Trainer(cfg, new Progress(System.err)).optPrecision(mixed).run(train, val, modelDir, false);

        System.err.println("kvcap demo: 3/4 captioning the held-out test split");
        Activity.now("loading the model " + modelDir);
        StringBuilder report = new StringBuilder(); // printed only once everything succeeded
        try (Captioner captioner = Captioner.load(modelDir)) {
            // as evaluate captions: with --rerank when training found that it captions validation images better
            DatasetCaptions.Outcome o = DatasetCaptions.run(
                    captioner, test, captioner.defaults(), 64, null, RerankSettings.of(captioner.defaults()).orElse(null));
            Activity.now("writing " + out.resolve("test-results.json"));
            ResultsJson.write(out.resolve("test-results.json"), o.results());
            report.append("Held-out test metrics (" + o.results().size() + " images, unseen combinations):\n");
            report.append(DatasetCaptions.metricsJson(o.scores())).append("\n");
            report.append("\n");
            System.err.println("kvcap demo: 4/4 examples and heat-maps");
            Path maps = out.resolve("heatmaps");
            List<CaptionedImage> examples = o.captioned().subList(0, Math.min(5, o.captioned().size()));
            for (CaptionedImage img : examples) {
                Activity.now("captioning example image " + img.file() + " with heat-maps");
                Captioner.Caption c =
                        captioner.caption(List.of(captioner.prepare(img.file())), captioner.defaults(), true).get(0);
                String stem = img.file().getFileName().toString().replaceAll("\\.[^.]*$", "");
                Heatmaps.write(img.file(), c, maps, stem);
                report.append(img.file().getFileName() + "  kvcap: " + c.text()).append("\n");
                for (String ref : img.captions()) {
                    report.append("            ref: " + ref).append("\n");
                }
            }
            report.append("\n");
            report.append("Heat-maps (one PNG per word): " + maps.toAbsolutePath()).append("\n");
            report.append("Model: " + modelDir.toAbsolutePath() + " (curves in " + modelDir.resolve("curves.png") + ")").append("\n");
            report.append(String.format("Demo took %.1f min.%n", (System.nanoTime() - start) / 6e10));
        }
        Activity.now("printing the report");
        System.out.print(report);
        return 0;
    }
}
