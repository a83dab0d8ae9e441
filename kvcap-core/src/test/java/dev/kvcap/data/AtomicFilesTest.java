package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
