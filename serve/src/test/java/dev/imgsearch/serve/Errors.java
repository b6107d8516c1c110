package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** The one shape every error must have: the expected status, JSON {"error": "..."} with a clear message, no trace. */
final class Errors {

    private Errors() {
    }

    static String assertError(HttpResponse<byte[]> response, int status, String messagePart) {
        String body = Http.text(response);
        assertEquals(status, response.statusCode(), () -> "status for " + response.request().uri() + ": " + body);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "content type of " + body);
        JsonNode json = Http.json(response);
        assertTrue(json.hasNonNull("error") && json.get("error").isTextual(), () -> "no error message in " + body);
        String message = json.get("error").asText();
        assertTrue(message.toLowerCase().contains(messagePart.toLowerCase()),
                () -> "message '" + message + "' should mention '" + messagePart + "'");
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains(".java:"),
                () -> "error body leaks internals: " + body);
        return message;
    }
}
