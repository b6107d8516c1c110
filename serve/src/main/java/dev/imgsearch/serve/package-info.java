/**
 * The search service. {@link dev.imgsearch.serve.SearchServer} builds it from a {@link dev.imgsearch.serve.ServerConfig}:
 * the routes ({@code SearchRoutes}, {@code ImageRoutes}, {@code OpsRoutes}), what runs before them ({@code Guards}:
 * request ids, body caps, rate limit, API key), the bounded decode and embed work ({@code WorkPool}), readiness
 * ({@code Readiness}) and what results show ({@code SearchResponse}, {@code ResultUris}). Connection limits on Jetty
 * itself live in {@link dev.imgsearch.serve.jetty}.
 */
package dev.imgsearch.serve;
