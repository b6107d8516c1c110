package dev.imgsearch.store;

import dev.imgsearch.model.ModelIdentity;

/**
 * A store holds the embeddings of one model and was offered those of another: vectors of two models cannot be
 * compared, even when their dimensions agree, so mixing them would silently ruin every search.
 */
public final class ModelMismatchException extends RuntimeException {

    private final ModelIdentity held;
    private final ModelIdentity offered;

    public ModelMismatchException(String store, ModelIdentity held, ModelIdentity offered) {
        this(store + " holds embeddings of model " + held + ", not of " + offered, held, offered, null);
    }

    private ModelMismatchException(String message, ModelIdentity held, ModelIdentity offered, Throwable cause) {
        super(message, cause);
        this.held = held;
        this.offered = offered;
    }

    /** This refusal, with what the user can do about it. */
    public ModelMismatchException advise(String advice) {
        return new ModelMismatchException(getMessage() + ": " + advice, held, offered, this);
    }

    /** The model the store records. */
    public ModelIdentity held() {
        return held;
    }

    /** The model of the embeddings or queries offered to it. */
    public ModelIdentity offered() {
        return offered;
    }
}
