package dev.kvcap.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFingerprintTest {

    @TempDir Path tmp;

    static void fakeModel(Path dir, byte[] params) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kvcap.json"), "{\"format\": 1}\n");
        Files.write(dir.resolve("model.params"), params);
    }

    @Test
    void theIdIsTheFirstSixteenHexDigitsOfTheSha256OfTheParameters() throws Exception {
        byte[] params = {1, 2, 3, 4, 5};
        fakeModel(tmp, params);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(params));
        assertEquals(sha.substring(0, 16), ModelFingerprint.of(tmp));
    }

    @Test
    void aDirectoryWithBestUsesTheBestModel() throws Exception {
        fakeModel(tmp.resolve("best"), new byte[] {9});
        Files.createDirectories(tmp.resolve("last"));
        assertEquals(tmp.resolve("best"), ModelFingerprint.weightsDir(tmp));
        assertEquals(ModelFingerprint.of(tmp.resolve("best")), ModelFingerprint.of(tmp));
    }

    @Test
    void differentWeightsGiveDifferentIds() throws Exception {
        fakeModel(tmp.resolve("a"), new byte[] {1});
        fakeModel(tmp.resolve("b"), new byte[] {2});
        assertNotEquals(ModelFingerprint.of(tmp.resolve("a")), ModelFingerprint.of(tmp.resolve("b")));
    }

    @Test
    void aDirectoryThatIsNotAModelIsRefusedWithAOneLineMessage() throws Exception {
        BankException e = assertThrows(BankException.class, () -> ModelFingerprint.of(tmp));
        assertTrue(e.getMessage().contains("not a kvcap model directory"), e.getMessage());
        Files.writeString(tmp.resolve("kvcap.json"), "[1]");
        e = assertThrows(BankException.class, () -> ModelFingerprint.of(tmp));
        assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
        Files.writeString(tmp.resolve("kvcap.json"), "{}");
        e = assertThrows(BankException.class, () -> ModelFingerprint.of(tmp));
        assertTrue(e.getMessage().contains("no model.params"), e.getMessage());
        assertThrows(BankException.class, () -> ModelFingerprint.of(tmp.resolve("missing")));
    }
}
