package dev.imgsearch.model;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** The local file system under the scheme {@code counting://}, counting opened files: a stand-in for s3a. */
public class CountingFileSystem extends RawLocalFileSystem {

    static final AtomicInteger OPENS = new AtomicInteger();

    @Override
    public URI getUri() {
        return URI.create("counting:///");
    }

    @Override
    public String getScheme() {
        return "counting";
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize) throws IOException {
        OPENS.incrementAndGet();
        return super.open(path, bufferSize);
    }
}
