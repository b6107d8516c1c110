package dev.imgsearch.serve.jetty;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * Caps the requests receiving a body at once. A blocking read holds its thread until the body arrives or the idle
 * timeout passes, so without a cap a few hundred silent uploads hold every thread and even health probes wait. A
 * request over the cap is still handed on, marked {@link #isRefused refused}, so that the server answers it (a 503)
 * the way it answers everything else, without reading its body.
 */
public final class BodyReaders implements Filter {

    private static final String REFUSED = BodyReaders.class.getName() + ".refused";

    private final Semaphore readers;

    BodyReaders(int maxReaders) {
        this.readers = new Semaphore(maxReaders);
    }

    /** Whether the request came with a body while the cap was reached: answer it without reading the body. */
    public static boolean isRefused(HttpServletRequest request) {
        return request.getAttribute(REFUSED) != null;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean hasBody = request.getContentLengthLong() > 0
                || ((HttpServletRequest) request).getHeader("Transfer-Encoding") != null;
        if (!hasBody) {
            chain.doFilter(request, response);
            return;
        }
        if (!readers.tryAcquire()) {
            request.setAttribute(REFUSED, Boolean.TRUE);
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            readers.release();
        }
    }
}
