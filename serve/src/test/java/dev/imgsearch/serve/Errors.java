package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** The one shape every error must have: the expected status, JSON {"error": "..."} with a clear message, no trace. */
public final class Errors {

    private Errors() {
    }

    public static String assertError(HttpResponse<byte[]> response, int status, String messagePart) {
        return assertError(response.request().uri().toString(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""), Http.text(response), status, messagePart);
    }

    static String assertError(Http.Raw response, int status, String messagePart) {
        return assertError("raw request", response.status(), response.contentType(), response.body(), status, messagePart);
    }

    private static String assertError(String what, int actualStatus, String contentType, String body, int status,
                                      String messagePart) {
        assertEquals(status, actualStatus, () -> "status for " + what + ": " + body);
        assertTrue(contentType.startsWith("application/json"), () -> "content type " + contentType + " of " + body);
        JsonNode json;
        try {
            json = Http.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertTrue(json.hasNonNull("error") && json.get("error").isTextual(), () -> "no error message in " + body);
        String message = json.get("error").asText();
        assertTrue(message.toLowerCase().contains(messagePart.toLowerCase()),
                () -> "message '" + message + "' should mention '" + messagePart + "'");
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains(".java:"),
                () -> "error body leaks internals: " + body);
        return message;
    }
}
