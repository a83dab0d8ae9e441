package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class CocoCaptionsTest {

    @TempDir Path dir;

    private Path write(String name, String json) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    @Test
    void loadsImagesWithTheirCaptionsInFileOrder() throws Exception {
        Path ann =
                write(
                        "captions.json",
                        """
{"images":[{"id":42,"file_name":"a.jpg","width":640,"height":480},
           {"id":7,"file_name":"sub/b.jpg","width":1,"height":1}],
 "annotations":[{"id":1,"image_id":7,"caption":"A cat."},
                {"id":2,"image_id":42,"caption":"A dog runs."},
                {"id":3,"image_id":42,"caption":"Un chien \u00e9l\u00e9gant"}]}
""");
        List<CaptionedImage> images = CocoCaptions.load(ann, dir.resolve("imgs"));
        assertEquals(2, images.size());
        assertEquals(42, images.get(0).imageId());
        assertEquals(dir.resolve("imgs/a.jpg"), images.get(0).file());
        assertEquals(List.of("A dog runs.", "Un chien élégant"), images.get(0).captions());
        assertEquals(dir.resolve("imgs/sub/b.jpg"), images.get(1).file());
        assertEquals(List.of("A cat."), images.get(1).captions());
    }

    @Test
    void imagesWithoutAnnotationsAreKeptWithNoCaptions() throws Exception {
        Path ann =
                write(
                        "c.json",
                        "{\"images\":[{\"id\":1,\"file_name\":\"x.png\"}],\"annotations\":[]}");
        CaptionSet set = CaptionSet.coco(ann, dir);
        assertEquals(1, set.size());
        assertFalse(set.images().get(0).hasCaptions());
        assertEquals(0, set.withCaptions().size());
    }

    @Test
    void annotationForUnknownImageIsAnError() throws Exception {
        Path ann =
                write(
                        "c.json",
                        "{\"images\":[{\"id\":1,\"file_name\":\"x.png\"}],"
                            + "\"annotations\":[{\"id\":5,\"image_id\":99,\"caption\":\"hi\"}]}");
        DataException e = assertThrows(DataException.class, () -> CocoCaptions.load(ann, dir));
        assertTrue(e.getMessage().contains("image_id 99"), e.getMessage());
        assertTrue(e.getMessage().contains(ann.toString()), e.getMessage());
    }

    @Test
    void missingFieldNamesTheFieldAndFile() throws Exception {
        Path ann = write("c.json", "{\"images\":[{\"id\":1}],\"annotations\":[]}");
        DataException e = assertThrows(DataException.class, () -> CocoCaptions.load(ann, dir));
        assertTrue(e.getMessage().contains("images[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("file_name"), e.getMessage());
        assertThrows(
                DataException.class,
                () -> CocoCaptions.load(write("d.json", "{\"images\":[]}"), dir));
    }

    @Test
    void malformedJsonReportsLineAndColumnOnOneLine() throws Exception {
        Path ann = write("bad.json", "{\"images\":[\n  {\"id\":1,,}\n]}");
        DataException e = assertThrows(DataException.class, () -> CocoCaptions.load(ann, dir));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().startsWith(ann.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingFileIsAnError() {
        DataException e =
                assertThrows(
                        DataException.class,
                        () -> CocoCaptions.load(dir.resolve("nope.json"), dir));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void writtenFileLoadsBackTheSameImages() throws Exception {
        Path imgs = dir.resolve("images");
        List<CaptionedImage> images =
                List.of(
                        new CaptionedImage(
                                3, imgs.resolve("train/000003.png"), List.of("a b", "c")),
                        new CaptionedImage(4, imgs.resolve("train/000004.png"), List.of()));
        Path ann = dir.resolve("annotations/captions_train.json");
        long next = CocoCaptions.write(ann, images, imgs, 64, 64, 100);
        assertEquals(102, next);
        assertEquals(images, CocoCaptions.load(ann, imgs));
        assertTrue(Files.readString(ann).contains("\"train/000003.png\""));
    }
}
