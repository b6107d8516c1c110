package dev.imgsearch.source.tar;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tar files written as WebDataset and img2dataset write them (POSIX tar, members in sample order). */
public final class TarFixtures {

    private TarFixtures() {
    }

    /** Members in the order given, each name to its bytes. */
    public static final class Members {
        private final Map<String, byte[]> members = new LinkedHashMap<>();

        public Members add(String name, byte[] bytes) {
            members.put(name + "\0" + members.size(), bytes);
            return this;
        }

        public Members add(String name, String text) {
            return add(name, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    public static Members members() {
        return new Members();
    }

    /** Writes the members as a tar, gzip-compressed when the name ends in .gz or .tgz. */
    public static Path write(Path file, Members members) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = name.endsWith(".gz") || name.endsWith(".tgz") ? new GzipCompressorOutputStream(raw) : raw;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> member : members.members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(member.getKey().substring(0, member.getKey().indexOf('\0')),
                        TarArchiveEntry.LF_NORMAL, true);
                entry.setSize(member.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(member.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }
}
