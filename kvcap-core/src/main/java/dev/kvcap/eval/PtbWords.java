package dev.kvcap.eval;

import java.util.List;
import java.util.Set;

/** The word lists of the PTB lexer's rules, as observed in CoreNLP 3.4.1's output. */
final class PtbWords {

  /** Words that, after a one-letter abbreviation, make PTB read its period as a sentence end. */
  static final Set<String> SENTENCE_STARTERS =
      Set.of("the", "a", "an", "this", "that", "these", "he", "she", "it", "they", "we", "you",
          "in", "at", "there", "what", "but", "if", "as", "so", "then", "here", "her", "some",
          "many", "one", "when", "while", "after", "our", "their", "yet", "since", "now", "other",
          "such", "however", "last", "more", "once", "earlier");

  static final List<String> BRACKET_NAMES =
      List.of("-LRB-", "-RRB-", "-LSB-", "-RSB-", "-LCB-", "-RCB-");

  /** Words PTB keeps whole across their apostrophe. */
  static final Set<String> WHOLE_WITH_APOSTROPHE =
      Set.of("o'clock", "ma'am", "ne'er", "o'er", "e'er", "c'mon");

  /** Words PTB keeps whole after a leading apostrophe; {@code 'twas} splits as {@code 't was}. */
  static final Set<String> AFTER_APOSTROPHE = Set.of("em", "cause", "til", "n");

  /** Abbreviations that always keep their period (PTB's "followed by a capital" class). */
  static final Set<String> ABBREV_ALWAYS =
      Set.of("mr", "mrs", "ms", "mx", "miss", "dr", "drs", "prof", "profs", "sen", "sens", "rep",
          "reps", "atty", "attys", "lt", "col", "gen", "messrs", "gov", "govs", "adm", "rev",
          "maj", "sgt", "cpl", "pvt", "capt", "st", "ste", "ave", "pres", "lieut", "hon", "brig",
          "cmdr", "comdr", "pfc", "spc", "supt", "supts", "det", "mt", "ft", "adj", "adv", "asst",
          "assoc", "ens", "insp", "mlle", "mme", "msgr", "sfc", "vs", "v", "alex", "wm", "jos",
          "cie", "cf", "treas", "ph", "invt", "elec", "natl", "mfg", "mtg", "dept", "blvd", "rd",
          "sr");

  /** Abbreviations that keep their period; before a capital PTB adds a sentence period too. */
  static final Set<String> ABBREV_LOWER_FOLLOWS =
      Set.of("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
          "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "ala", "ariz", "ark", "calif", "colo",
          "conn", "ct", "dak", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "mass",
          "md", "mich", "minn", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "penn", "tenn",
          "tex", "va", "vt", "wash", "wis", "wisc", "wyo", "inc", "co", "cos", "corp", "pty",
          "ltd", "plc", "rt", "bancorp", "bhd", "assn", "univ", "intl", "sys", "tel", "est", "ext",
          "sq", "jr", "bros", "esq", "etc", "al", "seq", "bldg");

  /** Abbreviations that keep their period only before a number ({@code no. 5}). */
  static final Set<String> ABBREV_BEFORE_NUMBER =
      Set.of("ca", "fig", "figs", "prop", "no", "nos", "sec", "sect", "secs", "sects", "art",
          "arts", "para", "paras", "pp", "op", "approx", "pt");

  private PtbWords() {}
}
