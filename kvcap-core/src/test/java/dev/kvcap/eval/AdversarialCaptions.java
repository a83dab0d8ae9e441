package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of captions built to break a PTB tokeniser: numbers, fractions, units,
 * decimals, currency, times, abbreviations, quotes, brackets, slashes, hyphens and dashes, URLs,
 * emoticons, ellipses, Unicode letters and punctuation, emoji, control characters and very long
 * input. Two kinds: token soup (atoms from those classes glued or spaced at random) and
 * real-looking captions (real COCO captions with such atoms inserted, or words replaced).
 */
final class AdversarialCaptions {

  static final String[] WORDS = {
    "a", "A", "the", "The", "man", "dog", "cat", "people", "woman", "sitting", "on", "of", "in",
    "with", "bus", "train", "Street", "sign", "pizza", "plate", "There", "It", "This", "He", "We",
    "two", "Two", "and", "at", "is", "are", "big", "red", "New", "York", "John", "Smith", "I",
    "x", "X", "D", "s", "t", "n", "ok", "TV", "USA", "NYC", "IBM", "iPhone", "McDonald",
    "eBay", "hello", "WORLD", "Street-sign", "over-the-top"
  };
  static final String[] NUMBERS = {
    "0", "1", "7", "22", "100", "2014", "1,000", "10,000,000", "1,00", "3.5", ".5", "0.25",
    "3.14159", "1.2.3", "1st", "2nd", "3rd", "22nd", "-5", "+5", "3-4", "10-15", "1990s", "'90s",
    "50%", "3/4", "22 3/4", "1 1/2", "12 1/2", "123 45/67", "12345 1/2", "1/2/3", "12/25/2014",
    "2014-05-06", "555-1234", "(555) 555-1234", "555 555 1234", "+1 555 555 1234",
    "1 000 000", "1-800-555-1234", "No.5", "#1", "4:3", "1:1", "1.5x", "x2", "10^6", "1e5",
    "0x1F", "007", "1,5", "1.000,5", "3,5", "2.", "5...", "3'", "4''"
  };
  static final String[] UNITS = {
    "5kg", "5 kg", "10km", "3ft", "6'2\"", "5''", "12\"", "100mph", "3x4", "4x4", "2x", "5°",
    "5°C", "5 °F", "10m²", "m/s", "km/h", "5lbs", "5 lbs.", "5oz.", "2-liter", "16oz", "35mm",
    "1080p", "4K", "3D", "12V", "60Hz", "5'", "5 ft.", "6 in.", "10 min.", "2 hrs."
  };
  static final String[] CURRENCY = {
    "$5", "$5.99", "$ 5", "US$5", "C$10", "A$3", "HK$20", "£5", "€10", "¥100", "5¢", "$1,000,000",
    "5$", "Rs. 50", "$.99", "₹10", "₩500", "¢", "$", "€", "£", "5 USD", "$5-$10", "$5/lb"
  };
  static final String[] TIMES = {
    "5:30", "10:30pm", "5 p.m.", "7 a.m.", "5pm", "5 PM", "12:00:00", "5:30.", "p.m.", "a.m.",
    "A.M.", "P.M.", "noon", "2:45 a.m.", "7AM", "8:00-9:00", "3:15:20.5", "0:00"
  };
  static final String[] ABBREVIATIONS = {
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "st.", "Ave.", "ave.", "U.S.", "U.S.A.", "e.g.", "i.e.",
    "etc.", "vs.", "v.", "Inc.", "Co.", "Jan.", "No.", "no.", "approx.", "fig.", "Jr.", "Sr.",
    "Ltd.", "Corp.", "Mt.", "Ft.", "Blvd.", "Rd.", "D.", "A.", "I.", "a.", "p.", "Ph.D.", "U.K.",
    "N.Y.", "L.A.", "D.C.", "Wash.", "Calif.", "Sept.", "Oct.", "dept.", "est.", "ca.", "pp.",
    "sq.", "ft.", "lb.", "oz.", "min.", "max.", "hr.", "yr.", "Prof.", "Gen.", "Gov.", "Sen.",
    "Rev.", "Capt.", "Lt.", "Col.", "Sgt.", "Hon.", "Messrs.", "Bros.", "Esq.", "Mass.", "Fla.",
    "Pa.", "Va.", "Tex.", "Ill.", "Mich.", "Cal.", "Nev.", "Ariz.", "Mon.", "Fri.", "Dec.",
    "a.k.a.", "A.k.a.", "U.N.", "E.U.", "B.C.", "A.D.", "r.s.v.p.", "S.A.", "cf.", "al.",
    "Nos.", "Art.", "Sec.", "op.", "Pt.", "Rs.", "Dept.", "Univ.", "Assn.", "Intl.", "Bldg."
  };
  static final String[] QUOTES = {
    "\"", "'", "`", "``", "''", "“", "”", "‘", "’", "„", "«", "»", "‹", "›", "‚", "″", "′", "'''",
    "\"\"", "`'", "‛", "‟"
  };
  static final String[] BRACKETS = {
    "(", ")", "[", "]", "{", "}", "<", ">", "<b>", "</b>", "<br/>", "<br>", "<a href=\"x\">",
    "⟨", "〈", "（", "）", "【", "】", "-LRB-", "-RRB-", "(s)", "(c)", "[1]", "{x}"
  };
  static final String[] SLASHES = {
    "a/b", "and/or", "w/", "w/o", "/", "//", "a/b/c/d", "on/off", "\\", "A/C", "he/she", "1/2",
    "24/7", "50/50", "km/h", "/r/", "a//b", "/usr/bin", "n/a", "N/A", "a\\b"
  };
  static final String[] DASHES = {
    "-", "--", "---", "–", "—", "‐", "‑", "−", "a-b-c", "re-", "-ish", "well-known", "x-ray",
    "e-mail", "T-shirt", "1-2", "a-", "-a", "--a", "a--", "‒", "―", "a—b", "a–b", "co-op",
    "mother-in-law", "A-1", "U-turn", "-)", "(-"
  };
  static final String[] WEB = {
    "http://www.example.com", "https://t.co/abc?x=1&y=2", "www.google.com", "example.com",
    "foo@bar.com", "@user", "#hashtag", "ftp://a.b", "bit.ly/x", "http://x.org/a_b-c.html",
    "google.co.uk", "mailto:a@b.org", "a.b@c.d.edu", "WWW.CNN.COM", "file.jpg", "index.html",
    "C:\\temp", "192.168.0.1", "user_name", "snake_case_word", "some.thing"
  };
  static final String[] EMOTICONS = {
    ":)", ":-)", ";)", ":D", ":P", ":(", "<3", ":-/", ":'(", "XD", "^_^", "o_O", ":o", "=)",
    "8)", ":-D", ";-)", ":-P", ":/", ":|", ">:(", "</3", ":*", "(:", "):", ":)))"
  };
  static final String[] ELLIPSES = {
    "...", "…", ". . .", "....", "..", ".. .", "!!!", "?!", "?!?", "!?", "?", "!", ".", ",", ";",
    ":", "??", ",,", ";;", "::", ". .", "......", ".!", "!."
  };
  static final String[] UNICODE = {
    "café", "naïve", "Zürich", "São", "日本", "русский", "ελληνικά", "ß", "Æ", "ﬁ", "Ａ", "１２",
    "e\u0301", "٣", "한국", "ñ", "İ", "ſ", "ǅ", "Ωmega", "ÉCOLE", "œuvre", "Ĳ", "ﬀ", "ℓ",
    "\u00A0", "\u2009", "\u202F", "\u3000", "\u200B", "\u00AD", "\u200D", "\uFEFF", "a\u00ADb",
    "\u2013", "\u2026", "\u00B7", "\u2022", "\u00A7", "\u00B6", "\u2020", "\u2032"
  };
  static final String[] SYMBOLS = {
    "😀", "❤️", "👍🏽", "🇺🇸", "☺", "★", "✓", "♥", "©", "®", "™", "°", "§", "¶", "•", "·", "×",
    "÷", "±", "µ", "½", "¼", "¾", "²", "³", "№", "&", "*", "+", "=", "~", "^", "|", "@", "#", "%",
    "_", "**", "***", "&&", "##", "@@", "%%", "§§", "€€", "\uD83D", "\uDE00", "a😀b", "←", "→",
    "∞", "≥", "√", "♪", "☃", "✈", "⚽", "🍕", "🐶"
  };
  static final String[] CONTROLS = {
    "\u0000", "\u0001", "\u0007", "\u0008", "\u001B", "\u007F", "\u0085", "\t", "\u0080",
    "\u009F", "\u0092", "\u0093", "\u0094", "\u0096", "\u0097"
  };
  /**
   * Characters the toolkit's PTB run takes as a line end; inside a caption they shift every
   * later caption to the wrong image there (see {@link PtbTokenizerDifferentialTest}).
   */
  static final String[] LINE_BREAKS = {"\r", "\r\n", "\u000B", "\u000C", "\u2028", "\u2029"};
  static final String[] CONTRACTIONS = {
    "don't", "can't", "won't", "I'm", "it's", "'s", "'re", "y'all", "ma'am", "rock'n'roll",
    "'n'", "O'Brien", "o'clock", "'tis", "ain't", "shouldn't've", "DON'T", "CAN'T", "dogs'",
    "James'", "d'Arc", "l'eau", "gonna", "cannot", "Cannot", "'em", "'cause", "c'mon", "ol'",
    "it’s", "don’t", "’90s", "rock ’n’ roll", "I’d", "we'll", "you've", "he'd", "Dunkin'",
    "nothin'", "Xbox's", "1990's", "CD's", "A's", "'", "s'", "n't", "'twas", "whaddya", "gimme",
    "lemme", "wanna", "gotta", "more'n", "o'er", "e'er", "ne'er", "pick-'em", "D'Angelo"
  };
  static final String[][] CLASSES = {
    WORDS, NUMBERS, UNITS, CURRENCY, TIMES, ABBREVIATIONS, QUOTES, BRACKETS, SLASHES, DASHES,
    WEB, EMOTICONS, ELLIPSES, UNICODE, SYMBOLS, CONTROLS, LINE_BREAKS, CONTRACTIONS
  };
  private static final String[] SPACES = {
    " ", " ", " ", " ", " ", " ", " ", " ", "", "", "", "  ", "\t", " \n ", "\u00A0", "\n"
  };

