package dev.imgsearch.source;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WebDataset's shard patterns: {@code shards-{00000..00099}.tar} names 100 files, zero-padded to the width of the
 * bounds, and {@code {a,b,c}} alternatives; several braces multiply. Expanded the way {@code braceexpand} does.
 */
public final class BracePattern {

    private static final Pattern BRACE = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\.\\.(\\d+)");
    /** Far more shards than any dataset has; stops a typo like {0..999999999} from exhausting memory. */
    private static final int MAX_NAMES = 1_000_000;

    private BracePattern() {
    }

    public static boolean isPattern(String location) {
        return BRACE.matcher(location).find();
    }

    /** Every name the pattern stands for, in order. */
    public static List<String> expand(String pattern) {
        Matcher m = BRACE.matcher(pattern);
        if (!m.find()) {
            return List.of(pattern);
        }
        String head = pattern.substring(0, m.start());
        List<String> tails = expand(pattern.substring(m.end()));
        List<String> out = new ArrayList<>();
        for (String choice : choices(m.group(1), pattern)) {
            for (String tail : tails) {
                out.add(head + choice + tail);
                if (out.size() > MAX_NAMES) {
                    throw new IllegalArgumentException("the pattern " + pattern + " names more than " + MAX_NAMES + " files");
                }
            }
        }
        return out;
    }

    private static List<String> choices(String body, String pattern) {
        Matcher range = RANGE.matcher(body);
        if (range.matches()) {
            long from = Long.parseLong(range.group(1));
            long to = Long.parseLong(range.group(2));
            if (to < from || to - from >= MAX_NAMES) {
                throw new IllegalArgumentException("bad range {" + body + "} in " + pattern);
            }
            int width = range.group(1).length();
            List<String> out = new ArrayList<>();
            for (long i = from; i <= to; i++) {
                out.add(String.format("%0" + width + "d", i));
            }
            return out;
        }
        if (body.contains(",")) {
            return List.of(body.split(",", -1));
        }
        throw new IllegalArgumentException("bad brace {" + body + "} in " + pattern + ": expected {FROM..TO} or {a,b}");
    }
}
