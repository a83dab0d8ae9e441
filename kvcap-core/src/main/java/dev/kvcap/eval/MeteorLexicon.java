package dev.kvcap.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.dictionary.Dictionary;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * The linguistic resources of METEOR's English stages: the Snowball English stemmer (the one
 * METEOR 1.5 ships) and WordNet synsets through extjwnl's bundled WordNet 3.1. The dictionary is
 * loaded lazily, once per JVM; stems and synsets are cached per word.
 */
final class MeteorLexicon {

  private static volatile Dictionary dictionary;
  private static final ConcurrentHashMap<String, String> STEMS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, long[]> SYNSETS = new ConcurrentHashMap<>();

  /**
   * Function words: METEOR weighs their matches and lengths by 1 - delta. METEOR's own list
   * ({@code function/english.words}) is not available; this is a standard English closed-class
   * list (articles, pronouns, prepositions, conjunctions, auxiliaries) plus punctuation.
   */
  static final Set<String> FUNCTION_WORDS = Set.of(
      "a", "about", "above", "across", "after", "against", "all", "along", "also", "am", "among",
      "an", "and", "another", "any", "are", "around", "as", "at", "be", "because", "been",
      "before", "behind", "being", "below", "beneath", "beside", "besides", "between", "beyond",
      "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each",
      "either", "every", "few", "for", "from", "had", "has", "have", "having", "he", "her", "here",
      "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "inside", "into", "is",
      "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my", "myself",
      "near", "neither", "no", "nor", "not", "of", "off", "on", "onto", "or", "other", "our",
      "ours", "ourselves", "out", "outside", "over", "own", "per", "same", "shall", "she",
      "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
      "themselves", "then", "there", "these", "they", "this", "those", "through", "throughout",
      "to", "too", "toward", "towards", "under", "underneath", "until", "up", "upon", "us", "very",
      "was", "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom",
      "whose", "why", "will", "with", "within", "without", "would", "you", "your", "yours",
      "yourself", "yourselves", "'s", "n't", "'re", "'ve", "'m", "'ll", "'d", ".", ",", ";", ":",
      "!", "?", "'", "\"", "`", "``", "''", "-", "--", "(", ")", "[", "]", "{", "}", "/", "&",
      "#", "$", "%", "*", "+", "=", "<", ">", "@", "\\", "^", "_", "|", "~");

  private MeteorLexicon() {}

  /** Snowball English stem of a lower-case word. */
  static String stem(String word) {
    return STEMS.computeIfAbsent(word, w -> {
      EnglishStemmer stemmer = new EnglishStemmer();
      stemmer.setCurrent(w);
      stemmer.stem();
      return stemmer.getCurrent();
    });
  }

  /**
   * Sorted ids of the WordNet synsets of the word and of its morphological base forms, over all
   * parts of speech (ids: part of speech in the top bits, synset offset below).
   */
  static long[] synsets(String word) {
    return SYNSETS.computeIfAbsent(word, MeteorLexicon::lookUp);
  }

  /** Whether two sorted synset id arrays share an element. */
  static boolean intersect(long[] a, long[] b) {
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        return true;
      }
      if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return false;
  }

  private static long[] lookUp(String word) {
    if (word.isEmpty() || !Character.isLetterOrDigit(word.charAt(0))) {
      return new long[0];
    }
    Dictionary dict = dictionary();
    Set<Long> ids = new TreeSet<>();
    try {
      for (POS pos : POS.getAllPOS()) {
        List<String> forms = dict.getMorphologicalProcessor().lookupAllBaseForms(pos, word);
        if (!forms.contains(word)) {
          forms = new java.util.ArrayList<>(forms);
          forms.add(word);
        }
        for (String form : forms) {
          IndexWord index = dict.getIndexWord(pos, form);
          if (index != null) {
            for (long offset : index.getSynsetOffsets()) {
              ids.add(((long) pos.getId() << 40) | offset);
            }
          }
        }
      }
    } catch (JWNLException e) {
      throw new IllegalStateException("WordNet lookup failed for '" + word + "'", e);
    }
    long[] out = new long[ids.size()];
    int k = 0;
    for (Long id : ids) {
      out[k++] = id;
    }
    Arrays.sort(out);
    return out;
  }

  private static Dictionary dictionary() {
    Dictionary d = dictionary;
    if (d == null) {
      synchronized (MeteorLexicon.class) {
        d = dictionary;
        if (d == null) {
          try {
            d = Dictionary.getDefaultResourceInstance();
          } catch (JWNLException e) {
            throw new IllegalStateException("cannot load the bundled WordNet dictionary", e);
          }
          dictionary = d;
        }
      }
    }
    return d;
  }
}
