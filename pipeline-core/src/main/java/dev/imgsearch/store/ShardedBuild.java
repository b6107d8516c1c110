package dev.imgsearch.store;

import dev.imgsearch.model.ModelIdentity;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A build of a store whose kind has {@link StoreCapability#SHARDED_BUILD}: parallel tasks write one shard each, every
 * record to the shard {@link Plan#shardOf} names, and the driver publishes the shards they wrote as the store's new
 * state in one atomic step, or abandons them, leaving the store as it was (or absent, if it was). A build killed at
 * any moment leaves the previous state readable; running it again does the work again, exactly once.
 *
 * <p>This is the driver's side, which holds the store (its lock, where it has one) until closed.
 */
public interface ShardedBuild extends AutoCloseable {

    /** Whether there was a store before this build. */
    boolean existed();

    /** The records of the store before this build. */
    long count();

    /** The store's dimension before this build; empty when it holds no vector. */
    OptionalInt dimension();

    /** The model the store records, as {@link VectorStore#model()}. */
    Optional<ModelIdentity> model();

    /**
     * Has the shards record {@code model}, as {@link VectorStore#recordModel} does; call before {@link #plan()}.
     *
     * @throws ModelMismatchException when the store records another model
     */
    void recordModel(ModelIdentity model);

    /** What the tasks need, shipped to each. */
    Plan plan();

    /** Makes the written shards (the others keep their state) the store's state, atomically. */
    void publish(List<ShardResult> written);

    /** Removes what the tasks of this build wrote. */
    void abandon();

    @Override
    void close();

    /** The tasks' side of the build. */
    interface Plan extends Serializable {

        int shards();

        /** The shard of the record {@code id}. */
        int shardOf(String id);

        /**
         * Opens shard {@code shard} for writing, at its published state, for the task attempt {@code attempt}: only
         * this task writes it; two attempts of one task write apart.
         */
        ShardWriter open(int shard, int attempt);
    }

    /** One shard as a task writes it. */
    interface ShardWriter extends AutoCloseable {

        /**
         * The shard as a store: its records as published, and the task's upserts and deletes, which stay unseen by
         * anyone until {@link #finish}.
         */
        VectorStore store();

        /** Compacts and commits the shard and hands it over for publishing; its state unchanged if nothing changed. */
        ShardResult finish();

        /** Discards the shard unless it was finished. */
        @Override
        void close();
    }

    /**
     * A written shard, as the driver publishes it.
     *
     * @param shard     its index
     * @param count     its records
     * @param dimension its vector dimension, 0 when it holds none
     * @param state     what the kind publishes for it
     */
    record ShardResult(int shard, long count, int dimension, Serializable state) implements Serializable {
    }
}
