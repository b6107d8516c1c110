/**
 * What the project's HTTP clients (the Hugging Face Hub, Chroma, model downloads) share: one retry policy, with
 * capped, jittered backoff that honours a server's {@code Retry-After} ({@link dev.imgsearch.http.RetryPolicy}).
 */
package dev.imgsearch.http;
