package dev.imgsearch.serve;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The local folders whose images may be served. A {@code file:} URI is served only when it names, without any
 * {@code .} or {@code ..} segment, a regular file whose real path (symbolic links followed) lies inside a root.
 * Anything else is refused before the file system is asked whether it exists, so a refusal reveals nothing.
 */
final class ImageRoots {

    /** A configured root: as given (made absolute) for the lexical check, and its real path for the final one. */
    private record Root(Path given, Path real) {
    }

    private final List<Root> roots;

    private ImageRoots(List<Root> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Each folder must exist; it is resolved once, here, so later changes to a root's own links do not widen it. */
    static ImageRoots of(List<Path> folders) throws IOException {
        List<Root> roots = new ArrayList<>();
        for (Path folder : folders) {
            Path given = folder.toAbsolutePath().normalize();
            if (!Files.isDirectory(given)) {
                throw new IOException("image root " + folder + " is not a directory");
            }
            roots.add(new Root(given, given.toRealPath()));
        }
        return new ImageRoots(roots);
    }

    boolean isEmpty() {
        return roots.isEmpty();
    }

    /**
     * The real path of the file a {@code file:} URI names.
     *
     * @throws ApiException 403 if it is not allowed, 404 if it is allowed but missing or not a regular file
     */
    Path resolve(String uri) {
        if (roots.isEmpty()) {
            throw new ApiException(403, "serving local files is disabled: the server was started without --image-root");
        }
        Path lexical = lexicalPath(uri);
        if (roots.stream().noneMatch(root -> lexical.startsWith(root.given()) || lexical.startsWith(root.real()))) {
            throw outside();
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("the image file of this record no longer exists");
        } catch (IOException e) {
            throw ApiException.notFound("the image file of this record cannot be read");
        }
        if (roots.stream().noneMatch(root -> real.startsWith(root.real()))) {
            throw outside();
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("the image source of this record is not a regular file");
        }
        return real;
    }

    /**
     * The path of the file a {@code file:} URI (or an absolute path) names, relative to the root it lies under, with
     * {@code /} separators; empty when it lies under none. Decided from the text alone, without the file system.
     */
    Optional<String> relative(String uri) {
        Path lexical;
        try {
            lexical = uri.startsWith("/") ? Path.of(uri).normalize() : lexicalPath(uri);
        } catch (ApiException | InvalidPathException e) {
            return Optional.empty();
        }
        for (Root root : roots) {
            for (Path base : List.of(root.given(), root.real())) {
                if (lexical.startsWith(base) && !lexical.equals(base)) {
                    List<String> names = new ArrayList<>();
                    base.relativize(lexical).forEach(name -> names.add(name.toString()));
                    return Optional.of(String.join("/", names));
                }
            }
        }
        return Optional.empty();
    }

    private static Path lexicalPath(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new ApiException(403, "the image source of this record is not a valid file URI");
        }
        String authority = parsed.getRawAuthority();
        String path = parsed.getPath();
        if (!"file".equals(String.valueOf(parsed.getScheme()).toLowerCase(Locale.ROOT))
                || (authority != null && !authority.isEmpty() && !"localhost".equalsIgnoreCase(authority))
                || parsed.getRawQuery() != null || parsed.getRawFragment() != null
                || path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new ApiException(403, "the image source of this record is not a plain absolute file URI");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new ApiException(403, "the image source of this record has a '.' or '..' path segment");
            }
        }
        // From the URI itself, not its decoded path: percent-escapes of names that are not UTF-8 are raw bytes, and a
        // backslash is an ordinary character of a name on the systems the sources walk.
        return Path.of(URI.create("file://" + parsed.getRawPath()));
    }

    private static ApiException outside() {
        return new ApiException(403, "the image of this record is outside the configured image roots");
    }
}
