package dev.imgsearch.source.tar;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.source.ByteRange;
import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.ImageNames;
import dev.imgsearch.source.ItemInfo;
import dev.imgsearch.source.ReadErrors;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.TarNames;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of one tar file, streamed in WebDataset's way and in bounded memory (one sample at a time):
 * <ul>
 *   <li>a sample is a run of consecutive members sharing a key, the member path up to the first dot of its file
 *       name ({@code a/000123.jpg} and {@code a/000123.json} are sample {@code a/000123});</li>
 *   <li>its image is the member whose extension (the last part) is an image's, preferring jpg, jpeg, png, webp;
 *       its caption the {@code txt} member, else {@code caption} or {@code text} of its {@code json}, whose other
 *       fields are the metadata; its label the {@code cls} member;</li>
 *   <li>the item URI is the tar's URI, '#', and the image member's name; the member's data offset and length are
 *       kept, so the image can be read back with one ranged read.</li>
 * </ul>
 * Nothing in a tar fails the job. Members named with {@code ..} or an absolute path, image members over the size
 * limit, keys seen earlier in the tar, repeated member names, and samples without an image become error rows with
 * the reason (names are only ids: nothing is ever written to them). Members that are not files, hidden ones and
 * names without an extension are passed over, as WebDataset does. A tar that ends early (torn, truncated) yields
 * the samples before the tear and an error row for the sample it cut; a read that fails before the file's end (a
 * lost connection) throws instead, so the shard is retried rather than committed short.
 */
final class TarSamples implements CloseableIterator<SourceItem> {

    /** WebDataset's {@code base_plus_ext}: the key is the path up to the first dot of the file name. */
    private static final Pattern KEY_AND_EXTENSION = Pattern.compile("^((?:.*/|)[^./][^./]*)\\.([^/]*)$");
    private static final List<String> IMAGE_PREFERENCE = List.of("jpg", "jpeg", "png", "webp");
    private static final Set<String> TEXT_MEMBERS = Set.of("txt", "json", "cls");
    private static final int MAX_TEXT_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StoredFile tar;
    private final long maxImageBytes;
    private final CountingStream raw;
    private CountingStream plain;
    private TarArchiveInputStream entries;
    private final Deque<SourceItem> ready = new ArrayDeque<>();
    private final Set<String> keysSeen = new HashSet<>();
    private final Set<String> namesSeen = new HashSet<>();
    private Sample sample;
    private boolean ended;

