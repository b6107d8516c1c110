package dev.imgsearch.serve.jetty;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Sets {@link ConnectionLimits} on the Jetty server a Javalin config builds, with the one connector it listens on. */
public final class JettyLimits {

    /** Threads kept alive when idle, so a burst does not start from nothing. */
    private static final int MIN_IDLE_THREADS = 8;
    private static final int THREAD_IDLE_MILLIS = 60_000;

    private JettyLimits() {
    }

    public static void install(JavalinConfig javalin, String host, int port, ConnectionLimits limits) {
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), MIN_IDLE_THREADS, THREAD_IDLE_MILLIS);
        threads.setName("imgsearch-http");
        javalin.jetty.threadPool = threads;
        javalin.jetty.modifyHttpConfiguration(http -> {
            http.setMinRequestDataRate(limits.minBodyRate());
            // During a request Jetty uses this instead of the connector's timeout: a body that stops arriving.
            http.setIdleTimeout(limits.idleTimeout().toMillis());
        });
        javalin.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server,
                    new HeaderTimeoutConnectionFactory(http, limits.headerTimeout()));
            connector.setHost(host);
            connector.setPort(port);
            connector.setIdleTimeout(limits.idleTimeout().toMillis());
            return connector;
        });
        BodyReaders readers = new BodyReaders(limits.maxBodyReaders());
        javalin.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(readers), "/*",
                EnumSet.of(DispatcherType.REQUEST)));
    }
}
