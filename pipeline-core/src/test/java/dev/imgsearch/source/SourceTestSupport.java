package dev.imgsearch.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Helpers the source tests share. */
public final class SourceTestSupport {

    private SourceTestSupport() {
    }

    /** Every item of every shard, in plan order. */
    public static List<SourceItem> readAll(ImageSource source, List<Shard> plan) throws IOException {
        List<SourceItem> items = new ArrayList<>();
        for (Shard shard : plan) {
            items.addAll(read(source, shard));
        }
        return items;
    }

    public static List<SourceItem> read(ImageSource source, Shard shard) throws IOException {
        List<SourceItem> items = new ArrayList<>();
        try (CloseableIterator<SourceItem> it = source.open(shard)) {
            it.forEachRemaining(items::add);
        }
        return items;
    }

    /** What Spark does to a shard or the options on their way to an executor. */
    @SuppressWarnings("unchecked")
    public static <T> T viaJavaSerialization(T value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
