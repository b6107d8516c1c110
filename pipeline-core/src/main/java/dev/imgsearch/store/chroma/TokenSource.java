package dev.imgsearch.store.chroma;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.chroma.client.ChromaToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where a store URI's {@code token} option says the Chroma token is: {@code env:VARIABLE} or {@code file:PATH}. The
 * URI only ever names the place, never the token: store URIs are printed in logs and reports.
 *
 * @param kind  an environment variable or a file
 * @param place the variable's name or the file's path
 */
record TokenSource(Kind kind, String place) {

    /** The two places a token is read from. */
    enum Kind {
        ENV, FILE
    }

    /**
     * @throws IllegalArgumentException for anything but {@code env:VARIABLE} or {@code file:PATH}
     */
    static TokenSource parse(String value) {
        int colon = value.indexOf(':');
        String prefix = colon < 0 ? "" : value.substring(0, colon);
        String place = colon < 0 ? "" : value.substring(colon + 1);
        if (place.isEmpty() || !prefix.equals("env") && !prefix.equals("file")) {
            throw new IllegalArgumentException("option token needs env:VARIABLE or file:PATH, the place to read the "
                    + "token from; a store URI never holds the token itself");
        }
        return new TokenSource(prefix.equals("env") ? Kind.ENV : Kind.FILE, place);
    }

    /**
     * Reads the token.
     *
     * @param environment the environment variables ({@code System::getenv})
     * @throws StoreException when the variable is unset, the file unreadable, or the token malformed
     */
    ChromaToken read(ChromaToken.Header header, UnaryOperator<String> environment) {
        String where = kind == Kind.ENV ? "environment variable " + place : "file " + place;
        String secret;
        if (kind == Kind.ENV) {
            secret = environment.apply(place);
            if (secret == null) {
                throw new StoreException("the Chroma token's environment variable " + place + " is not set");
            }
        } else {
            try {
                secret = Files.readString(Path.of(place), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new StoreException("cannot read the Chroma token file " + place + ": " + OneLine.of(e), e);
            }
        }
        try {
            return ChromaToken.of(header, secret.strip());
        } catch (IllegalArgumentException e) {
            throw new StoreException(e.getMessage() + " (read from " + where + ")", e);
        }
    }
}
