package dev.kvcap.model;

import java.security.MessageDigest;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * What a checksum of model.params costs per MB: SHA-256 against CRC32C (a {@code main}, not a
 * test; README, "model directories"). {@code bin/kvcap} runs short commands with C1 only, so run it
 * both ways, in {@code kvcap-core/} after {@code ./mvnw -q package -DskipTests} at the root: {@code
 * java [-XX:TieredStopAtLevel=1] -cp target/test-classes dev.kvcap.model.ChecksumProbe [MB]}.
 */
public class ChecksumProbe {

    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        byte[] chunk = new byte[1 << 16];
        new Random(1).nextBytes(chunk);
        int chunks = mb * 16; // 64 KB chunks
        for (int run = 0; run < 2; run++) {
            long t0 = System.nanoTime();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < chunks; i++) {
                sha.update(chunk);
            }
            sha.digest();
            long t1 = System.nanoTime();
            CRC32C crc = new CRC32C();
            for (int i = 0; i < chunks; i++) {
                crc.update(chunk);
            }
            long t2 = System.nanoTime();
            System.out.printf("%d MB: SHA-256 %.2f ms/MB, CRC32C %.3f ms/MB%n", mb, (t1 - t0) / 1e6 / mb, (t2 - t1) / 1e6 / mb);
        }
    }
}
