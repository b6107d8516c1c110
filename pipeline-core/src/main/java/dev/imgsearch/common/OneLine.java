package dev.imgsearch.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one line a user, a log or an error row gets for a failure. Every message that leaves the project through a
 * command line, an HTTP answer or an error row goes through here, so they all read the same way.
 */
public final class OneLine {

    private static final int MAX_LENGTH = 500;

    private OneLine() {
    }

    /**
     * The innermost message that says something, on one line. Wrappers that only repeat their cause (Spark's job
     * failures, {@link ExecutionException}, {@link CompletionException}, any exception whose message is its cause's
     * {@code toString()}) are looked through; a failure with no message at all is named by its type ({@code
     * ConnectException}), which is then the most there is to say.
     */
    public static String of(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable wrapper = null;
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            innermost = t;
            if (hasMessage(t)) {
                if (!isWrapper(t)) {
                    return of(t.getMessage());
                }
                if (wrapper == null && !repeatsCause(t)) {
                    wrapper = t;
                }
            }
        }
        return wrapper != null ? of(wrapper.getMessage()) : innermost.getClass().getSimpleName();
    }

    /** The first non-blank line of {@code text}, whitespace collapsed, cut at {@value #MAX_LENGTH} characters. */
    public static String of(String text) {
        if (text == null) {
            return "unknown error";
        }
        String line = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("")
                .replaceAll("\\s+", " ");
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) + "..." : line;
    }

    private static boolean hasMessage(Throwable t) {
        return t.getMessage() != null && !t.getMessage().isBlank();
    }

    private static boolean repeatsCause(Throwable t) {
        return t.getCause() != null && t.getMessage().equals(t.getCause().toString());
    }

    private static boolean isWrapper(Throwable t) {
        return repeatsCause(t) || t instanceof ExecutionException || t instanceof CompletionException
                || t.getClass().getName().startsWith("org.apache.spark") || t.getClass().getName().startsWith("scala.");
    }
}
