package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class KarpathySplitsTest {

    @TempDir Path dir;
    Path json;

    @BeforeEach
    void writeFixture() throws Exception {
        json = dir.resolve("dataset_coco.json");
        Files.writeString(
                json,
                """
{"images":[
  {"filepath":"val2014","filename":"COCO_1.jpg","split":"train","cocoid":11,"imgid":0,
   "sentences":[{"raw":"A man on a bike.","tokens":["a","man","on","a","bike"]}]},
  {"filepath":"val2014","filename":"COCO_2.jpg","split":"restval","cocoid":22,"imgid":1,
   "sentences":[{"tokens":["two","dogs"]}]},
  {"filename":"3.jpg","split":"test","imgid":5,
   "sentences":[{"raw":"x"},{"raw":"y"}]},
  {"filename":"4.jpg","split":"val","sentences":[]}
]}
""");
    }

    @Test
    void trainSplitIncludesRestval() {
        List<CaptionedImage> train = KarpathySplits.load(json, dir, "train");
        assertEquals(2, train.size());
        assertEquals(11, train.get(0).imageId());
        assertEquals(dir.resolve("val2014/COCO_1.jpg"), train.get(0).file());
        assertEquals(List.of("A man on a bike."), train.get(0).captions());
        assertEquals(List.of("two dogs"), train.get(1).captions());
        assertEquals(1, KarpathySplits.load(json, dir, "restval").size());
    }

    @Test
    void imageIdFallsBackToImgidThenIndex() {
        CaptionedImage test = KarpathySplits.load(json, dir, "test").get(0);
        assertEquals(5, test.imageId());
        assertEquals(dir.resolve("3.jpg"), test.file());
        assertEquals(List.of("x", "y"), test.captions());
        assertEquals(3, KarpathySplits.load(json, dir, "val").get(0).imageId());
    }

    @Test
    void unknownSplitListsTheSplitsPresent() {
        DataException e =
                assertThrows(DataException.class, () -> KarpathySplits.load(json, dir, "dev"));
        assertTrue(e.getMessage().contains("[restval, test, train, val]"), e.getMessage());
    }

    @Test
    void imageWithoutSplitIsAnError() throws Exception {
        Files.writeString(json, "{\"images\":[{\"filename\":\"a.jpg\"}]}");
        DataException e =
                assertThrows(DataException.class, () -> KarpathySplits.load(json, dir, "train"));
        assertTrue(e.getMessage().contains("\"split\""), e.getMessage());
    }

    @Test
    void captionSetGathersAllCaptions() {
        CaptionSet set = CaptionSet.karpathy(json, dir, "train");
        assertEquals(List.of("A man on a bike.", "two dogs"), set.allCaptions());
        assertEquals(List.of("a", "man", "on", "a", "bike"), set.tokenizedCaptions().get(0));
    }
}
