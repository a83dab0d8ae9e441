package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aNewFileIsReadableByAllAndAReplacedOneKeepsItsPermissions(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("results.json");
        AtomicFiles.write(fresh, "{}");
        assertEquals("{}", Files.readString(fresh));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.write(fresh, "[]");
        assertEquals("[]", Files.readString(fresh));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aPathThatCannotBeWrittenIsRefusedNamingTheTargetAndWhy(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("regular"), "x");
        IOException under = assertThrows(IOException.class, () -> AtomicFiles.write(file.resolve("out.json"), "{}"));
        assertEquals("cannot write " + file.resolve("out.json") + ": " + file + " is a file, not a folder", under.getMessage());
        IOException folder = assertThrows(IOException.class, () -> AtomicFiles.write(dir, "{}"));
        assertEquals("cannot write " + dir + ": it is a folder; give a file name", folder.getMessage());
        Path deep = dir.resolve("a/b/out.json");
        AtomicFiles.checkWritable(deep);
        assertEquals(true, Files.isDirectory(deep.getParent()), "the folder is made, the file is not");
        assertEquals(false, Files.exists(deep));
        assertEquals("x", Files.readString(file), "nothing was overwritten");
    }

    @Test
    void aLinkStaysALinkAndTheFileItNamesIsReplaced(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("real.json"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real.getFileName());
        AtomicFiles.write(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link is not replaced by a plain file");
        assertEquals("new", Files.readString(real));
        Path dangling = Files.createSymbolicLink(dir.resolve("later.json"), dir.resolve("sub/made.json"));
        AtomicFiles.write(dangling, "made");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("made", Files.readString(dir.resolve("sub/made.json")), "a link to no file yet makes the file it names");
    }

    @Test
    void aDeviceIsWrittenIntoNotReplaced(@TempDir Path dir) throws Exception {
        // through a link of our own, so that a failure replaces the link, never the device
        Path toNull = Files.createSymbolicLink(dir.resolve("null.json"), Path.of("/dev/null"));
        AtomicFiles.checkWritable(toNull);
        AtomicFiles.write(toNull, "{}");
        assertTrue(Files.isSymbolicLink(toNull), "results sent to /dev/null leave the link and the device as they were");
        assertFalse(Files.isRegularFile(Path.of("/dev/null")));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }
}
