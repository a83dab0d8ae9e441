package dev.kvcap.cli;

import dev.kvcap.bank.MemoryBank;
import dev.kvcap.config.OptionException;
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
        description = "Teach the memory bank a caption for an image (source 'teach:<sha1 of the image>:<hash of the caption>'); the same caption for the same image is stored once.")
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
            throw new OptionException("--caption has no words; give the caption to remember, e.g. --caption \"a red circle\"");
        }
        Activity.now("loading the model " + memory.model);
        try (Captioner captioner = Models.load(memory.model)) {
            Activity.now("adding image " + image + " to the memory bank");
            byte[] pixels = captioner.prepare(image); // a bad image fails before the bank is opened
            try (MemoryBank bank = Banks.openForWrite(memory.model, captioner)) {
                MemoryWriter.Stored added = Banks.add(bank, captioner, "teach", List.of(image), List.of(pixels), List.of(words));
                if (added.duplicates() > 0) {
                    System.err.println("kvcap: the bank already holds this caption for this image; nothing added");
                } else if (added.cut() > 0) {
                    System.err.println("kvcap: the caption has " + words.size() + " words; only its first " + added.maxWords()
                            + " were remembered (the model's longest caption, data.maxCaptionLen)");
                }
                System.out.println(added.answer(words.size()));
            }
        }
        return 0;
    }
}
