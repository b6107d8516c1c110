package dev.imgsearch.store.chroma.client;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * The token a Chroma server requires, and the header that carries it. Chroma's own clients send it either as
 * {@code x-chroma-token: TOKEN} (Chroma Cloud, the JavaScript client's {@code CloudClient}) or as
 * {@code Authorization: Bearer TOKEN} (the Python client's default {@code chroma_auth_token_transport_header}); the
 * server is configured for one of the two.
 *
 * <p>Never printed: {@link #toString()} names the header only. Serializable so that a build's driver can hand the
 * token it read to its executors, which then need neither the variable nor the file it came from.
 */
public final class ChromaToken implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The header a token travels in. */
    public enum Header {
        /** {@code x-chroma-token: TOKEN}. */
        X_CHROMA_TOKEN("x-chroma-token"),
        /** {@code Authorization: Bearer TOKEN}. */
        AUTHORIZATION("Authorization");

        private final String headerName;

        Header(String headerName) {
            this.headerName = headerName;
        }

        public String headerName() {
            return headerName;
        }
    }

    private final Header header;
    private final String secret;

    private ChromaToken(Header header, String secret) {
        this.header = header;
        this.secret = secret;
    }

    /**
     * @throws IllegalArgumentException for an empty token or one with characters other than ASCII letters, digits and
     *                                  punctuation (what Chroma's servers accept); the message never shows the token
     */
    public static ChromaToken of(Header header, String secret) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the Chroma token is empty");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("the Chroma token has a character that is not an ASCII letter, digit "
                        + "or punctuation at position " + (i + 1) + " of " + secret.length());
            }
        }
        return new ChromaToken(header, secret);
    }

    public Header header() {
        return header;
    }

    /** The header's value: the token itself, after {@code Bearer } in {@code Authorization}. */
    String headerValue() {
        return header == Header.AUTHORIZATION ? "Bearer " + secret : secret;
    }

    @Override
    public String toString() {
        return "ChromaToken[" + header.headerName() + ", redacted]";
    }
}
