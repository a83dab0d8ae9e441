package dev.kvcap.infer;

import ai.djl.ndarray.NDManager;
import dev.kvcap.config.DecodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a retrieval memory's caption time goes: finding the cells alone vs the whole caption, one
 * image at a time. With {@code PROFILE=/tmp/p.json}, also a libtorch profile of 100 captions of the
 * first image after the rounds (bench/profile-ops.py sums it by operator). Usage: CellProbe
 * MODEL_DIR IMAGE_DIR N [WORDS: every caption forced to this
 * length, beam 3, 0 = the model's own] [bank: with the model's memory bank]
 */
public final class CellProbe {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[2]);
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(a[1]))) {
            files = s.sorted().limit(n).toList();
        }
        boolean withBank = a.length > 4 && a[4].equals("bank");
        try (Captioner c = Captioner.load(Path.of(a[0]));
                NDManager m = NDManager.newBaseManager();
                dev.kvcap.bank.MemoryBank bank = withBank
                        ? dev.kvcap.bank.MemoryBank.openReadOnly(dev.kvcap.bank.MemoryBank.dirOf(dev.kvcap.bank.ModelFingerprint.weightsDir(Path.of(a[0]))),
                                new dev.kvcap.bank.BankInfo(dev.kvcap.bank.ModelFingerprint.of(Path.of(a[0])), c.model().cells().descriptor().width()),
                                dev.kvcap.bank.BankOptions.DEFAULT.withSearchCandidates(16))
                        : null) {
            List<byte[]> pixels = files.stream().map(c::prepare).toList();
            int w = a.length > 3 ? Integer.parseInt(a[3]) : 0;
            DecodeConfig d = w > 0 ? new DecodeConfig(3, w, w, 0f, false) : c.defaults();
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                for (byte[] p : pixels) {
                    try (NDManager call = m.newSubManager()) {
                        c.cells(call, List.of(p), bank);
                    }
                }
                long t1 = System.nanoTime();
                for (byte[] p : pixels) {
                    c.caption(List.of(p), d, false);
                }
                long t2 = System.nanoTime();
                System.out.printf("round %d: cells %.2f ms/image, caption %.2f ms/image%n", round, (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n);
            }
            if (System.getenv("PROFILE") != null) {
                ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                for (int i = 0; i < 100; i++) {
                    c.caption(List.of(pixels.get(0)), d, false);
                }
                ai.djl.pytorch.jni.JniUtils.stopProfile(System.getenv("PROFILE"));
            }
        }
    }
}
