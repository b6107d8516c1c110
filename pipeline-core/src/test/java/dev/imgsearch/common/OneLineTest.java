package dev.imgsearch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class OneLineTest {

    @Test
    void takesTheFirstNonBlankLineWithWhitespaceCollapsed() {
        assertEquals("bad thing happened here", OneLine.of(new IOException("\n  bad   thing\thappened here\n at x.y(Z)")));
    }

    @Test
    void looksThroughWrappersThatOnlyRepeatTheirCause() {
        IOException cause = new IOException("disk full");
        assertEquals("disk full", OneLine.of(new ExecutionException("java.io.IOException: disk full", cause)));
        assertEquals("disk full", OneLine.of(new CompletionException(cause)));
    }

    @Test
    void keepsAnOuterMessageThatSaysMoreThanItsCause() {
        IOException cause = new IOException("No such file");
        assertEquals("cannot read /data/a.parquet: No such file",
                OneLine.of(new UncheckedIOException("cannot read /data/a.parquet: No such file", cause)));
    }

    @Test
    void namesAFailureWithoutAnyMessageByItsType() {
        assertEquals("ConnectException", OneLine.of(new IOException(new ConnectException())));
        assertEquals("IllegalStateException", OneLine.of(new IllegalStateException()));
    }

    @Test
    void cutsVeryLongMessages() {
        String line = OneLine.of("x".repeat(2000));
        assertEquals(503, line.length());
        assertEquals("...", line.substring(500));
    }
}
