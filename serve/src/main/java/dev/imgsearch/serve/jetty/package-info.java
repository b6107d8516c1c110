/**
 * How the HTTP server holds up under slow and many clients, set on Jetty when the server is built so that every
 * route, present and future, is covered: a bounded thread pool, idle and header-read timeouts, a minimum request-body
 * rate ({@link dev.imgsearch.serve.jetty.ConnectionLimits}, installed by {@link dev.imgsearch.serve.jetty.JettyLimits}),
 * and a cap on requests receiving a body at once ({@link dev.imgsearch.serve.jetty.BodyReaders}).
 */
package dev.imgsearch.serve.jetty;
