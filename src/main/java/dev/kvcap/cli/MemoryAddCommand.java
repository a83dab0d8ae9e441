package dev.kvcap.cli;

import dev.kvcap.bank.MemoryBank;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.MemoryWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvcap memory add}: teaches the bank a corrected caption for an image. */
@Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Teach the memory bank a caption for an image (source 'teach:<sha1 of the image>').")
final class MemoryAddCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Mixin MemoryOptions memory;

    @Option(names = "--caption", paramLabel = "TEXT", required = true, description = "The caption to remember.")
    String caption;

    @Parameters(paramLabel = "IMAGE", arity = "1", description = "The image (JPEG or PNG).")
    Path image;

    @Override
    public Integer call() throws Exception {
        List<String> words = CaptionTokenizer.tokenize(caption);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("--caption has no words");
        }
        Activity.now("loading the model " + memory.model);
        try (Captioner captioner = Captioner.load(memory.model)) {
            Activity.now("adding image " + image + " to the memory bank");
            byte[] pixels = captioner.prepare(image); // a bad image fails before the bank is opened
            try (MemoryBank bank = Banks.openForWrite(memory.model, captioner)) {
                String source = "teach:" + Banks.sha1(image);
                bank.add(new MemoryWriter(captioner).entries(List.of(new MemoryWriter.Example(pixels, words, source))));
                bank.commit();
                System.out.println("{\"added\": " + (words.size() + 1) + ", \"entries\": " + bank.size() + ", \"source\": \"" + source + "\"}");
            }
        }
        return 0;
    }
}
