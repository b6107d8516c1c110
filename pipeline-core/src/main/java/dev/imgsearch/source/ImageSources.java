package dev.imgsearch.source;

import dev.imgsearch.source.files.HadoopImageDirectory;
import dev.imgsearch.source.files.LocalImageDirectory;
import dev.imgsearch.source.hub.HubClient;
import dev.imgsearch.source.hub.HubDatasetUri;
import dev.imgsearch.source.hub.HubParquetFiles;
import dev.imgsearch.source.parquet.HadoopParquetFiles;
import dev.imgsearch.source.parquet.ParquetImageSource;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Chooses the source for a location. Cheap and free of I/O, so executors call it too.
 * <ul>
 *   <li>{@code hf://datasets/ORG/NAME[@REVISION][/CONFIG[/SPLIT]]}: a Hugging Face dataset's Parquet files
 *       (see {@link HubDatasetUri}), read with HTTP range requests;</li>
 *   <li>a local path or {@code file:} URI, or any Hadoop URI ({@code s3a://bucket/prefix}): a Parquet file or folder
 *       when the format option says so or the path ends in {@code .parquet}, otherwise a folder of image files.</li>
 * </ul>
 */
public final class ImageSources {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private ImageSources() {
    }

    public static ImageSource open(String location, SourceOptions options) {
        if (HubDatasetUri.matches(location)) {
            if (options.format() == SourceOptions.Format.IMAGES) {
                throw new IllegalArgumentException("Hugging Face datasets are read as Parquet, not as image files: " + location);
            }
            HubDatasetUri dataset = HubDatasetUri.parse(location);
            return new ParquetImageSource(location, () -> new HubParquetFiles(dataset,
                    new HubClient(options.hfEndpoint(), options.hfToken(), dataset.repo())), options);
        }
        boolean local = !SCHEME.matcher(location).matches() || location.startsWith("file:");
        if (isParquet(location, options)) {
            String hadoopLocation = local ? localPath(location).toUri().toString() : location;
            return new ParquetImageSource(location, () -> new HadoopParquetFiles(hadoopLocation, options), options);
        }
        return local ? new LocalImageDirectory(localPath(location), options) : new HadoopImageDirectory(location, options);
    }

    private static boolean isParquet(String location, SourceOptions options) {
        return switch (options.format()) {
            case PARQUET -> true;
            case IMAGES -> false;
            case AUTO -> location.replaceAll("/+$", "").endsWith(".parquet");
        };
    }

    private static Path localPath(String location) {
        return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    }
}
