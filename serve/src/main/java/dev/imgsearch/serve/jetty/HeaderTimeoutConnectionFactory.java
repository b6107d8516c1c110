package dev.imgsearch.serve.jetty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections that close when a request's headers, once begun, take longer than a timeout to arrive. Jetty
 * parses headers without holding a thread, but its idle timeout restarts with every byte, so a client sending one
 * header byte every few seconds would keep a connection (and its buffers) for ever; nginx's
 * {@code client_header_timeout} is the same rule.
 */
final class HeaderTimeoutConnectionFactory extends HttpConnectionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeoutConnectionFactory.class);

    private final long timeoutMillis;

    HeaderTimeoutConnectionFactory(HttpConfiguration config, Duration timeout) {
        super(config);
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        TimedConnection connection = new TimedConnection(getHttpConfiguration(), connector, endPoint,
                isRecordHttpComplianceViolations(), timeoutMillis);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }

    private static final class TimedConnection extends HttpConnection {

        private final long timeoutMillis;
        /** The request (by count of requests parsed before it) whose headers a timer watches; -1 for none yet. */
        private volatile long timedRequest = -1;

        TimedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, boolean recordViolations,
                        long timeoutMillis) {
            super(config, connector, endPoint, recordViolations);
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public void onFillable() {
            super.onFillable();
            long request = getMessagesIn();
            if (headersBegun() && timedRequest != request) {
                timedRequest = request;
                getConnector().getScheduler().schedule(() -> expire(request), timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }

        private boolean headersBegun() {
            HttpParser parser = getParser();
            return parser.inHeaderState() && !parser.isStart();
        }

        private void expire(long request) {
            if (getMessagesIn() == request && headersBegun()) {
                LOG.debug("closing {}: its request headers took longer than {} ms", getEndPoint(), timeoutMillis);
                getEndPoint().close();
            }
        }
    }
}
