package dev.imgsearch.cli;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.ModelMismatchException;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStore;
import picocli.CommandLine.Option;

/**
 * {@code --allow-other-model}: whether a read-only command may use a store that records another model than its own,
 * declared once for search, serve and validate. They refuse by default, as they refuse a store of another dimension:
 * vectors of two models are not comparable, so every answer would be wrong without an error to say so.
 */
final class OtherModelOption {

    @Option(names = "--allow-other-model",
            description = "Use the store even though it records another model than the one given here.")
    boolean allowed;

    /**
     * @throws ModelMismatchException unless the store records {@code model}, or none, or other models are allowed
     */
    void check(VectorStore store, StoreUri uri, ModelIdentity model) {
        if (allowed) {
            return;
        }
        try {
            store.requireModel(model, uri.text());
        } catch (ModelMismatchException e) {
            throw e.advise("use the model it was built with, or pass --allow-other-model");
        }
    }
}