    TarSamples(DatasetFiles files, StoredFile tar, long maxImageBytes) throws IOException {
        this.tar = tar;
        this.maxImageBytes = maxImageBytes;
        this.raw = new CountingStream(files.open(tar), true);
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !ended) {
            advance();
        }
        return !ready.isEmpty();
    }

    @Override
    public SourceItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    @Override
    public void close() throws IOException {
        try (raw) {
            if (entries != null) {
                entries.close();
            }
        }
    }

    /** Reads one member (or the end), moving finished samples to {@code ready}. */
    private void advance() {
        String member = null;
        try {
            if (entries == null) {
                InputStream decompressed = TarNames.isGzipped(tar.fileName())
                        ? new GzipCompressorInputStream(raw, true) : raw;
                plain = new CountingStream(decompressed, false);
                entries = new TarArchiveInputStream(plain);
            }
            // Cast, as Commons Compress 1.23 (Spark 3.5's) declares ArchiveEntry where 1.28 declares the tar entry.
            TarArchiveEntry entry = (TarArchiveEntry) entries.getNextEntry();
            if (entry == null) {
                ended = true;
                // commons-compress takes a short header read for the end: a tar is made of whole 512-byte records
                if (plain.count() % 512 != 0) {
                    String name = sample != null ? sample.name() : "torn-at-byte-" + raw.count();
                    sample = null;
                    ready.add(error(name, "torn or corrupt tar: it breaks off in a header at byte " + raw.count()
                            + " of " + tar.length()));
                    return;
                }
                finishSample();
                return;
            }
            member = entry.getName();
            long offset = plain.count();
            Matcher m = KEY_AND_EXTENSION.matcher(member);
            if (!entry.isFile() || !m.matches()) {
                return;
            }
            String key = m.group(1);
            String extension = m.group(2);
            String last = ImageNames.extension("member." + extension);
            if (sample == null || !sample.key.equals(key)) {
                finishSample();
                sample = new Sample(key, keysSeen.add(key));
            }
            if (!namesSeen.add(member)) {
                ready.add(error(member + "~" + offset, "duplicate member name " + member
                        + " (the first one is used)"));
                return;
            }
            if (unsafe(member)) {
                sample.problem = "unsafe member name " + member + ": '..' or an absolute path";
            }
            boolean image = ImageNames.EXTENSIONS.contains(last);
            if (image) {
                sample.images.put(extension, new Member(member, offset, entry.getSize(),
                        entry.getSize() > maxImageBytes ? null : read(entry.getSize())));
            } else if (TEXT_MEMBERS.contains(extension) && entry.getSize() <= MAX_TEXT_BYTES) {
                sample.texts.put(extension, new String(read(entry.getSize()), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StorageFailure failure) {
                    throw new UncheckedIOException("reading " + tar.uri() + " failed at byte " + raw.count() + " of "
                            + tar.length() + ": " + ReadErrors.describe(failure.cause()), failure.cause());
                }
            }
            String where = member != null ? member : sample != null ? sample.key : "a header";
            String reason = "torn or corrupt tar: it breaks off in " + where + " at byte " + raw.count() + " of "
                    + tar.length() + " (" + ReadErrors.describe(e) + ")";
            ready.add(error(member != null ? member : sample != null ? sample.name() : "torn-at-byte-" + raw.count(),
                    reason));
            sample = null;
            ended = true;
        }
    }

    private byte[] read(long size) throws IOException {
        byte[] bytes = entries.readNBytes((int) size);
        if (bytes.length < size) {
            throw new EOFException("member data ends after " + bytes.length + " of " + size + " bytes");
        }
        return bytes;
    }

    private void finishSample() {
        if (sample == null) {
            return;
        }
        Sample done = sample;
        sample = null;
        if (!done.firstTime) {
            ready.add(error(done.name(), "duplicate key " + done.key + ": an earlier sample of this tar has it"
                    + " (WebDataset samples are contiguous)"));
            return;
        }
        if (done.problem != null) {
            ready.add(error(done.name(), done.problem));
            return;
        }
        Member image = done.image();
        if (image == null) {
            ready.add(error(done.key, "no image in sample " + done.key + " (members: "
                    + String.join(", ", done.texts.keySet()) + ")"));
            return;
        }
        ItemInfo info;
        try {
            info = done.info(new ByteRange(image.offset, image.size));
        } catch (IOException e) {
            ready.add(error(image.name, "its json member is not a JSON object: " + ReadErrors.describe(e)));
            return;
        }
        String uri = tar.uri() + "#" + image.name;
        ready.add(image.bytes == null
                ? SourceItem.unreadable(uri, ReadErrors.tooLarge(image.size, maxImageBytes), info)
                : SourceItem.read(uri, image.bytes, info));
    }

    private SourceItem error(String name, String reason) {
        return SourceItem.unreadable(tar.uri() + "#" + name, reason, ItemInfo.NONE);
    }

    private static boolean unsafe(String member) {
        return member.startsWith("/") || member.startsWith("\\") || member.matches("(?s)(.*[/\\\\])?\\.\\.([/\\\\].*)?")
                || member.matches("^[A-Za-z]:.*");
    }

    private record Member(String name, long offset, long size, byte[] bytes) {
    }

    private static final class Sample {
        final String key;
        final boolean firstTime;
        final Map<String, Member> images = new LinkedHashMap<>();
        final Map<String, String> texts = new LinkedHashMap<>();
        String problem;

        Sample(String key, boolean firstTime) {
            this.key = key;
            this.firstTime = firstTime;
        }

        Member image() {
            for (String preferred : IMAGE_PREFERENCE) {
                if (images.containsKey(preferred)) {
                    return images.get(preferred);
                }
            }
            return images.values().stream().findFirst().orElse(null);
        }

        /** The name its error row takes: the image member's when there is one, else the key. */
        String name() {
            Member image = image();
            return image != null ? image.name : key;
        }

        ItemInfo info(ByteRange range) throws IOException {
            Map<String, Object> metadata = texts.containsKey("json")
                    ? JSON.readValue(texts.get("json"), new TypeReference<LinkedHashMap<String, Object>>() { })
                    : new LinkedHashMap<>();
            String caption = texts.containsKey("txt") ? texts.get("txt").strip() : null;
            for (String k : List.of("caption", "text")) {
                Object value = metadata.remove(k);
                if (caption == null && value instanceof String s) {
                    caption = s;
                }
            }
            String label = texts.containsKey("cls") ? texts.get("cls").strip() : null;
            return new ItemInfo(caption, label, metadata, range);
        }
    }

    /**
     * A failure of the storage under the tar (a lost connection, an I/O error), as opposed to the tar's own bytes
     * being broken: the first fails the shard, the second is the tar's error row.
     */
    private static final class StorageFailure extends IOException {
        StorageFailure(IOException cause) {
            super(cause);
        }

        IOException cause() {
            return (IOException) getCause();
        }
    }

    /** Counts the bytes read through it; over the storage's stream, marks its failures as {@link StorageFailure}s. */
    private static final class CountingStream extends FilterInputStream {
        private final boolean storage;
        private long count;

        CountingStream(InputStream in, boolean storage) {
            super(in);
            this.storage = storage;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                throw storage ? new StorageFailure(e) : e;
            }
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw storage ? new StorageFailure(e) : e;
            }
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped;
            try {
                skipped = super.skip(n);
            } catch (IOException e) {
                throw storage ? new StorageFailure(e) : e;
            }
            count += skipped;
            return skipped;
        }
    }
}
