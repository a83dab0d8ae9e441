package dev.kvcap.train;

import dev.kvcap.data.CaptionSet;
import java.nio.file.Path;

/**
 * Runs training's closing choice ({@link RerankChoice}) again on a trained model, as {@code train}
 * would at its end: fits the choice on the training images the model keeps, captions the
 * validation images every way (the model's own captions, by agreement, three fitted), and saves the winner in the model's {@code config.json}. For models
 * trained before the fitted choice (docs/REAL-DATA.md, "A fitted choice"); copy the model first.
 *
 * <pre>
 * java -cp kvcap-core/target/test-classes:kvcap-core/target/kvcap.jar:kvcap-core/target/lib/'*' \
 *     dev.kvcap.train.ChoiceProbe MODEL_DIR VAL_CAPTIONS.json VAL_IMAGES [N]
 * </pre>
 */
public final class ChoiceProbe {

    private ChoiceProbe() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path best = model.resolve(Checkpoint.BEST);
        CaptionSet val = CaptionSet.coco(Path.of(args[1]), Path.of(args[2])).withCaptions();
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        RerankChoice.Outcome o = RerankChoice.make(java.nio.file.Files.isDirectory(best) ? best : model, val, n, e -> {
            if (e instanceof TrainEvent.Info info) {
                System.err.println(info);
            }
        }).orElseThrow();
        System.out.println(o);
    }
}
