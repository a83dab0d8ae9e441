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

    @Test
    void theIdIsKeptBesideTheWeightsAndReusedWhileTheirSizeAndTimeAreUnchanged() throws Exception {
        fakeModel(tmp, new byte[] {1, 2, 3});
        String id = ModelFingerprint.of(tmp);
        Path cache = tmp.resolve("fingerprint.json");
        assertTrue(Files.exists(cache));
        // a planted id is believed while the file it describes is unchanged: proof the cache is read
        Files.writeString(cache, Files.readString(cache).replace(id, "00000000deadbeef"));
        assertEquals("00000000deadbeef", ModelFingerprint.of(tmp));
    }

    @Test
    void changedWeightsAreHashedAgainEvenAtTheSameSize() throws Exception {
        fakeModel(tmp, new byte[] {1, 2, 3});
        String first = ModelFingerprint.of(tmp);
        Path params = tmp.resolve("model.params");
        Files.write(params, new byte[] {7, 8, 9});
        Files.setLastModifiedTime(params, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(params).toMillis() + 5_000));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {7, 8, 9}));
        assertEquals(sha.substring(0, 16), ModelFingerprint.of(tmp));
        assertNotEquals(first, ModelFingerprint.of(tmp));
    }

    @Test
    void aDamagedCacheIsIgnoredAndRewritten() throws Exception {
        byte[] params = {4, 5};
        fakeModel(tmp, params);
        Files.writeString(tmp.resolve("fingerprint.json"), "{not json");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(params));
        assertEquals(sha.substring(0, 16), ModelFingerprint.of(tmp));
        assertTrue(Files.readString(tmp.resolve("fingerprint.json")).contains(sha.substring(0, 16)));
    }
}
