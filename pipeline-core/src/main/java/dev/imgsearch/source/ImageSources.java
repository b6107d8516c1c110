package dev.imgsearch.source;

import dev.imgsearch.source.files.HadoopDatasetFiles;
import dev.imgsearch.source.files.LocalDatasetFiles;
import dev.imgsearch.source.folder.ImageFolderLayout;
import dev.imgsearch.source.hub.HubClient;
import dev.imgsearch.source.hub.HubDatasetFiles;
import dev.imgsearch.source.hub.HubDatasetUri;
import dev.imgsearch.source.parquet.ParquetLayout;
import dev.imgsearch.source.tar.TarLayout;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Chooses the source for a location. Cheap and free of I/O, so executors call it too. Where the files live:
 * <ul>
 *   <li>{@code hf://datasets/ORG/NAME[@REVISION][/PATH]}: a Hugging Face dataset repository (see
 *       {@link HubDatasetUri}), read over HTTP;</li>
 *   <li>a local path or {@code file:} URI;</li>
 *   <li>any other Hadoop URI ({@code s3a://bucket/prefix}).</li>
 * </ul>
 * Each is a folder or one file, or a WebDataset brace pattern ({@code shards-{00000..00099}.tar}) naming files that
 * must all exist. How they hold the images ({@link SourceOptions.Format}) is read from the files unless given.
 */
public final class ImageSources {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private ImageSources() {
    }

    public static ImageSource open(String location, SourceOptions options) {
        String root = location;
        List<String> selected = null;
        if (BracePattern.isPattern(location)) {
            int slash = location.substring(0, location.indexOf('{')).lastIndexOf('/');
            root = slash < 0 ? "." : location.substring(0, slash + 1);
            int cut = slash + 1;
            selected = BracePattern.expand(location).stream().map(name -> name.substring(cut)).toList();
        }
        return new DatasetSource(location, files(root, options), selected, options, Map.of(
                SourceOptions.Format.IMAGES, new ImageFolderLayout(options),
                SourceOptions.Format.WEBDATASET, new TarLayout(options),
                SourceOptions.Format.PARQUET, new ParquetLayout(options)));
    }

    /** Where the files of a location (a folder or one file, no pattern) live. */
    static DatasetFiles.Opener files(String root, SourceOptions options) {
        if (HubDatasetUri.matches(root)) {
            HubDatasetUri dataset = HubDatasetUri.parse(root.replaceAll("/+$", ""));
            return () -> new HubDatasetFiles(dataset,
                    new HubClient(options.hfEndpoint(), options.hfToken(), dataset.repo()), options.allowPartial());
        }
        if (!SCHEME.matcher(root).matches() || root.startsWith("file:")) {
            Path local = root.startsWith("file:") ? Path.of(URI.create(root)) : Path.of(root);
            return () -> new LocalDatasetFiles(local);
        }
        return () -> new HadoopDatasetFiles(root, options);
    }
}
