package dev.kvcap.eval;

import java.util.List;

/** Placeholder until METEOR lands. */
final class Meteor {
  record Result(double corpus, double[] perImage) {}

  private Meteor() {}

  static Result score(List<List<String>> hyps, List<List<List<String>>> refs) {
    throw new UnsupportedOperationException("METEOR not implemented yet");
  }
}
