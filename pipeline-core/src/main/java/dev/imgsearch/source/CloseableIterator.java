package dev.imgsearch.source;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * An iterator over a streamed resource (a file, a Parquet reader, an HTTP connection).
 * Callers must close it, also when they stop early; I/O failures while iterating surface as
 * {@link java.io.UncheckedIOException} because {@link Iterator} cannot throw checked exceptions.
 */
public interface CloseableIterator<T> extends Iterator<T>, Closeable {

    /** Each element of {@code inputs} turned into an item by {@code read}, lazily; closing runs {@code onClose}. */
    static <I, T> CloseableIterator<T> mapping(Iterator<I> inputs, Function<I, T> read, Closeable onClose) {
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return inputs.hasNext();
            }

            @Override
            public T next() {
                if (!inputs.hasNext()) {
                    throw new NoSuchElementException();
                }
                return read.apply(inputs.next());
            }

            @Override
            public void close() throws IOException {
                onClose.close();
            }
        };
    }
}
