package dev.kvcap.cli;

import dev.kvcap.infer.Captioner;
import dev.kvcap.model.DecoderPrecision;
import dev.kvcap.model.Precision;
import dev.kvcap.model.SavedModel;
import java.nio.file.Path;

/** Loads a model for a command, with a note on stderr when its weights cannot be verified. */
final class Models {

    private Models() {}

    static Captioner load(Path model) {
        return load(model, Precision.FP32, DecoderPrecision.FP32);
    }

    static Captioner load(Path model, Precision precision, DecoderPrecision decoder) {
        Captioner captioner = Captioner.load(model, precision, decoder);
        if (!SavedModel.hasChecksum(model)) {
            System.err.println("kvcap: note: " + model + " records no checksum of its model.params (saved by an older kvcap),"
                    + " so damage to the weights cannot be detected; a model saved by this kvcap has one");
        }
        return captioner;
    }
}
