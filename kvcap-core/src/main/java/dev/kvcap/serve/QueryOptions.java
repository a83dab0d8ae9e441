package dev.kvcap.serve;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's query options, read strictly: a name the route does not know ({@code beams=3}), a
 * value given twice ({@code beam=3&beam=5}), an empty one ({@code beam=}) or one that does not
 * decode ({@code beam=%zz}) is a 400 that names it, never a silent default. (Javalin's own parsing
 * drops pairs it cannot decode and answers the first of repeated ones.)
 */
final class QueryOptions {

    private final Map<String, List<String>> values;

    private QueryOptions(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * @param query the raw (still percent-encoded) query string, or null
     * @param known the option names the route takes
     */
    static QueryOptions parse(String query, Set<String> known) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue; // "a=1&&b=2" or a trailing "&"
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), pair);
                if (!known.contains(name)) {
                    throw new ApiException(
                            400, "unknown query parameter '" + name + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1), pair));
            }
        }
        return new QueryOptions(values);
    }

    /**
     * The option's one value, or null when it is absent.
     *
     * @param expected what a value looks like, for the message (e.g. "true or false")
     */
    String single(String name, String expected) {
        return single(name, expected, ", or leave it out");
    }

    /**
     * A required option's one value, or null when it is absent (the caller says what it needs); an
     * empty value is refused without suggesting to leave it out.
     */
    String required(String name, String expected) {
        return single(name, expected, "");
    }

    private String single(String name, String expected, String orLeaveOut) {
        List<String> v = values.getOrDefault(name, List.of());
        if (v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw new ApiException(400, name + " is given " + v.size() + " times: give it once");
        }
        if (v.get(0).isBlank()) {
            throw new ApiException(400, name + " is empty: give " + expected + orLeaveOut);
        }
        return v.get(0);
    }

    /** A whole number from 1 to {@code max}, or null when absent. */
    Integer wholeNumber(String name, int max) {
        String v = single(name, "a whole number from 1 to " + max);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, name + " must be a whole number from 1 to " + max);
    }

    /** {@code true}/{@code 1} or {@code false}/{@code 0}; false when absent. */
    boolean flag(String name) {
        String v = single(name, "true or false");
        if (v == null || v.equals("false") || v.equals("0")) {
            return false;
        }
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        throw new ApiException(400, name + " must be true or false");
    }

    /** Percent-decoding ({@code +} is a space) to UTF-8; a broken escape or byte sequence is a 400. */
    static String decode(String s, String pair) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw malformed(pair);
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(pair);
        }
    }

    private static ApiException malformed(String pair) {
        return new ApiException(400, "malformed query string: '" + pair + "' has a broken %-escape or is not UTF-8");
    }
}
