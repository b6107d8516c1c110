package dev.imgsearch.source.files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

import java.io.IOException;
import java.util.Map;

/** Hadoop file system access shared by whatever reads {@code s3a:} and other Hadoop URIs. */
public final class HadoopFiles {

    private HadoopFiles() {
    }

    /**
     * A private file system instance, to be closed by the caller. Hadoop's shared cache is keyed by scheme and
     * bucket only, so a cached instance could carry another source's endpoint or credentials.
     * Hadoop {@code .crc} side files are not verified: datasets copied or edited by other tools leave stale ones.
     */
    public static FileSystem fileSystem(Path path, Map<String, String> hadoopConf) throws IOException {
        Configuration conf = new Configuration();
        hadoopConf.forEach(conf::set);
        FileSystem fs = FileSystem.newInstance(path.toUri(), conf);
        fs.setVerifyChecksum(false);
        return fs;
    }

    /** Opens a file whose length is known from the listing, which spares object stores a metadata request. */
    public static FSDataInputStream open(FileSystem fs, Path path, long length, String readPolicy) throws IOException {
        return FutureIO.awaitFuture(fs.openFile(path)
                .opt("fs.option.openfile.length", Long.toString(length))
                .opt("fs.option.openfile.read.policy", readPolicy)
                .build());
    }
}
