package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SameItemTest {

    @Test
    void imagesWithTheSameCaptionsAreOneItem() {
        assertTrue(SameItem.same(List.of("the flag of norway", "norway flag"), List.of("norway flag", "the flag of norway")));
    }

    @Test
    void anotherStyleNamedWithOneWordMoreIsTheSameItem() {
        assertTrue(SameItem.same(List.of("account", "person"), List.of("account outline", "person outline")));
        assertTrue(SameItem.same(List.of("account outline"), List.of("account outline", "user outline")),
                "every caption of one is among the other's");
    }

    @Test
    void sharingATagOrAFamilyNameIsNotTheSameItem() {
        assertFalse(SameItem.same(List.of("arrow down", "direction", "south"), List.of("arrow up", "direction", "north")));
        assertFalse(SameItem.same(List.of("account outline"), List.of("account box")), "one word replaced, not added");
        assertFalse(SameItem.same(List.of(), List.of()), "no captions: nothing to compare");
        assertFalse(SameItem.same(List.of(" "), List.of("")), "blank captions compare as none");
    }

    @Test
    void anImagesItemListsTheOthersOnly() {
        SameItem items = new SameItem(List.of(
                List.of("account", "person"),
                List.of("account outline", "person outline"),
                List.of("account box", "user"),
                List.of("bell")));
        assertEquals(Set.of(1), items.of(0));
        assertEquals(Set.of(0), items.of(1));
        assertEquals(Set.of(), items.of(2), "one caption of two matches, up to a word");
        assertEquals(Set.of(), items.of(3));
    }

    @Test
    void aCaptionLessOneWordIsEachWordLeftOutInTurn() {
        assertEquals(List.of("b c", "a c", "a b"), SameItem.oneWordFewer("a b c"));
        assertEquals(List.of(), SameItem.oneWordFewer("a"));
    }
}