  private final Random random;
  private final List<String> real;

  /** @param real real captions that the real-looking half perturbs */
  AdversarialCaptions(long seed, List<String> real) {
    this.random = new Random(seed);
    this.real = real;
  }

  /** {@code count} captions, half token soup and half perturbed real ones, in seeded order. */
  List<String> generate(int count) {
    List<String> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      int kind = random.nextInt(100);
      if (kind < 45) {
        out.add(soup(1 + random.nextInt(12)));
      } else if (kind < 95) {
        out.add(perturbedReal());
      } else if (kind < 98) {
        out.add(soup(100 + random.nextInt(900)));
      } else {
        out.add(longToken());
      }
    }
    return out;
  }

  private String soup(int atoms) {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < atoms; p++) {
      if (p > 0) {
        sb.append(pick(SPACES));
      }
      sb.append(atom());
    }
    return sb.toString();
  }

  private String atom() {
    String[] cls = CLASSES[random.nextInt(CLASSES.length)];
    String a = pick(cls);
    if (random.nextInt(6) == 0) {
      a = a + pick(ELLIPSES);
    }
    if (random.nextInt(10) == 0) {
      a = pick(QUOTES) + a;
    }
    if (random.nextInt(10) == 0) {
      a = pick(BRACKETS) + a + pick(BRACKETS);
    }
    if (random.nextInt(12) == 0) {
      a = random.nextBoolean() ? a.toUpperCase(java.util.Locale.ROOT) : capitalize(a);
    }
    return a;
  }

  private String perturbedReal() {
    String[] words = pickReal().split(" ", -1);
    List<String> w = new ArrayList<>(List.of(words));
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(w.size() + 1);
      switch (random.nextInt(4)) {
        case 0 -> w.add(at, atom());
        case 1 -> {
          if (at < w.size()) {
            w.set(at, atom());
          }
        }
        case 2 -> {
          if (at < w.size()) {
            w.set(at, w.get(at) + pick(random.nextBoolean() ? ELLIPSES : QUOTES));
          }
        }
        default -> {
          if (at < w.size()) {
            w.set(at, atom() + w.get(at));
          }
        }
      }
    }
    String s = String.join(" ", w);
    return random.nextInt(5) == 0 ? s + pickReal() : s;
  }

  private String longToken() {
    String unit = pick(new String[] {"a", "1", "a-", "1,", "a.", "a/", "-", ".", "'", "$", "ab "});
    return unit.repeat(200 + random.nextInt(3000)) + pick(ELLIPSES);
  }

  private String pickReal() {
    return real.get(random.nextInt(real.size()));
  }

  private String pick(String[] options) {
    return options[random.nextInt(options.length)];
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
