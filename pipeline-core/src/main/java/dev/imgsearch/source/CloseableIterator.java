package dev.imgsearch.source;

import java.io.Closeable;
import java.util.Iterator;

/**
 * An iterator over a streamed resource (a file, a Parquet reader, an HTTP connection).
 * Callers must close it, also when they stop early; I/O failures while iterating surface as
 * {@link java.io.UncheckedIOException} because {@link Iterator} cannot throw checked exceptions.
 */
public interface CloseableIterator<T> extends Iterator<T>, Closeable {
}
