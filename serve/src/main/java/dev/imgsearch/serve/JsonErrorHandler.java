package dev.imgsearch.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Errors Jetty answers itself, before Javalin sees the request (an undecodable URI, oversized headers), as the
 * same {@code {"error": "..."}} JSON as every other error instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final ObjectMapper mapper;

    JsonErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        byte[] body = body(code, message);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        baseRequest.setHandled(true);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int code, String message) {
        String status = String.valueOf(HttpStatus.getMessage(code)).toLowerCase(Locale.ROOT);
        boolean detailed = message != null && !message.isBlank() && !message.equalsIgnoreCase(status);
        String text;
        if (code >= 500) {
            text = status;
        } else if (detailed) {
            text = status + ": " + message;
        } else if (code == 400) {
            text = "bad request: the URL or headers are malformed (bad escapes, '..' segments and NUL bytes are refused)";
        } else {
            text = status;
        }
        try {
            return mapper.writeValueAsBytes(Map.of("error", text));
        } catch (JsonProcessingException e) {
            return "{\"error\":\"bad request\"}".getBytes(StandardCharsets.UTF_8);
        }
    }
}
