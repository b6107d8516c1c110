package dev.imgsearch.store;

import java.io.Serializable;

/**
 * Opens one store in another JVM, such as a Spark executor, as the JVM that made this opener would: with what that
 * JVM resolved from the URI (a credential read from its environment), so the other needs none of it. From
 * {@link StoreUri#opener()}.
 */
@FunctionalInterface
public interface StoreOpener extends Serializable {

    /** Opens the store; as {@link StoreUri#open(OpenMode)}. */
    VectorStore open(OpenMode mode);
}
