package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.Vocabulary;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeRulesTest {

    private static float[] uniform(int v) {
        float[] row = new float[v];
        Arrays.fill(row, (float) -Math.log(v));
        return row;
    }

    @Test
    void unknownPaddingAndStartAreNeverChosen() {
        float[] row = uniform(10);
        row[Vocabulary.UNK_ID] = 0f; // the model is sure of <unk>
        new DecodeRules(new DecodeConfig(1, 8, 0, 0f, false)).apply(row, List.of());
        assertEquals(DecodeRules.BLOCKED, row[Vocabulary.UNK_ID]);
        assertEquals(DecodeRules.BLOCKED, row[Vocabulary.PAD_ID]);
        assertEquals(DecodeRules.BLOCKED, row[Vocabulary.START_ID]);
        assertTrue(row[Vocabulary.END_ID] > DecodeRules.BLOCKED);
        assertTrue(row[5] > DecodeRules.BLOCKED);
    }

    @Test
    void theEndWaitsForTheMinimumLength() {
        DecodeRules rules = new DecodeRules(new DecodeConfig(1, 8, 2, 0f, false));
        float[] early = uniform(10);
        rules.apply(early, List.of(5));
        assertEquals(DecodeRules.BLOCKED, early[Vocabulary.END_ID]);
        float[] late = uniform(10);
        rules.apply(late, List.of(5, 6));
        assertTrue(late[Vocabulary.END_ID] > DecodeRules.BLOCKED);
    }
}
