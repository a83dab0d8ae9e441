package dev.kvcap.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a raw caption into lower-case word tokens, the way the training vocabulary sees it.
 *
 * <p>Steps: Unicode NFKC normalisation (full-width letters and ligatures become plain ones), curly
 * quotes and backticks become {@code '}, lower-casing with {@link Locale#ROOT}, then words are
 * scanned out of the text and every punctuation character is dropped.
 *
 * <ul>
 *   <li>A word is a run of letters, digits and combining marks, optionally joined by inner hyphens,
 *       apostrophes or (between digits) a dot or comma: {@code t-shirt}, {@code 3.5}, {@code
 *       o'clock} stay whole.
 *   <li>English clitics are split off Penn-Treebank style, as the MSCOCO evaluation tokenizer does:
 *       {@code man's} becomes {@code man 's}, {@code don't} becomes {@code do n't}, {@code they're}
 *       becomes {@code they 're}. The clitic keeps its apostrophe so that it never collides with a
 *       real word ("s", "d").
 *   <li>Null or blank text gives an empty list. No length limit is applied here: truncation is the
 *       job of {@link Vocabulary#encode}.
 * </ul>
 *
 * <p>The tokenizer is a pure function and thread-safe.
 */
public final class CaptionTokenizer {

    private static final Pattern WORD =
            Pattern.compile(
                    "\\p{N}+(?:[.,]\\p{N}+)+"
                            + "|[\\p{L}\\p{N}\\p{M}]+(?:['\\-][\\p{L}\\p{N}\\p{M}]+)*");

    private static final Pattern CLITIC = Pattern.compile("(.+?)('s|'re|'ve|'ll|'d|'m)");

    private CaptionTokenizer() {}

    /** Returns the tokens of {@code caption}; never null, empty for null or blank input. */
    public static List<String> tokenize(String caption) {
        List<String> tokens = new ArrayList<>();
        if (caption == null || caption.isBlank()) {
            return tokens;
        }
        String text = Normalizer.normalize(caption, Normalizer.Form.NFKC);
        text = text.replace('\u2019', '\'').replace('\u2018', '\'').replace('`', '\'');
        text = text.toLowerCase(Locale.ROOT);
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            addSplittingClitics(m.group(), tokens);
        }
        return tokens;
    }

    private static void addSplittingClitics(String word, List<String> out) {
        if (word.length() > 3 && word.endsWith("n't")) {
            out.add(word.substring(0, word.length() - 3));
            out.add("n't");
            return;
        }
        Matcher c = CLITIC.matcher(word);
        if (c.matches()) {
            out.add(c.group(1));
            out.add(c.group(2));
            return;
        }
        out.add(word);
    }
}
