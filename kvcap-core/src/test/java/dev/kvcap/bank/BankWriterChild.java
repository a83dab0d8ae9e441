package dev.kvcap.bank;

import java.nio.file.Path;

/**
 * Child process of {@link CrashSafetyTest}: opens a bank and, forever, adds a batch and commits,
 * printing {@code committed N} after each commit. The test kills it mid-stream.
 * Arguments: bank directory, model id, dim, batch size.
 */
public final class BankWriterChild {

    private BankWriterChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        BankInfo info = new BankInfo(args[1], Integer.parseInt(args[2]));
        int batch = Integer.parseInt(args[3]);
        MemoryBank bank = MemoryBank.open(dir, info); // never closed: the process is killed
        for (long seed = 0; ; seed++) {
            bank.add(Keys.entries(Keys.gaussian(seed, batch, info.dim()), "child:" + seed + ":", batch));
            bank.commit();
            System.out.println("committed " + bank.size());
            System.out.flush();
        }
    }
}
